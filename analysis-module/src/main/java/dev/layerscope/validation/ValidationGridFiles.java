package dev.layerscope.validation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validation-grid stage's files:
 * <pre>
 * predictions.csv  epoch,validation_index,source_index,true,predicted,probability: one line per epoch and image,
 *                  epochs ascending; classes by number (the dataset's class names in that order); probability is
 *                  the predicted class's; validation_index the position in the validation split, source_index in
 *                  the file it was drawn from
 * grid.json        the epochs, the kept epoch (the trained model's), the sample's size and seed, and the size asked
 *                  for (validation-grid.images: larger than the sample's when the validation split has fewer)
 * </pre>
 */
final class ValidationGridFiles {

    static final String PREDICTIONS = "predictions.csv";
    static final String HEADER = "epoch,validation_index,source_index,true,predicted,probability";
    private static final String INFO = "grid.json";

    private ValidationGridFiles() {
    }

    static void write(Path dir, ValidationGrid grid, int asked, long seed) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (int e = 0; e < grid.epochs().size(); e++) {
            for (int i = 0; i < grid.size(); i++) {
                lines.add(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%.6f", grid.epochs().get(e),
                        grid.validationIndex()[i], grid.sourceIndex()[i], grid.labels()[i], grid.predicted()[e][i],
                        grid.probability()[e][i]));
            }
        }
        Files.write(dir.resolve(PREDICTIONS), lines);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("epochs", grid.epochs());
        info.put("kept-epoch", grid.keptEpoch());
        info.put("images", grid.size());
        info.put("images-asked", asked);
        info.put("seed", seed);
        Json.write(dir.resolve(INFO), info);
    }

    static ValidationGrid read(Path dir) throws IOException {
        Config info = ConfigFactory.parseFile(dir.resolve(INFO).toFile());
        List<Integer> epochs = info.getIntList("epochs");
        int images = info.getInt("images");
        List<String> lines = Files.readAllLines(dir.resolve(PREDICTIONS));
        if (!lines.getFirst().equals(HEADER) || lines.size() != 1 + epochs.size() * images) {
            throw new IOException(dir.resolve(PREDICTIONS) + " is not the predictions of " + epochs.size()
                    + " epochs of " + images + " images");
        }
        int[] validationIndex = new int[images];
        int[] sourceIndex = new int[images];
        int[] labels = new int[images];
        int[][] predicted = new int[epochs.size()][images];
        float[][] probability = new float[epochs.size()][images];
        for (int e = 0; e < epochs.size(); e++) {
            for (int i = 0; i < images; i++) {
                String[] fields = lines.get(1 + e * images + i).split(",");
                validationIndex[i] = Integer.parseInt(fields[1]);
                sourceIndex[i] = Integer.parseInt(fields[2]);
                labels[i] = Integer.parseInt(fields[3]);
                predicted[e][i] = Integer.parseInt(fields[4]);
                probability[e][i] = Float.parseFloat(fields[5]);
            }
        }
        return new ValidationGrid(epochs, info.getInt("kept-epoch"), validationIndex, sourceIndex, labels, predicted,
                probability);
    }
}

package dev.layerscope.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Csv;
import dev.layerscope.kernel.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The train stage's files, written after training and read back when a later run reuses the stage:
 * <pre>
 * model.zip                    the network (DL4J's serializer, with its updater state)
 * history.csv                  one line per epoch
 * network.txt                  layers, kinds, output shapes, parameter counts ({@link NetworkLayout#table()})
 * predictions.npy              softmax of every test image (test size x classes, float32)
 * test_labels.npy, test_index.npy   true class and test-file position of each row (int32)
 * evaluation.json, confusion.csv    accuracy, per-class precision/recall/F1, confusion matrix
 * trajectory.npy               bottleneck points (snapshots x samples x units, float32), snapshot 0 before training
 * trajectory_softmax.npy       bottleneck softmax (snapshots x samples x classes, float32)
 * trajectory_samples.csv       sample, test_index, label of each bottleneck sample
 * epoch_params.npy             the parameters before training and after every epoch (epochs x parameters, float32)
 * epoch_params.json            the last epoch in it, the epoch the model is, the parameters per epoch
 * </pre>
 */
final class TrainOutputs {

    static final String MODEL = "model.zip";
    static final String EPOCH_PARAMS = "epoch_params.npy";
    private static final String EPOCH_PARAMS_INFO = "epoch_params.json";

    private TrainOutputs() {
    }

    static void write(Path dir, MultiLayerNetwork network, Trainer.Result result,
                      List<String> classNames, NetworkLayout layout) throws IOException {
        ModelSerializer.writeModel(network, dir.resolve(MODEL).toFile(), true);
        List<String> history = new ArrayList<>(List.of(EpochRecord.CSV_HEADER));
        result.history().forEach(record -> history.add(record.csv()));
        Files.write(dir.resolve("history.csv"), history);
        Files.writeString(dir.resolve("network.txt"), layout.table());

        Predictions predictions = result.predictions();
        Npy.writeFloats(dir.resolve("predictions.npy"), predictions.probabilities(), predictions.size(),
                predictions.classes());
        Npy.writeInts(dir.resolve("test_labels.npy"), predictions.labels(), predictions.size());
        Npy.writeInts(dir.resolve("test_index.npy"), predictions.testIndices(), predictions.size());
        ClassificationReport report = ClassificationReport.of(predictions);
        Json.write(dir.resolve("evaluation.json"), report.toMap(classNames));
        Files.write(dir.resolve("confusion.csv"), Csv.matrix("true\\predicted", classNames,
                (actual, predicted) -> Long.toString(report.confusion()[actual][predicted])));

        Trajectory trajectory = result.trajectory();
        Npy.writeFloats(dir.resolve("trajectory.npy"), trajectory.points(), trajectory.snapshots(),
                trajectory.samples(), trajectory.units());
        Npy.writeFloats(dir.resolve("trajectory_softmax.npy"), trajectory.softmax(), trajectory.snapshots(),
                trajectory.samples(), trajectory.classes());
        List<String> samples = new ArrayList<>(List.of("sample,test_index,label,layer"));
        for (int i = 0; i < trajectory.samples(); i++) {
            samples.add(i + "," + trajectory.testIndices()[i] + "," + trajectory.labels()[i] + "," + trajectory.layer());
        }
        Files.write(dir.resolve("trajectory_samples.csv"), samples);
    }

    /**
     * Writes the parameters of every epoch into {@code dir}; returns what they are once the folder is published at
     * {@code published}.
     */
    static EpochParameters writeEpochs(Path dir, Path published, EpochCheckpoints checkpoints) throws IOException {
        EpochParameters epochs = checkpoints.write(dir.resolve(EPOCH_PARAMS), published.resolve(EPOCH_PARAMS));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("last-epoch", epochs.lastEpoch());
        info.put("kept-epoch", epochs.keptEpoch());
        info.put("parameters", epochs.parameters());
        Json.write(dir.resolve(EPOCH_PARAMS_INFO), info);
        return epochs;
    }

    /** The saved results of a train stage folder. */
    record Saved(MultiLayerNetwork network, Trainer.Result result, EpochParameters epochs) {
    }

    static Saved read(Path dir) throws IOException {
        MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(dir.resolve(MODEL).toFile(), true);
        OneDnn.attach(network);
        List<EpochRecord> history = Files.readAllLines(dir.resolve("history.csv")).stream().skip(1)
                .map(EpochRecord::parse).toList();
        Npy.Floats probabilities = Npy.readFloats(dir.resolve("predictions.npy"));
        Predictions predictions = new Predictions(probabilities.values(), (int) probabilities.shape()[1],
                Npy.readInts(dir.resolve("test_labels.npy")).values(),
                Npy.readInts(dir.resolve("test_index.npy")).values());
        Npy.Floats points = Npy.readFloats(dir.resolve("trajectory.npy"));
        Npy.Floats softmax = Npy.readFloats(dir.resolve("trajectory_softmax.npy"));
        List<String[]> samples = Files.readAllLines(dir.resolve("trajectory_samples.csv")).stream().skip(1)
                .map(line -> line.split(",")).toList();
        Trajectory trajectory = new Trajectory(samples.isEmpty() ? "" : samples.get(0)[3],
                (int) points.shape()[0], (int) points.shape()[2], (int) softmax.shape()[2], points.values(),
                softmax.values(), samples.stream().mapToInt(s -> Integer.parseInt(s[2])).toArray(),
                samples.stream().mapToInt(s -> Integer.parseInt(s[1])).toArray());
        Config info = ConfigFactory.parseFile(dir.resolve(EPOCH_PARAMS_INFO).toFile());
        EpochParameters epochs = new EpochParameters(dir.resolve(EPOCH_PARAMS), info.getInt("last-epoch"),
                info.getInt("kept-epoch"), info.getLong("parameters"));
        return new Saved(network, new Trainer.Result(history, predictions, trajectory), epochs);
    }
}

package dev.layerscope.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.AnalysisTestModules;
import dev.layerscope.data.Npy;
import dev.layerscope.linalg.SeededRows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The validation-grid stage in a real pipeline on small synthetic images (4 classes of 8x8), trained 4 epochs. The
 * capture takes the pixels of the whole validation split, so the test can run the saved network, with each epoch's
 * saved parameters, on the very images the grid sampled and compare.
 */
class ValidationGridPipelineTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, capture, validation-grid]
            synthetic { classes = 4, per-class = 60, rows = 8, cols = 8, seed = 3 }
            model {
              layers = [{ type = dense, units = 12 }, { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 4
            }
            capture { splits = [validation], layers = [input], epochs.images = 0 }
            validation-grid { images = 12, seed = 5 }
            """;
    private static final int CLASSES = 4;
    private static final int IMAGES = 12;

    @TempDir
    static Path shared;
    private static Path run;

    @BeforeAll
    static void runThePipelineOnce() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = AnalysisTestModules.launch(shared, EXPERIMENT, errors);
        assertEquals(0, exit, errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(shared.resolve("runs/tiny"))) {
            run = runs.filter(dir -> Files.exists(dir.resolve("run.json"))).findFirst().orElseThrow();
        }
    }

    @Test
    void theFirstTheMiddleAndTheLastEpochPredictTheSeededSample() throws IOException {
        Config info = ConfigFactory.parseFile(run.resolve("validation-grid/grid.json").toFile());
        assertEquals(List.of(1, 2, 4), info.getIntList("epochs"), "epoch 1, the middle of 4 and the last");
        assertEquals(4, info.getInt("kept-epoch"));
        List<String> lines = Files.readAllLines(run.resolve("validation-grid/predictions.csv"));
        assertEquals(ValidationGridFiles.HEADER, lines.getFirst());
        assertEquals(1 + 3 * IMAGES, lines.size());

        int validationSize = Npy.readInts(run.resolve("capture/validation-index.npy")).values().length;
        int[] expectedRows = SeededRows.uniform(validationSize, IMAGES, 5);
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(expectedRows[i], Integer.parseInt(lines.get(1 + i).split(",")[1]), "line " + (i + 1));
        }
    }

    /**
     * Every line's class and probability are those of the saved network with that epoch's saved parameters on the
     * image's pixels (found in the capture by its position in the source file), and the true class is the label.
     */
    @Test
    void eachEpochsPredictionsAreThoseOfThatEpochsParametersOnTheImage() throws IOException {
        Npy.Floats pixels = Npy.readFloats(run.resolve("capture/input-validation.npy"));
        int width = (int) pixels.shape()[1];
        int[] captured = Npy.readInts(run.resolve("capture/validation-index.npy")).values();
        int[] labels = Npy.readInts(run.resolve("capture/validation-labels.npy")).values();
        Map<Integer, Integer> row = new HashMap<>();
        for (int i = 0; i < captured.length; i++) {
            row.put(captured[i], i);
        }
        MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(
                run.resolve("train/model.zip").toFile(), false);
        List<String> lines = Files.readAllLines(run.resolve("validation-grid/predictions.csv"));
        int wrong = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            int epoch = Integer.parseInt(fields[0]);
            float[] parameters = Npy.readFloats(run.resolve("train/epoch_params.npy"), epoch, 1).values();
            network.setParams(Nd4j.create(parameters, new long[] {1, parameters.length}, 'c'));
            int at = row.get(Integer.parseInt(fields[2]));
            float[] image = new float[width];
            System.arraycopy(pixels.values(), at * width, image, 0, width);
            INDArray output = network.output(Nd4j.create(image, new long[] {1, width}, 'c'), false);
            float[] softmax = output.toFloatVector();
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                best = softmax[c] > softmax[best] ? c : best;
            }
            assertEquals(labels[at], Integer.parseInt(fields[3]), line);
            assertEquals(best, Integer.parseInt(fields[4]), line);
            assertEquals(softmax[best], Float.parseFloat(fields[5]), 1e-5, line);
            wrong += best == labels[at] ? 0 : 1;
        }
        Config stage = ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals("validation-grid")).findFirst().orElseThrow();
        int reported = stage.getObject("metrics.wrong").unwrapped().values().stream()
                .mapToInt(value -> ((Number) value).intValue()).sum();
        assertEquals(wrong, reported, "the wrong ones per epoch in run.json");
    }

    @Test
    void theGridReadBackIsTheOneWritten() throws IOException {
        ValidationGrid grid = ValidationGridFiles.read(run.resolve("validation-grid"));
        assertEquals(List.of(1, 2, 4), grid.epochs());
        assertEquals(IMAGES, grid.size());
        List<String> lines = Files.readAllLines(run.resolve("validation-grid/predictions.csv"));
        String[] last = lines.getLast().split(",");
        assertEquals(Integer.parseInt(last[4]), grid.predicted()[2][IMAGES - 1]);
        assertEquals(Float.parseFloat(last[5]), grid.probability()[2][IMAGES - 1], 0f);
        assertTrue(grid.wrong(2) <= IMAGES);
    }

    /**
     * Two synthetic classes of 25 training images hold out a fifth, 10 validation images: the default sample of 64
     * shows all 10, and grid.json says 64 were asked for.
     */
    @Test
    void theDefaultSampleOfASplitOfTenIsTheWholeSplit(@TempDir Path own) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = AnalysisTestModules.launch(own, """
                pipeline = [synthetic, train, validation-grid]
                synthetic { classes = 2, per-class = 25, rows = 6, cols = 6, seed = 3 }
                model {
                  layers = [{ type = dense, units = 4 }, { type = output }]
                  batch-size = 16
                  epochs = 2
                }
                """, errors);
        assertEquals(0, exit, errors.toString(StandardCharsets.UTF_8));
        Path grid;
        try (Stream<Path> runs = Files.list(own.resolve("runs/tiny"))) {
            grid = runs.filter(dir -> Files.exists(dir.resolve("run.json"))).findFirst().orElseThrow()
                    .resolve("validation-grid");
        }
        Config info = ConfigFactory.parseFile(grid.resolve("grid.json").toFile());
        assertEquals(10, info.getInt("images"));
        assertEquals(64, info.getInt("images-asked"), "the default");
        List<String> lines = Files.readAllLines(grid.resolve("predictions.csv"));
        int epochs = info.getIntList("epochs").size();
        assertEquals(1 + epochs * 10, lines.size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), lines.subList(1, 11).stream()
                .map(line -> Integer.parseInt(line.split(",")[1])).toList(), "every validation image once");
        assertEquals(10, ValidationGridFiles.read(grid).size());
    }
}

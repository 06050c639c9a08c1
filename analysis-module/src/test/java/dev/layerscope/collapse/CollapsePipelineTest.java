package dev.layerscope.collapse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.AnalysisTestModules;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.linalg.FloatMatrix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The collapse stage in a real pipeline on small synthetic images (4 classes; 192 training and 60 test images) and
 * a network like the default MLP, dropout after each hidden layer: the stage finds the penultimate layer in the
 * trained network, and its measures are those of {@link NeuralCollapse} on the files it and the capture exported.
 */
class CollapsePipelineTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, capture, collapse]
            synthetic { classes = 4, per-class = 60, rows = 8, cols = 8, seed = 3 }
            model {
              layers = [{ type = dense, units = 16 }, { type = dropout, rate = 0.2 }, { type = dense, units = 6 },
                        { type = dropout, rate = 0.2 }, { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 4
            }
            capture { batch-size = 50, epochs.images = 30 }
            """;
    private static final int CLASSES = 4;
    private static final int EPOCHS = 4;

    @TempDir
    static Path shared;
    private static Path run;

    @TempDir
    Path dir;

    @BeforeAll
    static void runThePipelineOnce() throws IOException {
        run = run(shared, Map.of());
    }

    @Test
    void measuresThePenultimateLayerAfterTheLastEpoch() throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("collapse/collapse.csv"));
        assertEquals("layer,epoch,images,nc1,nc2_norm_cv,nc2_cos_mean,nc2_cos_std,nc3,nc4", lines.getFirst());
        assertEquals(2 + EPOCHS + 1, lines.size(), "the trained network, then epochs 0 to 4: " + lines);
        String[] line = lines.get(1).split(",");
        assertEquals(List.of("dense2", "4", "train"), List.of(line[0], line[1], line[2]),
                "dense2 feeds the output through dropout");
        assertTrue(Double.parseDouble(line[3]) >= 0, "NC1 " + line[3]);
        assertTrue(Double.parseDouble(line[7]) >= 0 && Double.parseDouble(line[7]) <= 2, "NC3 " + line[7]);
        assertTrue(Double.parseDouble(line[8]) >= 0 && Double.parseDouble(line[8]) <= 1, "NC4 " + line[8]);
        assertArrayEquals(new long[] {CLASSES, 6}, Npy.readFloats(run.resolve("collapse/last_layer_W.npy")).shape());
        assertArrayEquals(new long[] {CLASSES}, Npy.readFloats(run.resolve("collapse/last_layer_b.npy")).shape());
        assertFalse(Files.exists(run.resolve("collapse/features-train.npy")), "the features are the captured ones");

        Config stage = stage(run, "collapse");
        assertEquals("succeeded", stage.getString("status"));
        assertEquals(-1.0 / 3, stage.getDouble("metrics.equiangular-cosine"), 1e-12);
        assertEquals(192, stage.getInt("metrics.train-points"));
        assertEquals(60, stage.getInt("metrics.test-points"));
        assertEquals(Double.parseDouble(line[8]), stage.getConfigList("metrics.lines").getFirst().getDouble("nc4"),
                1e-6);
    }

    /** The measures are those of the exported arrays: what bench/check_collapse.py recomputes with NumPy. */
    @Test
    void theMeasuresAreThoseOfTheExportedFeaturesAndWeights() throws IOException {
        NeuralCollapse.Measures expected = NeuralCollapse.measure(matrix(run.resolve("capture/dense2-train.npy")),
                Npy.readInts(run.resolve("capture/train-labels.npy")).values(), CLASSES, weights(run),
                Npy.readFloats(run.resolve("collapse/last_layer_b.npy")).values(),
                matrix(run.resolve("capture/dense2-test.npy")), new CollapseSettings("", 1e-9));
        assertEquals(expected, CollapseFiles.read(run.resolve("collapse")).lines().getFirst().measures());
    }

    /**
     * The network's prediction the stage compares with the nearest class mean, argmax(W h + b) over the captured
     * penultimate features and the output layer's weights, is the train stage's own prediction of every test image
     * (its softmax, train/predictions.npy, matched by test index).
     */
    @Test
    void theLastLayerAppliedToTheCapturedFeaturesPredictsAsTheTrainStageDid() throws IOException {
        int[] fromFeatures = NeuralCollapse.networkPredictions(matrix(run.resolve("capture/dense2-test.npy")),
                weights(run), Npy.readFloats(run.resolve("collapse/last_layer_b.npy")).values());
        int[] captureIndex = Npy.readInts(run.resolve("capture/test-index.npy")).values();
        Npy.Floats softmax = Npy.readFloats(run.resolve("train/predictions.npy"));
        int[] trainIndex = Npy.readInts(run.resolve("train/test_index.npy")).values();
        Map<Integer, Integer> trainRow = new HashMap<>();
        for (int row = 0; row < trainIndex.length; row++) {
            trainRow.put(trainIndex[row], row);
        }
        assertEquals(60, fromFeatures.length);
        for (int i = 0; i < fromFeatures.length; i++) {
            int row = trainRow.get(captureIndex[i]);
            int predicted = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (softmax.values()[row * CLASSES + c] > softmax.values()[row * CLASSES + predicted]) {
                    predicted = c;
                }
            }
            assertEquals(predicted, fromFeatures[i], "test image " + captureIndex[i]);
        }
    }

    /**
     * The per-epoch lines: dense2 after epochs 0 to 4 on the record's 30 test images, with the output layer of
     * that epoch, read here from the train stage's {@code epoch_params.npy} (DL4J flattens the output layer's
     * 6 x 4 weights column-major, so class-major, then its 4 biases, at the end of each row). The last epoch from
     * the final capture's rows of the record's images: the record's last epoch is the trained network.
     */
    @Test
    void measuresThePenultimateLayerAfterEveryEpochOnTheRecordWithThatEpochsWeights() throws IOException {
        List<CollapseResults.Line> byEpoch = CollapseFiles.read(run.resolve("collapse")).byEpoch();
        assertEquals(List.of(0, 1, 2, 3, 4), byEpoch.stream().map(CollapseResults.Line::epoch).toList());
        int[] labels = Npy.readInts(run.resolve("capture/epochs/test-labels.npy")).values();
        int[] recordRows = recordRowsInCapture(run);
        FloatMatrix finalRows = matrix(run.resolve("capture/dense2-test.npy")).rows(recordRows);
        int width = 6;
        for (CollapseResults.Line line : byEpoch) {
            int epoch = line.epoch();
            float[] parameters = Npy.readFloats(run.resolve("train/epoch_params.npy"), epoch, 1).values();
            int end = parameters.length;
            float[] bias = Arrays.copyOfRange(parameters, end - CLASSES, end);
            float[][] weights = new float[CLASSES][];
            int start = end - CLASSES - CLASSES * width;
            for (int c = 0; c < CLASSES; c++) {
                weights[c] = Arrays.copyOfRange(parameters, start + c * width, start + (c + 1) * width);
            }
            FloatMatrix features = epoch == EPOCHS ? finalRows : recorded(run, "dense2", epoch);
            NeuralCollapse.Measures expected = NeuralCollapse.measure(features, labels, CLASSES, weights, bias,
                    features, new CollapseSettings("", 1e-9));
            NeuralCollapse.Measures measured = line.measures();
            assertEquals(List.of("dense2", width), List.of(line.layer(), line.width()));
            assertEquals(expected.nc1(), measured.nc1(), 1e-6 * Math.abs(expected.nc1()), "NC1 after " + epoch);
            assertEquals(expected.nc2CosMean(), measured.nc2CosMean(), 1e-6, "NC2 after " + epoch);
            assertEquals(expected.nc3(), measured.nc3(), 1e-6, "NC3 after " + epoch);
            assertEquals(expected.nc4(), measured.nc4(), 1e-9, "NC4 after " + epoch);
        }
        assertEquals(EPOCHS + 1, stage(run, "collapse").getList("metrics.nc1-by-epoch").size());
    }

    @Test
    void theSameExperimentAgainReusesTheStageAndItsResults() throws IOException {
        Path second = run(shared, Map.of());
        Config stage = stage(second, "collapse");
        assertEquals("reused", stage.getString("status"));
        assertEquals(run.toString(), stage.getString("computed-in"));
        for (String file : List.of("collapse.csv", "collapse.json")) {
            assertEquals(Files.readString(run.resolve("collapse").resolve(file)),
                    Files.readString(second.resolve("collapse").resolve(file)), file);
        }
    }

    /**
     * With batch norm between the penultimate layer and the output, the stage measures what the output layer
     * classifies: the batch norm's output at inference, as the capture records it for that layer.
     */
    @Test
    void throughABatchNormTheFeaturesAreTheBatchNormsOutput() throws IOException {
        Path withBatchNorm = run(dir, Map.of("model.layers", "[{ type = dense, units = 16 }, "
                + "{ type = dense, units = 6 }, { type = batchnorm }, { type = dropout, rate = 0.2 }, "
                + "{ type = output }]", "capture.layers", "[dense2, batchnorm1]"));
        assertTrue(Files.readAllLines(withBatchNorm.resolve("collapse/collapse.csv")).get(1).startsWith("dense2,"));
        for (String split : List.of("train", "test")) {
            FloatMatrix measured = matrix(withBatchNorm.resolve("collapse/features-" + split + ".npy"));
            FloatMatrix normalised = matrix(withBatchNorm.resolve("capture/batchnorm1-" + split + ".npy"));
            FloatMatrix captured = matrix(withBatchNorm.resolve("capture/dense2-" + split + ".npy"));
            assertEquals(normalised.rows(), measured.rows());
            double largest = 0;
            double changed = 0;
            for (int i = 0; i < measured.values().length; i++) {
                largest = Math.max(largest, Math.abs(measured.values()[i] - normalised.values()[i]));
                changed = Math.max(changed, Math.abs(measured.values()[i] - captured.values()[i]));
            }
            assertTrue(largest < 1e-5, split + ": off the batch norm's output by " + largest);
            assertTrue(changed > 1e-3, split + ": the batch norm changed nothing");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "collapse.layer = dense1 | collapse.layer: `dense1` is not what the output layer classifies: dense2 "
                + "(dense) lies between them",
        "capture.layers = [input, dense1] | capture.layers: the collapse stage measures the penultimate layer "
                + "`dense2`, which is not captured",
        "capture.splits = [test] | capture.splits: the collapse stage takes the class means from the train split",
        "collapse.rank-tolerance = 0 | collapse.rank-tolerance: 0 is out of range",
    })
    void settingsThatCannotWorkAreRejectedBeforeAnythingRuns(String settings, String expected) throws IOException {
        Path file = dir.resolve("tiny.conf");
        Files.writeString(file, "runs.dir = \"" + dir.resolve("runs") + "\"\n" + EXPERIMENT + settings + "\n");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertNotEquals(Launcher.OK, launch(file, Map.of(), errors));
        String output = errors.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains(expected), output);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    /** One layer of the per-epoch record after one epoch. */
    private static FloatMatrix recorded(Path run, String layer, int epoch) throws IOException {
        Npy.Floats floats = Npy.readFloats(run.resolve("capture/epochs/" + layer + ".npy"), epoch, 1);
        return new FloatMatrix((int) floats.shape()[1], (int) floats.shape()[2], floats.values());
    }

    /** The rows of the final capture's test split that hold the per-epoch record's images, in the record's order. */
    private static int[] recordRowsInCapture(Path run) throws IOException {
        List<Integer> captured = Arrays.stream(Npy.readInts(run.resolve("capture/test-index.npy"))
                .values()).boxed().toList();
        return Arrays.stream(Npy.readInts(run.resolve("capture/epochs/test-index.npy")).values())
                .map(captured::indexOf).toArray();
    }

    private static float[][] weights(Path run) throws IOException {
        FloatMatrix flat = matrix(run.resolve("collapse/last_layer_W.npy"));
        float[][] weights = new float[flat.rows()][];
        for (int c = 0; c < flat.rows(); c++) {
            weights[c] = flat.row(c);
        }
        return weights;
    }

    private static FloatMatrix matrix(Path npy) throws IOException {
        Npy.Floats floats = Npy.readFloats(npy);
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }

    private static Config stage(Path run, String name) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow();
    }

    /** Runs the experiment, with {@code overrides}, into {@code folder}'s runs; returns the new run folder. */
    private static Path run(Path folder, Map<String, String> overrides) throws IOException {
        List<Path> before = runs(folder);
        Path file = folder.resolve("tiny.conf");
        Files.writeString(file, "runs.dir = \"" + folder.resolve("runs") + "\"\n" + EXPERIMENT);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(file, overrides, errors), errors.toString(StandardCharsets.UTF_8));
        List<Path> after = runs(folder);
        after.removeAll(before);
        assertEquals(1, after.size(), after.toString());
        return after.getFirst();
    }

    private static List<Path> runs(Path folder) throws IOException {
        Path experimentRuns = folder.resolve("runs/tiny");
        if (!Files.isDirectory(experimentRuns)) {
            return new ArrayList<>();
        }
        try (Stream<Path> runs = Files.list(experimentRuns)) {
            return new ArrayList<>(runs.toList());
        }
    }

    private static int launch(Path file, Map<String, String> overrides, ByteArrayOutputStream errors) {
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, file.toString());
        return new Launcher(AnalysisTestModules.all())
                .run(properties, Map.of(), new PrintStream(errors, true, StandardCharsets.UTF_8));
    }
}

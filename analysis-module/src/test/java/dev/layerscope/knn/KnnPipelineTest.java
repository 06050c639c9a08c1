package dev.layerscope.knn;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The knn stage in a real pipeline on small synthetic images, checked against a brute-force kNN of its inputs. */
class KnnPipelineTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, capture, reduce, knn]
            synthetic { classes = 4, per-class = 60, rows = 8, cols = 8, seed = 3 }
            model {
              layers = [{ type = dense, units = 16 }, { type = dense, units = 3 }, { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 4
            }
            capture { batch-size = 50, epochs.images = 20 }
            reduce.methods = [pca, umap]
            reduce.projector.enabled = false
            knn.threads = 2
            """;
    private static final List<String> INPUTS = List.of("input", "dense1", "dense2");
    private static final List<String> METHODS = List.of(KnnResults.HIGH_DIMENSIONAL, "pca", "umap");
    private static final List<Integer> KS = List.of(3, 5, 10);
    private static final int CLASSES = 4;

    /** The folder of the one successful run the tests of its results share. */
    @TempDir
    static Path shared;
    private static Path run;

    @TempDir
    Path dir;

    @BeforeAll
    static void runThePipelineOnce() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(shared, "", errors), errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(shared.resolve("runs/tiny"))) {
            run = runs.findFirst().orElseThrow();
        }
    }

    @Test
    void classifiesInEveryLayerAndMapAsABruteForceKnnDoes() throws IOException {
        List<String[]> rows = csv(run.resolve("knn/knn.csv"));
        assertEquals("input,method,placement,dimensions,k,train_points,test_points,correct,accuracy",
                String.join(",", rows.getFirst()));
        assertEquals(INPUTS.size() * METHODS.size() * KS.size(), rows.size() - 1, "a line per input, method and k");
        Map<String, String[]> perClass = csv(run.resolve("knn/knn_per_class.csv")).stream().skip(1)
                .collect(Collectors.toMap(r -> r[0] + "/" + r[1] + "/" + r[3] + "/" + r[4], r -> r));

        int[] trainLabels = Npy.readInts(run.resolve("capture/train-labels.npy")).values();
        int[] testLabels = Npy.readInts(run.resolve("capture/test-labels.npy")).values();
        int line = 1;
        for (String input : INPUTS) {
            for (String method : METHODS) {
                boolean highDimensional = method.equals(KnnResults.HIGH_DIMENSIONAL);
                FloatMatrix train = matrix(highDimensional ? run.resolve("capture/" + input + "-train.npy")
                        : run.resolve("reduce/" + input + "-" + method + "-train.npy"));
                FloatMatrix test = matrix(highDimensional ? run.resolve("capture/" + input + "-test.npy")
                        : run.resolve("reduce/" + input + "-" + method + "-test.npy"));
                for (int k : KS) {
                    String[] row = rows.get(line++);
                    assertEquals(List.of(input, method, highDimensional ? "" : "transform",
                                    String.valueOf(train.cols()), String.valueOf(k), "192", "60"),
                            List.of(row).subList(0, 7), "line " + (line - 1));
                    int[] expected = BruteForceKnn.correctPerClass(train, trainLabels, test, testLabels, k, CLASSES);
                    int correct = Integer.parseInt(row[7]);
                    double accuracy = Double.parseDouble(row[8]);
                    assertEquals(IntStream.of(expected).sum(), correct, input + " " + method
                            + " k = " + k);
                    assertTrue(accuracy >= 0 && accuracy <= 1, row[8]);
                    assertEquals(correct / 60.0, accuracy, 1e-6);
                    for (int c = 0; c < CLASSES; c++) {
                        String[] classRow = perClass.get(input + "/" + method + "/" + k + "/" + c);
                        assertEquals("bar-" + c, classRow[5]);
                        assertEquals(List.of("15", String.valueOf(expected[c])), List.of(classRow[6], classRow[7]));
                    }
                }
            }
        }
        // the synthetic bars are easy: a kNN of the raw pixels separates them, whatever the network learnt
        assertTrue(Double.parseDouble(rows.get(1)[8]) > 0.9, String.join(",", rows.get(1)));
    }

    @Test
    void scoresEveryMapsQualityAndRecordsEverythingInRunJson() throws IOException {
        List<String[]> quality = csv(run.resolve("knn/quality.csv"));
        assertEquals("input,method,placement,neighbors,sample,trustworthiness,continuity,silhouette",
                String.join(",", quality.getFirst()));
        assertEquals(INPUTS.size() * 2, quality.size() - 1, "a line per map");
        for (String[] row : quality.subList(1, quality.size())) {
            assertEquals(List.of("10", "60"), List.of(row[3], row[4]), "the whole test split, smaller than 5,000");
            for (int column = 5; column <= 6; column++) {
                double value = Double.parseDouble(row[column]);
                assertTrue(value > 0.5 && value <= 1, String.join(",", row));
            }
            double silhouette = Double.parseDouble(row[7]);
            assertTrue(silhouette >= -1 && silhouette <= 1, String.join(",", row));
        }
        // a PCA of the 3 values of dense2 keeps more of their neighbourhoods than one of the 64 pixels does of theirs
        Map<String, Double> trust = quality.stream().skip(1)
                .collect(Collectors.toMap(r -> r[0] + "-" + r[1], r -> Double.parseDouble(r[5])));
        assertTrue(trust.get("dense2-pca") > trust.get("input-pca"), trust.toString());

        Config stage = ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals("knn")).findFirst().orElseThrow();
        assertEquals("succeeded", stage.getString("status"));
        List<? extends Config> accuracies = stage.getConfigList("metrics.accuracy");
        assertEquals(INPUTS.size() * METHODS.size() * KS.size(), accuracies.size());
        Config first = accuracies.getFirst();
        assertEquals(KnnResults.HIGH_DIMENSIONAL, first.getString("method"));
        assertEquals(Double.parseDouble(csv(run.resolve("knn/knn.csv")).get(1)[8]), first.getDouble("accuracy"),
                1e-6);
        assertEquals(4, first.getConfig("per-class").root().size());
        assertEquals(INPUTS.size() * 2, stage.getConfigList("metrics.quality").size());
        assertEquals(List.of(3, 5, 10), stage.getIntList("settings.knn.k"));
    }

    @Test
    void theSameExperimentAgainReusesTheKnnStageAndItsResults() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(shared, "", errors), errors.toString(StandardCharsets.UTF_8));
        Path second;
        try (Stream<Path> runs = Files.list(shared.resolve("runs/tiny"))) {
            second = runs.filter(r -> !r.equals(run)).findFirst().orElseThrow();
        }

        Config stage = ConfigFactory.parseFile(second.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals("knn")).findFirst().orElseThrow();
        assertEquals("reused", stage.getString("status"));
        assertEquals(run.toString(), stage.getString("computed-in"));
        assertTrue(Files.isSymbolicLink(second.resolve("knn")));
        for (String file : List.of("knn.csv", "knn_per_class.csv", "quality.csv", "knn.json")) {
            assertEquals(Files.readString(run.resolve("knn").resolve(file)),
                    Files.readString(second.resolve("knn").resolve(file)), file);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "knn.k = []         | knn.k: name at least one neighbour count",
        "knn.k = [3, 0]     | knn.k: k = 0 is not a neighbour count",
        "knn.k = [3, 3]     | knn.k: names a neighbour count twice",
        "knn.quality.sample = 20, knn.quality.neighbors = 10 | knn.quality.neighbors: neighbors = 10 needs a sample",
        "knn.threads = -1   | knn.threads",
    })
    void impossibleSettingsAreRejectedBeforeAnythingRuns(String settings, String expected) throws IOException {
        String errors = launchFailing(settings);
        assertTrue(errors.contains(expected), errors);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "knn.k = [3, 500]           | knn.k: k = 500 needs at least 500 training points; there are 192 captured "
                + "from the training split",
        "knn.quality.neighbors = 40 | knn.quality.neighbors: neighbors = 40 needs a sample of more than 80 test "
                + "points; there are 60 captured from the test split",
        "capture.per-class = 20, knn.k = [3, 90] | knn.k: k = 90 needs at least 90 training points; there are 80 "
                + "captured",
        "capture.splits = [train]   | capture.splits: the knn stage classifies the test split from the train split; "
                + "add test to capture.splits",
    })
    void settingsTooLargeForTheDataAreRejectedBeforeAnythingRuns(String settings, String expected)
            throws IOException {
        String errors = launchFailing(settings);
        assertTrue(errors.contains(expected), errors);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "nan           | the map dense2-broken holds NaN at test point 7, column 1",
        "unknown-class | the map dense2-broken's training labels hold class 99, but the dataset has 4 classes "
                + "(data.class-names): the stages disagree on the classes",
    })
    void aBrokenMapStopsTheRunBeforeTheKnnStage(String fault, String expected) throws IOException {
        String experiment = "pipeline = [synthetic, train, capture, "
                + BrokenMapStage.class.getName() + ", knn]\nbroken-map.fault = " + fault;
        assertNotEquals(Launcher.OK, launch(dir, experiment, new ByteArrayOutputStream()));
        Path runDir = onlyRun();
        String log = Files.readString(runDir.resolve("log.txt"));
        assertTrue(log.contains("Run stopped before stage knn could start") && log.contains(expected), log);
        assertFalse(Files.exists(runDir.resolve("knn")));
    }

    /** The kNN in the raw pixels does not depend on the network: a run of another model seed links it. */
    @Test
    void anotherModelSeedOnTheSameImagesReusesTheKnnInTheRawPixels() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(dir, "", errors), errors.toString(StandardCharsets.UTF_8));
        Path first = onlyRun();
        assertEquals(Launcher.OK, launch(dir, "model.seed = 5", errors), errors.toString(StandardCharsets.UTF_8));
        Path second = AnalysisTestModules.runOtherThan(dir, first);
        Config knn = ConfigFactory.parseFile(second.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals("knn")).findFirst().orElseThrow();
        assertEquals("succeeded", knn.getString("status"));
        assertEquals("reused", knn.getString("parts.input.status"));
        assertEquals(first.toString(), knn.getString("parts.input.computed-in"));
        assertEquals("computed", knn.getString("parts.dense1.status"));
        assertEquals(2, knn.getInt("part-counts.computed"));
        assertEquals(1, knn.getInt("part-counts.reused"));
        List<String> inPixels = highDimensional(first, "input");
        assertEquals(KS.size(), inPixels.size());
        assertEquals(inPixels, highDimensional(second, "input"), "the same lines, read back from the part");
        assertEquals(Files.getAttribute(first.resolve("knn/layers/input.json"), "unix:ino"),
                Files.getAttribute(second.resolve("knn/layers/input.json"), "unix:ino"), "linked, not copied");
        assertNotEquals(Files.getAttribute(first.resolve("knn/layers/dense1.json"), "unix:ino"),
                Files.getAttribute(second.resolve("knn/layers/dense1.json"), "unix:ino"), "another model's layer");
    }

    /** A run's knn.csv lines of the kNN in one layer itself. */
    private static List<String> highDimensional(Path run, String layer) throws IOException {
        return Files.readAllLines(run.resolve("knn/knn.csv")).stream()
                .filter(line -> line.startsWith(layer + "," + KnnResults.HIGH_DIMENSIONAL + ",")).toList();
    }

    private static FloatMatrix matrix(Path npy) throws IOException {
        Npy.Floats floats = Npy.readFloats(npy);
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }

    private static List<String[]> csv(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(line -> line.split(",", -1)).toList();
    }

    private Path onlyRun() throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("runs/tiny"))) {
            return runs.findFirst().orElseThrow();
        }
    }

    private String launchFailing(String settings) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertNotEquals(Launcher.OK, launch(dir, settings, errors));
        return errors.toString(StandardCharsets.UTF_8);
    }

    /** Runs the experiment with {@code extra} appended (HOCON: later keys win) into {@code folder}'s runs. */
    private static int launch(Path folder, String extra, ByteArrayOutputStream errors) throws IOException {
        return AnalysisTestModules.launch(folder, EXPERIMENT + extra, errors);
    }
}

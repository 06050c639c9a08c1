package dev.layerscope.cka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.AnalysisTestModules;
import dev.layerscope.capture.Activations;
import dev.layerscope.data.Npy;
import dev.layerscope.intrinsic.TwoNn;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SeededRows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cka and intrinsic stages in a real pipeline on small synthetic images (60 test images), checked against
 * {@link Cka} and {@link TwoNn} on the subsets their files name, and their settings checked at planning.
 */
class ScorecardPipelineTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, capture, cka, intrinsic]
            synthetic { classes = 4, per-class = 60, rows = 8, cols = 8, seed = 3 }
            model {
              layers = [{ type = dense, units = 16 }, { type = dense, units = 3 }, { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 4
            }
            capture { batch-size = 50, epochs.images = 30 }
            cka.subset = 40
            intrinsic { subset = 50, threads = 2 }
            """;
    private static final List<String> LAYERS = List.of("input", "dense1", "dense2");
    /** The layers of the per-epoch record: the hidden ones. */
    private static final List<String> HIDDEN = List.of("dense1", "dense2");
    private static final int RECORDED = 30;
    private static final int EPOCHS = 4;

    @TempDir
    static Path shared;
    private static Path run;

    @TempDir
    Path dir;

    @BeforeAll
    static void runThePipelineOnce() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(shared, "", errors), errors.toString(StandardCharsets.UTF_8));
        run = onlyRun(shared);
    }

    @Test
    void comparesEveryOrderedPairOfLayersOnItsSubsetAsCkaDoes() throws IOException {
        List<String[]> rows = csv(run.resolve("cka/cka.csv"));
        assertEquals("run_a,layer_a,run_b,layer_b,epoch,cka,estimator,n", String.join(",", rows.getFirst()));
        assertEquals(LAYERS.size() * LAYERS.size() + HIDDEN.size() * EPOCHS, rows.size() - 1,
                "every ordered pair, then each hidden layer after each epoch before the last");
        String name = "tiny/" + run.getFileName();

        int[] testIndex = Npy.readInts(run.resolve("capture/test-index.npy")).values();
        int[] subsetRows = SeededRows.uniform(testIndex.length, 40, 42);
        int[] subset = Npy.readInts(run.resolve("cka/subset.npy")).values();
        assertArrayEquals(Arrays.stream(subsetRows).map(r -> testIndex[r]).toArray(), subset);
        assertEquals(List.of("run_a,run_b,n,file", name + "," + name + ",40,subset.npy"),
                Files.readAllLines(run.resolve("cka/subsets.csv")));

        int line = 1;
        for (String a : LAYERS) {
            for (String b : LAYERS) {
                String[] row = rows.get(line++);
                assertEquals(List.of(name, a, name, b, "4"), List.of(row).subList(0, 5));
                assertEquals(List.of("linear-biased", "40"), List.of(row).subList(6, 8));
                double expected = Cka.linear(layer(run, a).rows(subsetRows), layer(run, b).rows(subsetRows),
                        Cka.Estimator.LINEAR_BIASED);
                assertEquals(expected, Double.parseDouble(row[5]), 1e-7, a + " ~ " + b);
                if (a.equals(b)) {
                    assertEquals(1, Double.parseDouble(row[5]), 1e-7);
                }
            }
        }
        Config stage = stage(run, "cka");
        assertEquals("succeeded", stage.getString("status"));
        assertEquals(1, stage.getDouble("metrics.within.dense1.dense1"), 1e-9);
        assertEquals(stage.getDouble("metrics.within.input.dense2"), stage.getDouble("metrics.within.dense2.input"));
    }

    @Test
    void estimatesEveryLayersIntrinsicDimensionOnItsSubsetAsTwoNnDoes() throws IOException {
        List<String[]> rows = csv(run.resolve("intrinsic/intrinsic_dimension.csv"));
        assertEquals("layer,epoch,id,n", String.join(",", rows.getFirst()));
        int[] testIndex = Npy.readInts(run.resolve("capture/test-index.npy")).values();
        int[] subsetRows = SeededRows.uniform(testIndex.length, 50, 42);
        assertArrayEquals(Arrays.stream(subsetRows).map(r -> testIndex[r]).toArray(),
                Npy.readInts(run.resolve("intrinsic/subset.npy")).values());
        assertEquals(LAYERS, rows.stream().skip(1).limit(LAYERS.size()).map(r -> r[0]).toList());
        try (Parallel parallel = new Parallel(1)) {
            for (String[] row : rows.subList(1, 1 + LAYERS.size())) {
                TwoNn.Estimate expected = TwoNn.estimate(layer(run, row[0]).rows(subsetRows),
                        TwoNn.Options.defaults(), parallel);
                assertEquals(List.of("4", "50"), List.of(row[1], row[3]), row[0]);
                // NaN for NaN: the 3 ReLU units of dense2 may be all 0 for more images than the fit leaves out
                assertEquals(expected.dimension(), Double.parseDouble(row[2]), 1e-6, row[0] + " " + expected);
                if (!row[0].equals("dense2")) {
                    assertTrue(expected.dimension() > 0.5, row[0] + " " + expected);
                }
            }
        }
    }

    /**
     * The settling rows: each hidden layer after each epoch before the last against itself after the last, on the
     * per-epoch record's images. The record's last epoch is the trained network, so the reference for every row is
     * the final capture's rows of the record's images: were the last epoch's record not the final capture, these
     * would differ.
     */
    @Test
    void comparesEachRecordedLayerAfterEachEpochWithItsFinalCapture() throws IOException {
        List<String[]> rows = csv(run.resolve("cka/cka.csv"));
        List<String[]> settling = rows.subList(1 + LAYERS.size() * LAYERS.size(), rows.size());
        String name = "tiny/" + run.getFileName();
        int[] recordRows = recordRowsInCapture(run);
        int line = 0;
        for (String layer : HIDDEN) {
            FloatMatrix end = layer(run, layer).rows(recordRows);
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                String[] row = settling.get(line++);
                assertEquals(List.of(name, layer, name, layer, Integer.toString(epoch)), List.of(row).subList(0, 5));
                assertEquals(List.of("linear-biased", Integer.toString(RECORDED)), List.of(row).subList(6, 8));
                double expected = Cka.linear(record(run, layer, epoch), end, Cka.Estimator.LINEAR_BIASED);
                assertEquals(expected, Double.parseDouble(row[5]), 1e-6, layer + " after epoch " + epoch);
            }
            // the last epoch's record is the final capture's rows: CKA 1 with it
            assertEquals(1, Cka.linear(record(run, layer, EPOCHS), end, Cka.Estimator.LINEAR_BIASED), 1e-6);
            // untrained, the layer is not yet what training made it
            assertTrue(Double.parseDouble(settling.get(line - EPOCHS)[5]) < 0.999, layer);
        }
        Config stage = stage(run, "cka");
        assertEquals(EPOCHS, stage.getDoubleList("metrics.settling.dense1").size());
    }

    /** TwoNN of each hidden layer after each epoch, 0 to the last, on the record's images. */
    @Test
    void estimatesEachRecordedLayersDimensionAfterEachEpoch() throws IOException {
        List<String[]> rows = csv(run.resolve("intrinsic/intrinsic_dimension.csv"));
        List<String[]> byEpoch = rows.subList(1 + LAYERS.size(), rows.size());
        assertEquals(HIDDEN.size() * (EPOCHS + 1), byEpoch.size());
        int[] recordRows = recordRowsInCapture(run);
        int line = 0;
        try (Parallel parallel = new Parallel(1)) {
            for (String layer : HIDDEN) {
                for (int epoch = 0; epoch <= EPOCHS; epoch++) {
                    String[] row = byEpoch.get(line++);
                    assertEquals(List.of(layer, Integer.toString(epoch), Integer.toString(RECORDED)),
                            List.of(row[0], row[1], row[3]));
                    FloatMatrix points = record(run, layer, epoch);
                    if (epoch == EPOCHS) {
                        // the last epoch's record holds the final capture's rows, up to the last bits: the two
                        // forward passes batch the images differently, and BLAS kernels may round a product
                        // differently for another batch size (on an AVX-512 machine the estimate moved by 1e-6)
                        float[] captured = layer(run, layer).rows(recordRows).values();
                        for (int i = 0; i < captured.length; i++) {
                            assertEquals(captured[i], points.values()[i], 1e-5 * Math.max(1, Math.abs(captured[i])),
                                    layer + " value " + i + " of the last epoch's record");
                        }
                    }
                    double expected = TwoNn.estimate(points, TwoNn.Options.defaults(), parallel).dimension();
                    assertEquals(expected, Double.parseDouble(row[2]), 1e-6, layer + " after epoch " + epoch);
                }
            }
        }
    }

    /** A capture without a per-epoch record: the stages give the trained network's rows alone. */
    @Test
    void withoutAPerEpochRecordOnlyTheTrainedNetworksRowsAreWritten() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(dir, "capture.epochs.images = 0", errors),
                errors.toString(StandardCharsets.UTF_8));
        Path without = onlyRun(dir);
        List<String[]> cka = csv(without.resolve("cka/cka.csv"));
        assertEquals(LAYERS.size() * LAYERS.size(), cka.size() - 1);
        assertTrue(cka.stream().skip(1).allMatch(row -> row[4].equals(Integer.toString(EPOCHS))));
        assertEquals(LAYERS.size(), csv(without.resolve("intrinsic/intrinsic_dimension.csv")).size() - 1);
        assertFalse(stage(without, "cka").hasPath("metrics.settling"));
    }

    @Test
    void theSameExperimentAgainReusesBothStagesAndTheirFiles() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(shared, "", errors), errors.toString(StandardCharsets.UTF_8));
        Path second;
        try (Stream<Path> runs = Files.list(shared.resolve("runs/tiny"))) {
            second = runs.filter(r -> !r.equals(run)).findFirst().orElseThrow();
        }
        for (String stage : List.of("cka", "intrinsic")) {
            assertEquals("reused", stage(second, stage).getString("status"), stage);
        }
        for (String file : List.of("cka/cka.csv", "cka/cka.json", "cka/subsets.csv",
                "intrinsic/intrinsic_dimension.csv", "intrinsic/intrinsic_dimension.json")) {
            assertEquals(Files.readString(run.resolve(file)), Files.readString(second.resolve(file)), file);
        }
    }

    /**
     * A run compared with itself, through compare-with, on the same images: the matrix across the runs is the
     * matrix within the run, so each layer's counterpart has CKA 1.
     */
    @Test
    void aRunComparedWithARunOfTheSameNetworkFindsTheSameMatrix() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(dir, "pipeline = [synthetic, train, capture]", errors),
                errors.toString(StandardCharsets.UTF_8));
        Path first = onlyRun(dir);
        assertEquals(Launcher.OK, launch(dir, "cka { estimator = unbiased, compare-with = [\"" + first + "\"] }",
                errors), errors.toString(StandardCharsets.UTF_8));
        Path second;
        try (Stream<Path> runs = Files.list(dir.resolve("runs/tiny"))) {
            second = runs.filter(r -> !r.equals(first)).findFirst().orElseThrow();
        }
        String self = "tiny/" + second.getFileName();
        String other = "tiny/" + first.getFileName();
        // the rows of the trained network's layers; the settling rows compare earlier epochs
        Map<String, Double> cka = csv(second.resolve("cka/cka.csv")).stream().skip(1)
                .filter(r -> r[4].equals(Integer.toString(EPOCHS))).collect(Collectors.toMap(r -> r[2] + " " + r[1] + " " + r[3], r -> Double.parseDouble(r[5])));
        assertEquals(2 * LAYERS.size() * LAYERS.size(), cka.size());
        for (String a : LAYERS) {
            for (String b : LAYERS) {
                assertEquals(cka.get(self + " " + a + " " + b), cka.get(other + " " + a + " " + b), 1e-12, a + b);
            }
            assertEquals(1, cka.get(other + " " + a + " " + a), 1e-9);
        }
        assertEquals(List.of("run_a,run_b,n,file", self + "," + self + ",40,subset.npy",
                self + "," + other + ",40,subset-compare-1.npy"),
                Files.readAllLines(second.resolve("cka/subsets.csv")));
        assertArrayEquals(Npy.readInts(second.resolve("cka/subset.npy")).values(),
                Npy.readInts(second.resolve("cka/subset-compare-1.npy")).values());
        assertEquals("dense2", stage(second, "cka").getString("metrics.most-similar.\"" + other + "\".dense2"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cka.subset = 61        | cka.subset: subset = 61 test images, but the capture keeps 60 of the test split; "
                + "lower cka.subset to at most 60",
        "cka.subset = 3         | cka.subset: 3 is out of range; allowed: 4 <= value",
        "cka.layers = [dense7]  | cka.layers: `dense7` is not captured; the capture takes input, dense1, dense2",
        "cka.estimator = biased | cka.estimator: expected one of linear-biased, unbiased",
        "capture.splits = [train] | capture.splits: the cka stage compares layers on the test split; add test",
        "intrinsic.subset = 61  | intrinsic.subset: subset = 61 test images, but the capture keeps 60",
        "intrinsic.layers = [dense7] | intrinsic.layers: `dense7` is not captured",
        "intrinsic.two-nn.discard = 1 | intrinsic.two-nn.discard: 1 is out of range; allowed: 0 <= value < 1",
        "'intrinsic { subset = 3, two-nn.discard = 0.5 }' | intrinsic.subset: TwoNN with discard = 0.5 needs at "
                + "least 4 test images; subset is 3",
        "cka.compare-with = [no-such-run] | cka.compare-with: `no-such-run` is not a run folder",
    })
    void impossibleSettingsAreRejectedBeforeAnythingRuns(String settings, String expected) throws IOException {
        String errors = launchFailing(settings);
        assertTrue(errors.contains(expected), errors);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    /** Run folders of compare-with whose capture lacks the test split, or has too few of its images. */
    @Test
    void aComparedRunWithoutEnoughOfTheSameTestImagesIsRejectedBeforeAnythingRuns() throws IOException {
        Path noTest = fakeRun(dir.resolve("runs-elsewhere/other/20260101-000000"), null);
        String errors = launchFailing("cka.compare-with = [\"" + noTest + "\"]");
        assertTrue(errors.contains("cka.compare-with: `" + noTest + "` has no captured test split (no "
                + noTest.resolve("capture/test-index.npy") + ")"), errors);

        Path few = fakeRun(dir.resolve("runs-elsewhere/other/20260101-000001"), new int[] {0, 1, 2, 3, 4});
        errors = launchFailing("cka.compare-with = [\"" + few + "\"]");
        assertTrue(errors.contains("cka.compare-with: `" + few + "` shares at most 5 captured test images with this "
                + "run, fewer than the 40 the cka stage compares on; lower cka.subset to at most 5"), errors);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    /**
     * Which test images both runs hold is known once this run has captured them: a run that holds as many, but
     * mostly others, stops the run before the cka stage, naming the setting.
     */
    @Test
    void aComparedRunOfOtherTestImagesStopsTheRunBeforeTheCkaStage() throws IOException {
        // 60 test images, of which only the test file's images 0..19 are among the 60 this run captures
        int[] index = new int[60];
        Arrays.setAll(index, i -> i < 20 ? i : 1000 + i);
        Path other = fakeRun(dir.resolve("runs-elsewhere/other/20260101-000002"), index);
        assertNotEquals(Launcher.OK, launch(dir, "cka.compare-with = [\"" + other + "\"]",
                new ByteArrayOutputStream()));
        Path runDir = onlyRun(dir);
        String log = Files.readString(runDir.resolve("log.txt"));
        assertTrue(log.contains("Run stopped before stage cka could start") && log.contains("cka.compare-with: `"
                + other + "` shares 20 captured test images with this run, fewer than the 40"), log);
        assertFalse(Files.exists(runDir.resolve("cka")));
    }

    /**
     * A run folder with a capture of one layer, {@code input}, and a test split whose rows hold the test file's
     * images {@code testIndex} (none when null).
     */
    private static Path fakeRun(Path folder, int[] testIndex) throws IOException {
        Path capture = Files.createDirectories(folder.resolve("capture"));
        Files.writeString(capture.resolve(Activations.LAYERS_FILE), "layer\twidth\tlayer_width\treduction\n"
                + "input\t64\t64\twhole\n");
        if (testIndex != null) {
            Npy.writeInts(capture.resolve("test-index.npy"), testIndex, testIndex.length);
            Npy.writeFloats(capture.resolve("input-test.npy"), new float[testIndex.length * 64], testIndex.length,
                    64);
        }
        return folder;
    }

    private static FloatMatrix layer(Path run, String layer) throws IOException {
        Npy.Floats floats = Npy.readFloats(run.resolve("capture/" + layer + "-test.npy"));
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }

    /** One layer of the per-epoch record after one epoch. */
    private static FloatMatrix record(Path run, String layer, int epoch) throws IOException {
        Npy.Floats floats = Npy.readFloats(run.resolve("capture/epochs/" + layer + ".npy"), epoch, 1);
        return new FloatMatrix((int) floats.shape()[1], (int) floats.shape()[2], floats.values());
    }

    /** The rows of the final capture's test split that hold the per-epoch record's images, in the record's order. */
    private static int[] recordRowsInCapture(Path run) throws IOException {
        List<Integer> captured = Arrays.stream(Npy.readInts(run.resolve("capture/test-index.npy")).values()).boxed()
                .toList();
        int[] recorded = Npy.readInts(run.resolve("capture/epochs/test-index.npy")).values();
        assertEquals(RECORDED, recorded.length);
        return Arrays.stream(recorded).map(captured::indexOf).peek(row -> assertTrue(row >= 0)).toArray();
    }

    private static Config stage(Path run, String name) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow();
    }

    private static List<String[]> csv(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(line -> line.split(",", -1)).toList();
    }

    private static Path onlyRun(Path folder) throws IOException {
        try (Stream<Path> runs = Files.list(folder.resolve("runs/tiny"))) {
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

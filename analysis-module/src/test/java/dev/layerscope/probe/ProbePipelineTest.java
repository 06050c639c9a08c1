package dev.layerscope.probe;

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
import dev.layerscope.linalg.SeededRows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The probe stage in a real pipeline on small synthetic images, checked against probes fitted here. */
class ProbePipelineTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, capture, probe]
            synthetic { classes = 4, per-class = 60, rows = 8, cols = 8, seed = 3 }
            model {
              layers = [{ type = dense, units = 16 }, { type = dense, units = 3 }, { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 4
            }
            capture { batch-size = 50, epochs.images = 30 }
            probe.threads = 2
            """;
    private static final List<String> LAYERS = List.of("input", "dense1", "dense2");
    private static final List<Double> STRENGTHS = List.of(1e-3, 1e-2, 1e-1);
    private static final int CLASSES = 4;
    /** The layers of the per-epoch record (the hidden ones), its images and the epochs trained. */
    private static final List<String> HIDDEN = List.of("dense1", "dense2");
    private static final int RECORDED = 30;
    private static final int EPOCHS = 4;

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

    /**
     * Every layer: a validation line per strength, the best of them chosen (the strongest among equals), and the
     * chosen probe's train and test lines, with the counts a probe fitted here on the exported arrays gets.
     */
    @Test
    void probesEveryLayerPicksTheBestStrengthOnValidationAndScoresItOnTest() throws IOException {
        List<String[]> rows = csv(run.resolve("probe/probes.csv"));
        assertEquals(ProbeFiles.HEADER, String.join(",", rows.getFirst()));
        assertEquals(LAYERS.size() * (STRENGTHS.size() + 2) + HIDDEN.size() * (EPOCHS + 1), rows.size() - 1,
                "the trained network's lines, then a line per recorded layer and epoch");
        Config logistic = stage(run).getConfig("settings.probe.logistic");
        LinearProbe.Options options = new LinearProbe.Options(logistic.getDoubleList("strengths"),
                logistic.getInt("iterations"), logistic.getDouble("tolerance"));
        assertEquals(STRENGTHS, options.strengths(), "the defaults");
        int line = 1;
        for (String layer : LAYERS) {
            FloatMatrix train = matrix(layer, "train");
            int[] trainLabels = labels("train");
            List<LinearProbe> probes = LinearProbe.fit(train, trainLabels, CLASSES, options);
            int[] correct = new int[STRENGTHS.size()];
            int chosen = 0;
            for (int s = 0; s < STRENGTHS.size(); s++) {
                String[] row = rows.get(line++);
                correct[s] = probes.get(s).correct(matrix(layer, "validation"), labels("validation"));
                assertEquals(List.of(layer, String.valueOf(train.cols()), "4", "validation",
                        String.valueOf(STRENGTHS.get(s)), "48", String.valueOf(correct[s])),
                        List.of(row[0], row[1], row[2], row[3], row[4], row[6], row[7]), "line " + (line - 1));
                if (correct[s] >= correct[chosen]) {
                    chosen = s;
                }
            }
            for (int s = 0; s < STRENGTHS.size(); s++) {
                assertEquals(String.valueOf(s == chosen), rows.get(line - STRENGTHS.size() + s)[5],
                        layer + ": the most right on validation, the strongest among equals");
            }
            String[] trainLine = rows.get(line++);
            String[] testLine = rows.get(line++);
            LinearProbe best = probes.get(chosen);
            assertEquals(List.of(layer, "train", String.valueOf(STRENGTHS.get(chosen)), "true", "192",
                    String.valueOf(best.correct(train, trainLabels))),
                    List.of(trainLine[0], trainLine[3], trainLine[4], trainLine[5], trainLine[6], trainLine[7]));
            assertEquals(List.of(layer, "test", String.valueOf(STRENGTHS.get(chosen)), "true", "60",
                    String.valueOf(best.correct(matrix(layer, "test"), labels("test")))),
                    List.of(testLine[0], testLine[3], testLine[4], testLine[5], testLine[6], testLine[7]));
        }
        // a class is a bright bar at its own height: the raw pixels separate the classes along a line
        assertTrue(Double.parseDouble(rows.get(STRENGTHS.size() + 2)[8]) > 0.9,
                String.join(",", rows.get(STRENGTHS.size() + 2)));
    }

    /**
     * The per-epoch lines: each recorded layer after epochs 0 to 4, a probe with the strength its test line chose,
     * fitted on the seeded half of the record's 30 images and scored on the other 15, as a probe fitted here gets.
     * The last epoch's probe is fitted here on the final capture's rows of the record's images: the record's last
     * epoch is the trained network.
     */
    @Test
    void probesEachRecordedLayerAfterEachEpochOnTheRecordsHeldOutHalf() throws IOException {
        List<String[]> rows = csv(run.resolve("probe/probes.csv"));
        List<String[]> byEpoch = rows.subList(1 + LAYERS.size() * (STRENGTHS.size() + 2), rows.size());
        int[] recordLabels = Npy.readInts(run.resolve("capture/epochs/test-labels.npy")).values();
        int[] fitRows = SeededRows.uniform(RECORDED, RECORDED / 2, 42);
        int[] heldOutRows = IntStream.range(0, RECORDED).filter(row -> Arrays.binarySearch(fitRows, row) < 0)
                .toArray();
        List<Integer> captured = Arrays.stream(testIndex()).boxed().toList();
        int[] recordInCapture = Arrays.stream(Npy.readInts(run.resolve("capture/epochs/test-index.npy")).values())
                .map(captured::indexOf).toArray();
        Config logistic = stage(run).getConfig("settings.probe.logistic");
        int line = 0;
        for (String layer : HIDDEN) {
            String strength = rows.stream().filter(r -> r[0].equals(layer) && r[3].equals("test")).findFirst()
                    .orElseThrow()[4];
            LinearProbe.Options options = LinearProbe.Options.of(Double.parseDouble(strength),
                    logistic.getInt("iterations"), logistic.getDouble("tolerance"));
            for (int epoch = 0; epoch <= EPOCHS; epoch++) {
                String[] row = byEpoch.get(line++);
                FloatMatrix points = epoch == EPOCHS ? matrix(layer, "test").rows(recordInCapture)
                        : recorded(layer, epoch);
                LinearProbe probe = LinearProbe.fit(points.rows(fitRows), Arrays.stream(fitRows)
                        .map(r -> recordLabels[r]).toArray(), CLASSES, options).getFirst();
                int correct = probe.correct(points.rows(heldOutRows), Arrays.stream(heldOutRows)
                        .map(r -> recordLabels[r]).toArray());
                assertEquals(List.of(layer, String.valueOf(epoch), ProbeResults.RECORD_HELD_OUT, strength, "true",
                        String.valueOf(RECORDED - RECORDED / 2), String.valueOf(correct)),
                        List.of(row[0], row[2], row[3], row[4], row[5], row[6], row[7]), layer + " after " + epoch);
            }
        }
        assertEquals(EPOCHS + 1, stage(run).getDoubleList("metrics.by-epoch.dense1").size());
    }

    @Test
    void recordsTheProbesInRunJson() {
        Config stage = stage(run);
        assertEquals("succeeded", stage.getString("status"));
        assertEquals(4, stage.getInt("metrics.epoch"), "the epochs the network was trained");
        List<? extends Config> probes = stage.getConfigList("metrics.probes");
        assertEquals(LAYERS, probes.stream().map(p -> p.getString("layer")).toList());
        for (Config probe : probes) {
            assertEquals(STRENGTHS.size(), probe.getConfigList("fits").size());
            double accuracy = probe.getDouble("test.accuracy");
            assertEquals(probe.getInt("test.correct") / 60.0, accuracy, 1e-12);
        }
        assertEquals(Set.copyOf(LAYERS), stage.getConfig("metrics.seconds").root().keySet());
        assertEquals(STRENGTHS, stage.getDoubleList("settings.probe.logistic.strengths"));
    }

    @Test
    void theSameExperimentAgainReusesTheProbeStageAndItsResults() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(shared, "", errors), errors.toString(StandardCharsets.UTF_8));
        Path second;
        try (Stream<Path> runs = Files.list(shared.resolve("runs/tiny"))) {
            second = runs.filter(r -> !r.equals(run)).findFirst().orElseThrow();
        }
        Config stage = stage(second);
        assertEquals("reused", stage.getString("status"));
        assertEquals(run.toString(), stage.getString("computed-in"));
        for (String file : List.of("probes.csv", "probes.json")) {
            assertEquals(Files.readString(run.resolve("probe").resolve(file)),
                    Files.readString(second.resolve("probe").resolve(file)), file);
        }
    }

    /** One strength picks nothing: no validation split needed, no validation line; only the layers named. */
    @Test
    void oneStrengthNeedsNoValidationSplit() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(dir, "capture.splits = [train, test]\nprobe.logistic.strengths = [0.01]\n"
                + "probe.layers = [dense2]", errors), errors.toString(StandardCharsets.UTF_8));
        List<String[]> rows = csv(onlyRun().resolve("probe/probes.csv"));
        assertEquals(List.of("dense2,3,4,train,0.01,true,192", "dense2,3,4,test,0.01,true,60"), rows.stream().skip(1)
                .filter(row -> !row[3].equals(ProbeResults.RECORD_HELD_OUT))
                .map(row -> String.join(",", List.of(row).subList(0, 7))).toList());
        assertEquals(List.of("dense2,0", "dense2,1", "dense2,2", "dense2,3", "dense2,4"), rows.stream()
                .filter(row -> row[3].equals(ProbeResults.RECORD_HELD_OUT)).map(row -> row[0] + "," + row[2])
                .toList(), "only the layers probed, per epoch");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "probe.logistic.strengths = [0.1, -1] | probe.logistic.strengths[1]: -1 is out of range; allowed: 0 < value",
        "probe.logistic.strengths = []        | probe.logistic.strengths: must not be empty",
        "probe.logistic.iterations = 0        | probe.logistic.iterations: 0 is out of range",
        "probe.layers = [dense7]              | probe.layers: `dense7` is not captured; the capture takes input, "
                + "dense1, dense2 (by default",
        "capture.splits = [train, test]       | capture.splits: the probe stage picks the best of the 3 probe.logistic"
                + ".strengths on the validation split (or name one strength); add validation to capture.splits",
        "capture.splits = [train, validation] | capture.splits: the probe stage fits on the train split and scores "
                + "the test split; add test to capture.splits",
        "probe.threads = -1                   | probe.threads",
    })
    void impossibleSettingsAreRejectedBeforeAnythingRuns(String settings, String expected) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertNotEquals(Launcher.OK, launch(dir, settings, errors));
        String output = errors.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains(expected), output);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    /** The probes of the raw pixels do not depend on the network: a run of another model seed links them. */
    @Test
    void anotherModelSeedOnTheSameImagesReusesTheProbesOfTheRawPixels() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(dir, "", errors), errors.toString(StandardCharsets.UTF_8));
        Path first = onlyRun();
        assertEquals(Launcher.OK, launch(dir, "model.seed = 5", errors), errors.toString(StandardCharsets.UTF_8));
        Path second = AnalysisTestModules.runOtherThan(dir, first);
        Config probe = stage(second);
        assertEquals("succeeded", probe.getString("status"));
        assertEquals("reused", probe.getString("parts.input.status"));
        assertEquals(first.toString(), probe.getString("parts.input.computed-in"));
        assertEquals("computed", probe.getString("parts.dense1.status"));
        assertEquals(2, probe.getInt("part-counts.computed"));
        assertEquals(1, probe.getInt("part-counts.reused"));
        List<String> ofPixels = finalLines(first, "input");
        assertEquals(STRENGTHS.size() + 2, ofPixels.size());
        assertEquals(ofPixels, finalLines(second, "input"), "the same lines, read back from the part");
        assertEquals(Files.getAttribute(first.resolve("probe/layers/input.json"), "unix:ino"),
                Files.getAttribute(second.resolve("probe/layers/input.json"), "unix:ino"), "linked, not copied");
        assertNotEquals(Files.getAttribute(first.resolve("probe/layers/dense1.json"), "unix:ino"),
                Files.getAttribute(second.resolve("probe/layers/dense1.json"), "unix:ino"), "another model's layer");
    }

    /** A run's probes.csv lines of one layer's final probes, without the epoch column (the model's). */
    private static List<String> finalLines(Path run, String layer) throws IOException {
        return csv(run.resolve("probe/probes.csv")).stream()
                .filter(row -> row[0].equals(layer) && !row[3].equals(ProbeResults.RECORD_HELD_OUT))
                .map(row -> row[0] + "," + row[1] + "," + String.join(",", List.of(row).subList(3, row.length)))
                .toList();
    }

    private static FloatMatrix matrix(String layer, String split) throws IOException {
        Npy.Floats floats = Npy.readFloats(run.resolve("capture/" + layer + "-" + split + ".npy"));
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }

    /** One layer of the per-epoch record after one epoch. */
    private static FloatMatrix recorded(String layer, int epoch) throws IOException {
        Npy.Floats floats = Npy.readFloats(run.resolve("capture/epochs/" + layer + ".npy"), epoch, 1);
        return new FloatMatrix((int) floats.shape()[1], (int) floats.shape()[2], floats.values());
    }

    /** Each captured test row's position in the test file. */
    private static int[] testIndex() throws IOException {
        return Npy.readInts(run.resolve("capture/test-index.npy")).values();
    }

    private static int[] labels(String split) throws IOException {
        return Npy.readInts(run.resolve("capture/" + split + "-labels.npy")).values();
    }

    private static List<String[]> csv(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(line -> line.split(",", -1)).toList();
    }

    private static Config stage(Path runDir) {
        return ConfigFactory.parseFile(runDir.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals("probe")).findFirst().orElseThrow();
    }

    private Path onlyRun() throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("runs/tiny"))) {
            return runs.findFirst().orElseThrow();
        }
    }

    /** Runs the experiment with {@code extra} appended (HOCON: later keys win) into {@code folder}'s runs. */
    private static int launch(Path folder, String extra, ByteArrayOutputStream errors) throws IOException {
        return AnalysisTestModules.launch(folder, EXPERIMENT + extra, errors);
    }
}

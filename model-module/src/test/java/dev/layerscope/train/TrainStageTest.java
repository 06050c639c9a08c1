package dev.layerscope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.load.LoadModule;
import dev.layerscope.synthetic.SyntheticDataStage;
import dev.layerscope.synthetic.SyntheticModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The train stage in a real pipeline, on small synthetic images so that it takes seconds. */
class TrainStageTest {

    /** The {@code model} section of the experiment. */
    private static final String MODEL = """
              layers = [{ type = dense, units = 16 }, { type = dropout, rate = 0.2 }, { type = dense, units = 2 },
                        { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 6
              bottleneck.per-class = 3
            """;
    private static final String EXPERIMENT = """
            pipeline = [synthetic, train]
            synthetic { classes = 4, per-class = 60, rows = 8, cols = 8, seed = 3 }
            model {
            %s}
            """.formatted(MODEL);

    @TempDir
    Path dir;

    @Test
    void aSmallNetworkLearnsAndLeavesEverythingLaterStagesNeed() throws IOException {
        Path run = run(Map.of());
        List<EpochRecord> history = history(run);
        assertEquals(6, history.size());
        assertTrue(history.get(5).trainLoss() < history.get(0).trainLoss() * 0.7,
                "the loss falls: " + history);
        Config json = stageJson(run);
        assertTrue(json.getDouble("metrics.test-accuracy") > 0.8, "four classes: chance is 0.25");
        assertTrue(json.getLong("metrics.memory.peak-resident-mb") > 0, "memory peaks are recorded");
        assertTrue(json.getLong("metrics.memory.peak-heap-mb") <= json.getLong("metrics.memory.heap-limit-mb"));

        Npy.Floats predictions = Npy.readFloats(run.resolve("train/predictions.npy"));
        assertArrayEquals(new long[] {60, 4}, predictions.shape(), "15 test images per class, 4 classes");
        Npy.Floats trajectory = Npy.readFloats(run.resolve("train/trajectory.npy"));
        assertArrayEquals(new long[] {7, 12, 2}, trajectory.shape(),
                "epoch 0 and 6 epochs, 3 samples per class, the 2 units of dense2");
        assertEquals("dense2", Files.readAllLines(run.resolve("train/trajectory_samples.csv")).get(1).split(",")[3]);
        Config evaluation = ConfigFactory.parseFile(run.resolve("train/evaluation.json").toFile());
        assertEquals(4, evaluation.getList("confusion").size());
        assertEquals(json.getDouble("metrics.test-accuracy"), evaluation.getDouble("accuracy"));

        // what the train module tells of the environment: ND4J's backend, its native build, oneDNN, versions
        Config environment = ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfig("environment");
        assertEquals("CPU", environment.getString("nd4j.backend"));
        assertEquals(OneDnn.available(), environment.getBoolean("nd4j.onednn"));
        assertTrue(environment.getString("nd4j.native-library").startsWith("nd4j-native-"),
                environment.getString("nd4j.native-library"));
        assertTrue(environment.getInt("nd4j.threads") >= 1 && environment.getInt("nd4j.blas-threads") >= 1);
        for (String library : List.of("deeplearning4j-nn", "nd4j-api", "nd4j-backend", "javacpp")) {
            assertTrue(environment.getString("libraries." + library).matches("\\d+\\..*"), library);
        }
    }

    @Test
    void aSavedModelReloadsAndGivesIdenticalOutputs() throws IOException {
        Path run = run(Map.of());
        TrainOutputs.Saved saved = TrainOutputs.read(run.resolve("train"));
        Dataset dataset = SyntheticDataStage.dataset(new SyntheticDataStage.SyntheticSettings(4, 60, 8, 8, 3));
        Predictions again = Trainer.predict(saved.network(), dataset.test(), 4);
        assertArrayEquals(Npy.readFloats(run.resolve("train/predictions.npy")).values(), again.probabilities());
        assertEquals(history(run), withoutTimes(saved.result().history()));
    }

    @Test
    void anUnchangedExperimentReusesTheModelAndForceTrainsAgain() throws IOException {
        Path first = run(Map.of());
        Path second = run(Map.of());
        Config reused = stageJson(second);
        assertEquals("reused", reused.getString("status"));
        assertEquals(first.toString(), reused.getString("computed-in"));
        assertTrue(Files.readString(second.resolve("log.txt")).contains("[train] reused: same inputs and settings as in run "
                + first));
        assertEquals(history(first), history(second));
        assertEquals(stageJson(first).getDouble("metrics.test-accuracy"), reused.getDouble("metrics.test-accuracy"),
                "a reused stage's run.json keeps the metrics of the run that computed it");

        Path forced = run(Map.of("runs.force", "[train]"));
        assertEquals("succeeded", stageJson(forced).getString("status"));
        assertFalse(Files.readString(forced.resolve("log.txt")).contains("[train] reused"));

        Path changed = run(Map.of("model.epochs", "5"));
        assertEquals("succeeded", stageJson(changed).getString("status"), "other settings, another model");
        assertEquals(5, history(changed).size());
    }

    /**
     * The experiment's MLP, and a small CNN whose convolution, pooling and batch norm run on oneDNN: the same seed and
     * threads train the same weights, bit for bit, and so the same predictions (docs/reproducibility.md).
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "[{ type = conv2d, filters = 4 }, { type = maxpool }, { type = batchnorm },"
            + " { type = dense, units = 8 }, { type = output }]"})
    void theSameSeedTrainsTheSameNetworkTwice(String layers) throws IOException {
        Map<String, String> overrides = new HashMap<>(Map.of("runs.force", "[train]"));
        if (!layers.isEmpty()) {
            overrides.put("model.layers", layers);
        }
        Path first = run(overrides);
        Path second = run(overrides);
        assertEquals(history(first).stream().map(r -> r.trainLoss() + "/" + r.validationAccuracy()).toList(),
                history(second).stream().map(r -> r.trainLoss() + "/" + r.validationAccuracy()).toList());
        MultiLayerNetwork a = TrainOutputs.read(first.resolve("train")).network();
        MultiLayerNetwork b = TrainOutputs.read(second.resolve("train")).network();
        assertArrayEquals(a.params().data().asFloat(), b.params().data().asFloat(), "identical weights");
        assertArrayEquals(Npy.readFloats(first.resolve("train/predictions.npy")).values(),
                Npy.readFloats(second.resolve("train/predictions.npy")).values(), "identical predictions");
        assertArrayEquals(Npy.readFloats(first.resolve("train/trajectory.npy")).values(),
                Npy.readFloats(second.resolve("train/trajectory.npy")).values());
    }

    @Test
    void earlyStoppingStopsWhenValidationLossStopsImproving() throws IOException {
        Path run = run(Map.of("model.early-stopping", "1", "model.epochs", "40", "model.updater.learning-rate", "0.05"));
        List<EpochRecord> history = history(run);
        int epochs = history.size();
        assertTrue(epochs < 40, "validation loss stops improving long before 40 epochs; ran " + epochs);

        // every epoch trained is kept; the model is the one of the lowest validation loss, the epoch before the last
        EpochParameters kept = TrainOutputs.read(run.resolve("train")).epochs();
        assertEquals(epochs, kept.lastEpoch());
        assertEquals(epochs - 1, kept.keptEpoch());
        TrainOutputs.Saved saved = TrainOutputs.read(run.resolve("train"));
        NetworkLayout layout = NetworkLayout.of(saved.network(), saved.network().layerInputSize(0));
        assertEquals(epochs - 1, new TrainedModel(saved.network(), layout, history, Optional.of(kept)).trainedEpoch(),
                "later stages' lines name the epoch the network is");
        assertEquals(epochs, new TrainedModel(saved.network(), layout, history).trainedEpoch(),
                "without the epochs' parameters only the history is known");
        assertTrue(history.get(epochs - 1).validationLoss() >= history.get(epochs - 2).validationLoss());
        assertArrayEquals(kept.load(kept.keptEpoch()), TrainOutputs.read(run.resolve("train")).network().params()
                .toFloatVector(), "the model has the kept epoch's parameters");
    }

    /**
     * The parameters of every epoch: epoch 0 is the network the seed builds before any training, each later one what
     * that epoch's training made of it, the last the saved model's.
     */
    @Test
    void theParametersOfEveryEpochAreKeptFromTheUntrainedNetworkToTheModel() throws IOException {
        Path run = run(Map.of());
        Npy.Floats all = Npy.readFloats(run.resolve("train/epoch_params.npy"));
        MultiLayerNetwork untrained = NetworkFactory.build(NetworkShapesTest.settings(MODEL),
                new NetworkShapes.Input(1, 8, 8), 4);
        assertArrayEquals(new long[] {7, untrained.numParams()}, all.shape(), "epoch 0 and 6 epochs");

        TrainOutputs.Saved saved = TrainOutputs.read(run.resolve("train"));
        EpochParameters epochs = saved.epochs();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), epochs.epochs());
        assertEquals(6, epochs.keptEpoch(), "without early stopping the model is the last epoch");
        assertArrayEquals(untrained.params().toFloatVector(), epochs.load(0), "epoch 0: the untrained network");
        assertArrayEquals(saved.network().params().toFloatVector(), epochs.load(6), "the last: the model");
        for (int epoch = 1; epoch <= 6; epoch++) {
            assertFalse(Arrays.equals(epochs.load(epoch - 1), epochs.load(epoch)), "epoch " + epoch + " trained");
        }

        // a copy of the model with an epoch's parameters computes what that epoch's network computes
        Dataset dataset = SyntheticDataStage.dataset(new SyntheticDataStage.SyntheticSettings(4, 60, 8, 8, 3));
        MultiLayerNetwork copy = epochs.copyOf(saved.network());
        epochs.setEpoch(copy, 0);
        assertArrayEquals(Trainer.predict(untrained, dataset.test(), 4).probabilities(),
                Trainer.predict(copy, dataset.test(), 4).probabilities());
        epochs.setEpoch(copy, 6);
        assertArrayEquals(Npy.readFloats(run.resolve("train/predictions.npy")).values(),
                Trainer.predict(copy, dataset.test(), 4).probabilities());
    }

    /** Runs the experiment with overrides into this test's runs folder; returns the new run folder. */
    private Path run(Map<String, String> overrides) throws IOException {
        Path file = dir.resolve("tiny.conf");
        Files.writeString(file, "runs.dir = \"" + dir.resolve("runs") + "\"\n" + EXPERIMENT);
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, file.toString());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = new Launcher(List.of(new LoadModule(), new SyntheticModule(), new TrainModule())).run(properties, Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        assertEquals(Launcher.OK, exit, errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(dir.resolve("runs/tiny"))) {
            return runs.max(Comparator.comparing(Path::toString)).orElseThrow();
        }
    }

    /** The run's history without wall times, which differ between runs. */
    private static List<EpochRecord> history(Path run) throws IOException {
        return withoutTimes(Files.readAllLines(run.resolve("train/history.csv")).stream().skip(1)
                .map(EpochRecord::parse).toList());
    }

    private static List<EpochRecord> withoutTimes(List<EpochRecord> history) {
        return history.stream().map(r -> new EpochRecord(r.epoch(), r.trainLoss(), r.trainAccuracy(),
                r.validationLoss(), r.validationAccuracy(), 0, r.learningRate())).toList();
    }

    private static Config stageJson(Path run) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").get(1);
    }
}

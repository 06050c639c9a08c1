package dev.layerscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Npy;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ConfigProblem;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.kernel.SettingsBinder;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.load.LoadModule;
import dev.layerscope.reduce.ReduceModule;
import dev.layerscope.synthetic.SyntheticDataStage;
import dev.layerscope.synthetic.SyntheticModule;
import dev.layerscope.train.ModelSettings;
import dev.layerscope.train.NetworkFactory;
import dev.layerscope.train.NetworkShapes;
import dev.layerscope.train.TrainModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The capture of a small CNN on synthetic 8x8 images in a real pipeline: its convolution (4x6x6 = 144 values an
 * image) is wider than capture.max-width = 64 and goes through a random projection to 32 values, its pooling layer
 * (36) and dense layer (8) are captured whole; the network's output of every captured image from the same forward
 * pass; and the per-epoch record of 20 test images over epochs 0 to 3.
 */
class CaptureEpochsTest {

    /** The {@code model} section: conv1, pool1, dense1, output. */
    private static final String MODEL = """
              layers = [{ type = conv2d, filters = 4 }, { type = maxpool }, { type = dense, units = 8 },
                        { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 3
            """;
    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, capture, dev.layerscope.capture.ArtifactProbeStage]
            synthetic { classes = 3, per-class = 40, rows = 8, cols = 8, seed = 3 }
            model {
            %s}
            capture { batch-size = 7, max-width = 64, projection.width = 32, epochs.images = 20 }
            """.formatted(MODEL);
    /** 3 classes of 40 training images less a fifth for validation; 10 test images a class. */
    private static final int TRAIN = 96;
    private static final int TEST = 30;
    private static final RandomProjection.Options PROJECTION = new RandomProjection.Options(32, 7);
    /** Relative: the same products batched otherwise round otherwise. */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void aWideLayerIsCapturedThroughTheStatedProjectionAndANamedOneWhole() throws IOException {
        Path run = run(Map.of());
        assertArrayEquals(new long[] {TRAIN, 32}, shape(run.resolve("capture/conv1-train.npy")));
        assertArrayEquals(new long[] {TEST, 32}, shape(run.resolve("capture/conv1-test.npy")));
        assertArrayEquals(new long[] {TRAIN, 36}, shape(run.resolve("capture/pool1-train.npy")));
        assertArrayEquals(new long[] {TRAIN, 8}, shape(run.resolve("capture/dense1-train.npy")));
        assertEquals(List.of("layer\twidth\tlayer_width\treduction", "input\t64\t64\tfull width",
                "conv1\t32\t144\trandom projection 144 -> 32, seed 7", "pool1\t36\t36\tfull width",
                "dense1\t8\t8\tfull width"), Files.readAllLines(run.resolve("capture/layers.tsv")));
        Config metrics = stage(run, "capture").getConfig("metrics");
        assertEquals("random projection 144 -> 32, seed 7", metrics.getString("reductions.conv1"));
        assertEquals(32, metrics.getInt("widths.conv1"));
        assertTrue(Files.readString(run.resolve("log.txt")).contains("conv1 (random projection 144 -> 32, seed 7)"));

        // named in capture.layers, conv1 is captured whole; projected, it is that times the stated matrix
        Path whole = run(Map.of("capture.layers", "[conv1]"));
        assertEquals("reused", stage(whole, "train").getString("status"));
        FloatMatrix full = matrix(whole.resolve("capture/conv1-train.npy"));
        assertEquals(144, full.cols());
        FloatMatrix projected = matrix(run.resolve("capture/conv1-train.npy"));
        try (RandomProjection projection = RandomProjection.draw(PROJECTION, "conv1", 144);
             INDArray rows = Nd4j.create(full.values(), new long[] {TRAIN, 144}, 'c')) {
            assertClose(new FloatMatrix(TRAIN, 32, projection.apply(rows)), projected, "conv1");
        }
    }

    @Test
    void theKeptEpochIsTheFinalCaptureAndEpochZeroTheUntrainedNetwork() throws IOException {
        Path run = run(Map.of());
        Path folder = run.resolve("capture/epochs");
        for (Map.Entry<String, Integer> layer : Map.of("conv1", 32, "pool1", 36, "dense1", 8).entrySet()) {
            assertArrayEquals(new long[] {4, 20, layer.getValue()}, shape(folder.resolve(layer.getKey() + ".npy")),
                    "epochs 0 to 3, 20 test images: " + layer.getKey());
        }
        assertFalse(Files.exists(folder.resolve("input.npy")), "the pixels do not change with the epochs");
        EpochActivations epochs = EpochRecorder.restore(folder, reductions());
        assertEquals(List.of(0, 1, 2, 3), epochs.epochs());
        assertEquals(3, epochs.keptEpoch());
        int[] sourceIndex = epochs.sourceIndex();
        assertEquals(20, Arrays.stream(sourceIndex).distinct().count());

        // the model's epoch: the final capture's rows of the same test images, the same reduction
        int[] captured = Npy.readInts(run.resolve("capture/test-index.npy")).values();
        int[] rows = IntStream.of(sourceIndex).map(index -> indexOf(captured, index)).toArray();
        int[] finalLabels = Npy.readInts(run.resolve("capture/test-labels.npy")).values();
        assertArrayEquals(IntStream.of(rows).map(row -> finalLabels[row]).toArray(), epochs.labels());
        for (String layer : epochs.layers()) {
            assertClose(matrix(run.resolve("capture/" + layer + "-test.npy")).rows(rows), epochs.load(layer, 3),
                    layer + " at the kept epoch");
        }

        // epoch 0: the network the seed builds, before any training; the epochs between: neither
        MultiLayerNetwork untrained = NetworkFactory.build(modelSettings(), new NetworkShapes.Input(1, 8, 8), 3);
        Dataset dataset = SyntheticDataStage.dataset(new SyntheticDataStage.SyntheticSettings(3, 40, 8, 8, 3));
        List<INDArray> before = untrained.feedForward(images(dataset.test(), sourceIndex), false);
        try (RandomProjection projection = RandomProjection.draw(PROJECTION, "conv1", 144)) {
            assertClose(new FloatMatrix(20, 32, projection.apply(before.get(1))), epochs.load("conv1", 0), "conv1");
        }
        assertClose(new FloatMatrix(20, 36, before.get(2).dup('c').data().asFloat()), epochs.load("pool1", 0),
                "pool1");
        assertClose(new FloatMatrix(20, 8, before.get(3).dup('c').data().asFloat()), epochs.load("dense1", 0),
                "dense1");
        for (int epoch = 1; epoch <= 2; epoch++) {
            float[] values = epochs.load("dense1", epoch).values();
            assertFalse(Arrays.equals(epochs.load("dense1", epoch - 1).values(), values), "epoch " + epoch);
        }
    }

    @Test
    void aRestoredCaptureHandsOnTheSameArtifacts() throws IOException {
        Path first = run(Map.of());
        Path second = run(Map.of());
        assertEquals("succeeded", stage(first, "capture").getString("status"));
        assertEquals("reused", stage(second, "capture").getString("status"));
        List<String> probe = probe(first);
        assertTrue(probe.contains("epochs [0, 1, 2, 3], kept 3"), probe.toString());
        assertTrue(probe.contains("outputs recorded true, splits [test, train, validation]"), probe.toString());
        assertTrue(probe.contains("reductions {conv1=random projection 144 -> 32, seed 7, dense1=full width, "
                + "input=full width, pool1=full width}"), probe.toString());
        assertEquals(probe, probe(second));
    }

    @Test
    void theNetworksOutputOfEveryCapturedImageIsItsSoftmaxBesideTheLayers() throws IOException {
        Path run = run(Map.of());
        MultiLayerNetwork trained = ModelSerializer.restoreMultiLayerNetwork(
                run.resolve("train/model.zip").toFile(), false);
        Dataset dataset = SyntheticDataStage.dataset(new SyntheticDataStage.SyntheticSettings(3, 40, 8, 8, 3));
        for (Split split : List.of(dataset.train(), dataset.validation(), dataset.test())) {
            String name = split.name();
            FloatMatrix outputs = matrix(run.resolve("capture/" + name + "-outputs.npy"));
            int[] sourceIndex = Npy.readInts(run.resolve("capture/" + name + "-index.npy")).values();
            assertEquals(split.size(), outputs.rows(), name + ": a row per captured image");
            assertEquals(3, outputs.cols(), name + ": a probability per class");
            for (int row = 0; row < outputs.rows(); row++) {
                double sum = 0;
                for (float p : outputs.row(row)) {
                    sum += p;
                }
                assertEquals(1, sum, 1e-5, name + " row " + row + " is a softmax");
            }
            // the known answer: the trained network's output of those images, in the capture's row order
            try (INDArray images = images(split, sourceIndex)) {
                assertClose(new FloatMatrix(sourceIndex.length, 3, trained.output(images, false).dup('c').data()
                        .asFloat()), outputs, name);
            }
        }
        // the test split's: the train stage's predictions of the same images, computed in batches of its own
        float[] predictions = Npy.readFloats(run.resolve("train/predictions.npy")).values();
        int[] predicted = Npy.readInts(run.resolve("train/test_index.npy")).values();
        int[] captured = Npy.readInts(run.resolve("capture/test-index.npy")).values();
        float[] reordered = new float[captured.length * 3];
        for (int row = 0; row < captured.length; row++) {
            System.arraycopy(predictions, indexOf(predicted, captured[row]) * 3, reordered, row * 3, 3);
        }
        assertClose(new FloatMatrix(captured.length, 3, reordered), matrix(run.resolve("capture/test-outputs.npy")),
                "the test split against train/predictions.npy");
        assertEquals(List.of("input", "conv1", "pool1", "dense1"), Activations.layersIn(run.resolve("capture")),
                "the output is not a captured layer");
        assertTrue(probe(run).contains("outputs recorded true, splits [test, train, validation]"),
                probe(run).toString());
    }

    @Test
    void withoutOutputsNoneAreWrittenAndTheLayersAreTheSame() throws IOException {
        Path with = run(Map.of());
        Path without = run(Map.of("capture.outputs", "false"));
        assertEquals("reused", stage(without, "train").getString("status"));
        assertEquals("succeeded", stage(without, "capture").getString("status"), "another setting, another capture");
        try (Stream<Path> files = Files.list(without.resolve("capture"))) {
            assertEquals(List.of(), files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith("-outputs.npy")).toList());
        }
        assertTrue(probe(without).contains("outputs recorded false, splits []"), probe(without).toString());
        assertTrue(Files.readString(without.resolve("log.txt"))
                .contains("Not recording the network's output: capture.outputs = false"));
        // the layers are those of the capture with outputs, and say so: what is keyed by a layer is shared
        assertEquals(stage(with, "capture").getConfig("metrics.layer-fingerprints"),
                stage(without, "capture").getConfig("metrics.layer-fingerprints"));
        for (String file : List.of("input-train.npy", "conv1-test.npy", "pool1-validation.npy", "dense1-train.npy")) {
            assertClose(matrix(with.resolve("capture/" + file)), matrix(without.resolve("capture/" + file)), file);
        }
    }

    @Test
    void withoutTheRecordTheArtifactIsEmpty() throws IOException {
        Path run = run(Map.of("capture.epochs.images", "0"));
        assertFalse(Files.exists(run.resolve("capture/epochs")));
        assertTrue(Files.readString(run.resolve("log.txt")).contains("No per-epoch record: capture.epochs.images = 0"));
        assertTrue(probe(run).contains("epoch layers [], recorded false"), probe(run).toString());
    }

    @Test
    void aSubsetLargerThanTheTestSplitIsRejectedBeforeAnythingRuns() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.INVALID_EXPERIMENT, launch(Map.of("capture.epochs.images", "31"), errors));
        String output = errors.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("capture.epochs.images: the per-epoch record's 31 test images are more than the "
                + "test split's 30; set capture.epochs.images to at most 30 (0 records no epochs)"), output);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    private static Map<String, LayerReduction> reductions() {
        Map<String, LayerReduction> reductions = new LinkedHashMap<>();
        reductions.put("conv1", LayerReduction.projected(144, PROJECTION));
        reductions.put("pool1", LayerReduction.whole(36));
        reductions.put("dense1", LayerReduction.whole(8));
        return reductions;
    }

    private static ModelSettings modelSettings() {
        List<ConfigProblem> problems = new ArrayList<>();
        Config config = ConfigFactory.parseString("model { " + MODEL + " }")
                .withFallback(ConfigFactory.parseResourcesAnySyntax("reference")).resolve();
        return new SettingsBinder(problems).bind(config.getObject("model"), "model", ModelSettings.class, Set.of())
                .orElseThrow(() -> new AssertionError(problems.toString()));
    }

    /** The images of a split at these positions of its file, as the network takes them. */
    private static INDArray images(Split split, int[] sourceIndex) {
        int pixels = split.source().pixelsPerImage();
        float[] values = new float[sourceIndex.length * pixels];
        for (int i = 0; i < sourceIndex.length; i++) {
            int index = sourceIndex[i];
            split.copyScaled(IntStream.range(0, split.size()).filter(row -> split.sourceIndex(row) == index)
                    .findFirst().orElseThrow(), values, i * pixels);
        }
        return Nd4j.create(values, new long[] {sourceIndex.length, pixels}, 'c');
    }

    private static void assertClose(FloatMatrix expected, FloatMatrix actual, String what) {
        assertEquals(expected.rows(), actual.rows(), what);
        assertEquals(expected.cols(), actual.cols(), what);
        double scale = 0;
        for (float value : expected.values()) {
            scale = Math.max(scale, Math.abs(value));
        }
        assertTrue(scale > 0, what + " is not all zeros");
        for (int i = 0; i < expected.values().length; i++) {
            assertEquals(expected.values()[i], actual.values()[i], TOLERANCE * scale, what + " value " + i);
        }
    }

    private static int indexOf(int[] values, int value) {
        return IntStream.range(0, values.length).filter(i -> values[i] == value).findFirst().orElseThrow();
    }

    private static long[] shape(Path npy) throws IOException {
        return Npy.readFloats(npy).shape();
    }

    private static FloatMatrix matrix(Path npy) throws IOException {
        Npy.Floats floats = Npy.readFloats(npy);
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }

    private static List<String> probe(Path run) throws IOException {
        try (Stream<Path> files = Files.walk(run)) {
            return Files.readAllLines(files.filter(file -> file.getFileName().toString().equals("probe.txt"))
                    .findFirst().orElseThrow());
        }
    }

    private static Config stage(Path run, String stage) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals(stage)).findFirst().orElseThrow();
    }

    /** Runs the experiment with overrides into this test's runs folder; returns the new run folder. */
    private Path run(Map<String, String> overrides) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(overrides, errors), errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(dir.resolve("runs/tiny"))) {
            return runs.max(Comparator.comparing(Path::toString)).orElseThrow();
        }
    }

    private int launch(Map<String, String> overrides, ByteArrayOutputStream errors) throws IOException {
        Path file = dir.resolve("tiny.conf");
        Files.writeString(file, "runs.dir = \"" + dir.resolve("runs") + "\"\n" + EXPERIMENT);
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, file.toString());
        return new Launcher(List.of(new LoadModule(), new SyntheticModule(), new TrainModule(), new CaptureModule(),
                new ReduceModule())).run(properties, Map.of(), new PrintStream(errors, true, StandardCharsets.UTF_8));
    }
}

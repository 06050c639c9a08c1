package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A train stage of one's own, as the docs invite: {@link InCodeTrainStage} builds its network in code, and
 * {@code model.layers} describes another network altogether (a layer called {@code decoy}). Capture, reduce, knn,
 * collapse, hardneg and the report take the layers of the network it trained, by their names, and the report names the
 * experiment and compares with the earlier run.
 */
class OwnTrainStageTest {

    private static final String EXPERIMENT = """
            name = own-train
            pipeline = [synthetic, dev.layerscope.launcher.InCodeTrainStage, hardneg, capture, reduce, knn, collapse,
              report]
            # the network LayerScope's train stage would build; no stage of this pipeline reads it
            model.layers = [{ type = dense, units = 5, name = decoy }, { type = output }]
            capture { batch-size = 50, epochs.images = 20 }
            reduce { methods = [pca], projector.enabled = false }
            knn.threads = 2
            report.compare-runs = 1
            """;
    private static final List<String> CAPTURED = List.of("input", InCodeTrainStage.FEATURES,
            InCodeTrainStage.SQUEEZE);

    @TempDir
    static Path shared;
    /** Two runs of the experiment: the second's report compares with the first. */
    private static Path first;
    private static Path second;

    @TempDir
    Path dir;

    @BeforeAll
    static void runTwice() throws IOException {
        first = run(shared, Map.of());
        second = run(shared, Map.of());
    }

    @Test
    void theCaptureTakesTheTrainedNetworksLayersByTheirNamesAndKinds() throws IOException {
        Config capture = stage(first, "capture");
        assertEquals(CAPTURED, capture.getStringList("metrics.layers"),
                "the input and the hidden dense layers; not the output, nothing of model.layers");
        assertEquals(Map.of("input", 64, "features", 12, "squeeze", 2), capture.getConfig("metrics.widths").root()
                .unwrapped());
        // synthetic: 4 classes of 60 training images less a fifth for validation; 15 test images a class
        assertArrayEquals(new long[] {192, 12}, Npy.readFloats(first.resolve("capture/features-train.npy")).shape());
        assertArrayEquals(new long[] {60, 2}, Npy.readFloats(first.resolve("capture/squeeze-test.npy")).shape());
        assertFalse(Files.exists(first.resolve("capture/decoy-train.npy")));
        assertTrue(Files.readString(first.resolve("log.txt")).contains("No per-epoch record: the train stage kept "
                + "no parameters of its epochs"), "a train stage of one's own need not keep them");
        assertFalse(Files.exists(first.resolve("capture/epochs")));
    }

    @Test
    void reduceMapsAndKnnScoresEveryCapturedLayer() throws IOException {
        List<String> maps = Files.readAllLines(first.resolve("reduce/embeddings.csv"));
        for (String layer : CAPTURED) {
            assertTrue(maps.stream().anyMatch(line -> line.startsWith(layer + ",pca,transform,192,60,")),
                    layer + " in " + maps);
        }
        List<String> knn = Files.readAllLines(first.resolve("knn/knn.csv"));
        assertEquals(1 + 3 * 2 * 3, knn.size(), "a line per layer, space (the layer, its PCA map) and k: " + knn);
        for (String space : List.of("features,high-dimensional,,12,5,192,60,", "squeeze,high-dimensional,,2,3,192,60,",
                "squeeze,pca,transform,2,10,192,60,")) {
            assertTrue(knn.stream().anyMatch(line -> line.startsWith(space)), space + " in " + knn);
        }
        assertEquals(60, stage(first, "hardneg").getInt("metrics.test-images"), "hardneg ranked its predictions");
    }

    @Test
    void theCollapseStageMeasuresThePenultimateLayerOfTheNetworkTrained() throws IOException {
        List<String> lines = Files.readAllLines(first.resolve("collapse/collapse.csv"));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith(InCodeTrainStage.SQUEEZE + "," + InCodeTrainStage.EPOCHS + ","),
                "the layer before the output of the network built in code, after its last epoch: " + lines);
        assertArrayEquals(new long[] {4, 2}, Npy.readFloats(first.resolve("collapse/last_layer_W.npy")).shape(),
                "the output layer's weights, classes x width");
    }

    @Test
    void theReportNamesTheExperimentAndTheNetworksLayersAndComparesWithTheEarlierRun() throws IOException {
        String markdown = Files.readString(first.resolve("report/report.md"));
        assertTrue(markdown.startsWith("# LayerScope report: own-train"), markdown.lines().findFirst().orElse(""));
        for (String row : List.of("features     dense       12", "squeeze      dense       2",
                "scores       output      4")) {
            assertTrue(markdown.contains(row), "the network's table has `" + row + "`:\n" + markdown);
        }
        assertFalse(markdown.contains("decoy"), "model.layers is not the network");
        assertTrue(markdown.contains("weights of features") && markdown.contains("## Information bottleneck"));
        assertTrue(Files.isRegularFile(first.resolve("report/figures/embeddings-pca.png")));

        String firstName = first.getFileName().toString();
        String secondName = second.getFileName().toString();
        assertTrue(Files.readString(second.resolve("report/report.html")).contains("\"" + firstName + "\""),
                "the second run's compare panel offers the first");
        assertFalse(Files.readString(first.resolve("report/report.html")).contains("\"" + secondName + "\""));
    }

    @Test
    void aLayerTheTrainedNetworkLacksStopsTheRunBeforeTheCapture() throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.STAGE_FAILED, launch(dir, Map.of("capture.layers", "[squeeze, decoy]"), errors),
                "planning cannot know the layers of a network built in code; the run checks them once it is trained");
        Path run = onlyRun(dir);
        Config json = ConfigFactory.parseFile(run.resolve("run.json").toFile());
        assertEquals("capture", json.getString("stopped.stage"));
        assertTrue(json.getString("stopped.reason").startsWith("capture.layers: the model has no layer `decoy`; its "
                + "layers are input, features, squeeze, scores"), json.getString("stopped.reason"));
        assertFalse(Files.exists(run.resolve("capture")));
    }

    private static Config stage(Path run, String name) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow();
    }

    /** Runs the experiment into {@code folder}'s runs; returns the new run folder. */
    private static Path run(Path folder, Map<String, String> overrides) throws IOException {
        List<Path> before = runs(folder);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(folder, overrides, errors), errors.toString(StandardCharsets.UTF_8));
        List<Path> after = runs(folder);
        after.removeAll(before);
        assertEquals(1, after.size(), after.toString());
        return after.getFirst();
    }

    private static Path onlyRun(Path folder) throws IOException {
        List<Path> runs = runs(folder);
        assertEquals(1, runs.size(), runs.toString());
        return runs.getFirst();
    }

    private static List<Path> runs(Path folder) throws IOException {
        Path experimentRuns = folder.resolve("runs/own-train");
        if (!Files.isDirectory(experimentRuns)) {
            return new ArrayList<>();
        }
        try (Stream<Path> runs = Files.list(experimentRuns)) {
            return new ArrayList<>(runs.toList());
        }
    }

    private static int launch(Path folder, Map<String, String> overrides, ByteArrayOutputStream errors)
            throws IOException {
        Path file = folder.resolve("own-train.conf");
        Files.writeString(file, "runs.dir = \"" + folder.resolve("runs") + "\"\n" + EXPERIMENT);
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, file.toString());
        return new Launcher(Main.STAGE_MODULES).run(properties, Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
    }
}

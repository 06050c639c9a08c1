package dev.layerscope.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.capture.CaptureModule;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.kernel.StageStore;
import dev.layerscope.linalg.SmileNatives;
import dev.layerscope.load.LoadModule;
import dev.layerscope.synthetic.SyntheticModule;
import dev.layerscope.train.TrainModule;
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
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture and reduce in a real pipeline on small synthetic images, so that it takes seconds. */
class EmbeddingPipelineTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, capture, reduce]
            synthetic { classes = 4, per-class = 60, rows = 8, cols = 8, seed = 3 }
            model {
              layers = [{ type = dense, units = 16 }, { type = dropout, rate = 0.2 }, { type = dense, units = 3 },
                        { type = output }]
              updater.learning-rate = 0.01
              batch-size = 16
              epochs = 4
            }
            capture { batch-size = 50, epochs.images = 20 }
            reduce.methods = [pca]
            """;

    @TempDir
    Path dir;

    @Test
    void capturesEveryHiddenLayerAndWritesEachMapInEveryFormat() throws IOException {
        Path run = run(Map.of());
        // 240 training images less 48 for validation; 15 test images per class
        Npy.Floats input = Npy.readFloats(run.resolve("capture/input-train.npy"));
        assertArrayEquals(new long[] {192, 64}, input.shape());
        for (float pixel : input.values()) {
            assertTrue(pixel >= 0 && pixel <= 1, "pixels are scaled to [0, 1]");
        }
        assertArrayEquals(new long[] {192, 16}, Npy.readFloats(run.resolve("capture/dense1-train.npy")).shape());
        assertArrayEquals(new long[] {60, 3}, Npy.readFloats(run.resolve("capture/dense2-test.npy")).shape());
        assertFalse(Files.exists(run.resolve("capture/dropout1-train.npy")), "dropout is not a representation");
        int[] labels = Npy.readInts(run.resolve("capture/test-labels.npy")).values();
        assertEquals(60, labels.length);
        assertEquals(15, java.util.Arrays.stream(labels).filter(l -> l == 2).count());

        for (String input2 : List.of("input", "dense1", "dense2")) {
            assertArrayEquals(new long[] {192, 2}, Npy.readFloats(run.resolve("reduce/" + input2 + "-pca-train.npy"))
                    .shape());
            assertArrayEquals(new long[] {60, 2}, Npy.readFloats(run.resolve("reduce/" + input2 + "-pca-test.npy"))
                    .shape());
            List<String> csv = Files.readAllLines(run.resolve("reduce/" + input2 + "-pca.csv"));
            assertEquals("x,y,label,split,index", csv.get(0));
            assertEquals(1 + 192 + 60, csv.size());
            String[] firstTest = csv.get(1 + 192).split(",");
            assertEquals("test", firstTest[3]);
            float[] testPoints = Npy.readFloats(run.resolve("reduce/" + input2 + "-pca-test.npy")).values();
            assertEquals(testPoints[0], Float.parseFloat(firstTest[0]));
            assertEquals(labels[0], Integer.parseInt(firstTest[2]));
        }
        List<String> index = Files.readAllLines(run.resolve("reduce/embeddings.csv"));
        assertEquals(4, index.size());
        assertTrue(index.get(1).startsWith("input,pca,transform,192,60,"), index.get(1));

        Config environment = ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfig("environment");
        assertEquals(SmileNatives.ensureLoaded(), environment.getString("smile.blas"), "the BLAS Smile calls");
        assertTrue(environment.getString("libraries.smile").matches("\\d+\\..*"));
    }

    @Test
    void everyMethodMapsTheTrainingSplitAndPlacesTheTestSplit() throws IOException {
        Path run = run(Map.of("reduce.methods", "[pca, tsne, umap, trimap]", "reduce.inputs", "[dense2]",
                "reduce.tsne.perplexity", "10"));
        List<String> index = Files.readAllLines(run.resolve("reduce/embeddings.csv"));
        assertEquals(5, index.size(), "a header and four maps");
        for (String method : List.of("pca", "tsne", "umap", "trimap")) {
            assertTrue(index.stream().anyMatch(line -> line.startsWith("dense2," + method + ",transform,192,60,")),
                    method + " in " + index);
            float[] train = Npy.readFloats(run.resolve("reduce/dense2-" + method + "-train.npy")).values();
            float[] test = Npy.readFloats(run.resolve("reduce/dense2-" + method + "-test.npy")).values();
            assertEquals(2 * 192, train.length);
            assertEquals(2 * 60, test.length);
            for (float value : test) {
                assertTrue(Float.isFinite(value), method + " places every test point");
            }
        }
    }

    @Test
    void anApproximateNeighbourSearchWritesItsRecallBesideTheMapsThatUseIt() throws IOException {
        Path run = run(Map.of("reduce.methods", "[pca, umap]", "reduce.inputs", "[dense2]",
                "reduce.neighbors.search.exact-up-to", "0"));
        List<String> index = Files.readAllLines(run.resolve("reduce/embeddings.csv"));
        assertTrue(index.get(0).endsWith(",neighbor_recall,test_neighbor_recall"), index.get(0));
        String[] pca = index.stream().filter(line -> line.startsWith("dense2,pca,")).findFirst().orElseThrow()
                .split(",", -1);
        assertEquals("", pca[9], "PCA needs no neighbours");
        String[] umap = index.stream().filter(line -> line.startsWith("dense2,umap,")).findFirst().orElseThrow()
                .split(",", -1);
        // 192 training and 60 test points, every one of them in the recall's sample
        assertTrue(Double.parseDouble(umap[9]) >= 0.99, "training split's recall " + umap[9]);
        assertTrue(Double.parseDouble(umap[10]) >= 0.99, "test split's recall " + umap[10]);
        assertTrue(Double.parseDouble(umap[9]) <= 1 && Double.parseDouble(umap[10]) <= 1);
    }

    @Test
    void separatePlacementMapsTheTestSplitOnItsOwnForTsneAndTrimapOnly() throws IOException {
        Path run = run(Map.of("reduce.methods", "[pca, tsne, umap, trimap]", "reduce.inputs", "[dense2]",
                "reduce.tsne.perplexity", "10", "reduce.test-placement", "separate"));
        List<String> index = Files.readAllLines(run.resolve("reduce/embeddings.csv"));
        assertTrue(index.stream().anyMatch(line -> line.startsWith("dense2,tsne,separate,")), index.toString());
        assertTrue(index.stream().anyMatch(line -> line.startsWith("dense2,trimap,separate,")), index.toString());
        assertTrue(index.stream().anyMatch(line -> line.startsWith("dense2,umap,transform,")), index.toString());
        assertTrue(index.stream().anyMatch(line -> line.startsWith("dense2,pca,transform,")), index.toString());
    }

    @Test
    void settingsTooLargeForTheDataAreRejectedTogetherBeforeAnythingRuns() throws IOException {
        String errors = failedRun(Map.of("reduce.methods", "[tsne, umap]", "reduce.tsne.perplexity", "100",
                "reduce.umap.neighbors", "200"));
        assertTrue(errors.contains("reduce.tsne.perplexity: perplexity = 100 needs more than 300 points "
                + "(3 x perplexity), got 192; lower perplexity or map more points"), errors);
        assertTrue(errors.contains("reduce.umap.neighbors: neighbors = 200 (counting the point itself) needs at "
                + "least that many points, got 192"), errors);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @Test
    void anInputTheCaptureDoesNotTakeIsRejectedBeforeAnythingRuns() throws IOException {
        String dropout = failedRun(Map.of("reduce.inputs", "[dropout1]"));
        assertTrue(dropout.contains("reduce.inputs: `dropout1` is not captured; the capture takes input, dense1, "
                + "dense2"), dropout);
        // a hidden layer capture.layers leaves out
        String named = failedRun(Map.of("reduce.inputs", "[dense1]", "capture.layers", "[input, dense2]"));
        assertTrue(named.contains("reduce.inputs: `dense1` is not captured; the capture takes input, dense2 "
                + "(capture.layers)"), named);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @Test
    void projectorFilesAreWellFormed() throws IOException {
        Path run = run(Map.of("reduce.projector.max-points", "50"));
        Path projector = run.resolve("reduce/projector");
        String config = Files.readString(projector.resolve("projector_config.pbtxt"));
        List<String> metadata = Files.readAllLines(projector.resolve("metadata.tsv"));
        assertEquals("label\tclass\tindex", metadata.get(0));
        assertEquals(51, metadata.size(), "a header and one line per point");
        assertTrue(metadata.get(1).matches("\\d\tbar-\\d\t\\d+"), metadata.get(1));
        var sprite = ImageIO.read(projector.resolve("sprite.png").toFile());
        assertEquals(8 * 8, sprite.getWidth(), "ceil(sqrt(50)) = 8 thumbnails of 8 pixels a row");
        int blocks = 0;
        for (String block : config.split("embeddings \\{")) {
            if (block.isBlank()) {
                continue;
            }
            blocks++;
            String tensor = block.replaceAll("(?s).*tensor_path: \"([^\"]+)\".*", "$1");
            List<String> rows = Files.readAllLines(projector.resolve(tensor));
            assertEquals(50, rows.size(), tensor);
            int width = rows.get(0).split("\t").length;
            assertTrue(rows.stream().allMatch(r -> r.split("\t").length == width), tensor + " is rectangular");
            assertTrue(block.contains("single_image_dim: 8"), block);
        }
        assertEquals(6, blocks, "three layers and their three PCA maps");
    }

    @Test
    void aLayerTheModelDoesNotHaveIsRejectedBeforeAnythingRuns() throws IOException {
        String errors = failedRun(Map.of("capture.layers", "[dense1, dense7]"));
        assertTrue(errors.contains("capture.layers") && errors.contains("no layer `dense7`")
                && errors.contains("dense1, dropout1, dense2"), errors);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    private String failedRun(Map<String, String> overrides) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = launch(overrides, errors);
        assertTrue(exit != Launcher.OK);
        return errors.toString(StandardCharsets.UTF_8);
    }

    @Test
    void changingOnlyAReduceSettingReusesTheModelAndTheCaptureAndRunsReduce() throws IOException {
        Path first = run(Map.of());
        Path second = run(Map.of("reduce.neighbors.projection", "0"));
        Path third = run(Map.of("reduce.neighbors.projection", "0"));

        assertEquals("reused", status(second, "train"), "the second run trained again");
        assertTrue(Files.readString(second.resolve("log.txt")).contains("[train] reused: same inputs and settings"
                + " as in run " + first));
        assertEquals("reused", status(second, "capture"));
        assertEquals("succeeded", status(second, "reduce"));
        assertEquals(3, stage(second, "reduce").getInt("part-counts.reused"),
                "PCA searches no neighbours: a restored capture keys its maps as the capture that ran did");
        assertEquals("reused", status(third, "capture"));
        assertEquals("reused", status(third, "reduce"));
        assertTrue(Files.isSymbolicLink(third.resolve("reduce")));
        assertArrayEquals(Files.readAllBytes(second.resolve("reduce/dense1-pca-test.npy")),
                Files.readAllBytes(third.resolve("reduce/dense1-pca-test.npy")));
        assertTrue(Files.readString(third.resolve("log.txt")).contains("[reduce] reused: same inputs and settings as in run "
                + second));
    }

    @Test
    void addingPcaToStoredMapsSearchesNoNeighbours() throws IOException {
        Path first = run(Map.of("reduce.methods", "[tsne]", "reduce.tsne.perplexity", "10"));
        assertTrue(Files.readString(first.resolve("log.txt")).contains("nearest neighbours of"),
                "the first run searches the neighbours its t-SNE maps need");
        Path second = run(Map.of("reduce.methods", "[pca, tsne]", "reduce.tsne.perplexity", "10"));

        Config parts = stage(second, "reduce").getConfig("parts");
        for (String input : List.of("input", "dense1", "dense2")) {
            assertEquals("computed", parts.getString("\"" + input + "-pca\".status"));
            assertEquals("reused", parts.getString("\"" + input + "-tsne\".status"));
        }
        String log = Files.readString(second.resolve("log.txt"));
        assertFalse(log.contains("nearest neighbours of"), "PCA alone searched neighbours: " + log);
    }

    @Test
    void changingOnlyATsneSettingRecomputesOnlyTheTsneMapsAndLinksTheOthers() throws IOException {
        Path first = run(Map.of("reduce.methods", "[pca, tsne]", "reduce.tsne.perplexity", "10"));
        Path second = run(Map.of("reduce.methods", "[pca, tsne]", "reduce.tsne.perplexity", "12"));

        assertEquals("reused", status(second, "train"));
        assertEquals("reused", status(second, "capture"));
        assertEquals("succeeded", status(second, "reduce"));
        Config parts = stage(second, "reduce").getConfig("parts");
        String log = Files.readString(second.resolve("log.txt"));
        for (String input : List.of("input", "dense1", "dense2")) {
            assertEquals("reused", parts.getString("\"" + input + "-pca\".status"));
            assertEquals(first.toString(), parts.getString("\"" + input + "-pca\".computed-in"));
            assertEquals("computed", parts.getString("\"" + input + "-tsne\".status"));
            assertTrue(log.contains("[reduce] " + input + "-pca: reused: same inputs and settings as in run " + first),
                    log);
            Path pca = second.resolve("reduce/" + input + "-pca-train.npy");
            assertEquals(Files.getAttribute(first.resolve("reduce/" + input + "-pca-train.npy"), "unix:ino"),
                    Files.getAttribute(pca, "unix:ino"), "a reused map is linked, not copied");
            assertFalse(Arrays.equals(Files.readAllBytes(first.resolve("reduce/" + input + "-tsne-train.npy")),
                    Files.readAllBytes(second.resolve("reduce/" + input + "-tsne-train.npy"))));
        }

        // without the first run, its t-SNE maps are unused; its PCA maps are still the second run's
        Path firstReduce = first.resolve("reduce").toRealPath();
        StageStore.delete(first);
        List<Path> unused = new StageStore(dir.resolve("runs")).unreferenced();
        assertTrue(unused.stream().anyMatch(folder -> sameFile(folder, firstReduce)), unused.toString());
        List<Path> unusedParts = unused.stream().filter(folder -> folder.getParent().getFileName().toString()
                .equals(".parts")).toList();
        assertEquals(3, unusedParts.size(), "the three t-SNE maps of perplexity 10: " + unused);
        for (Path part : unusedParts) {
            try (Stream<Path> files = Files.list(part)) {
                assertTrue(files.anyMatch(file -> file.getFileName().toString().endsWith("-tsne-train.npy")),
                        part.toString());
            }
        }
    }

    @Test
    void theRawPixelsMapsAreSharedByRunsOfAnotherNetworkOrModelSeedOnTheSameImages() throws IOException {
        Path first = run(Map.of("reduce.methods", "[pca, umap]"));
        Path otherNetwork = run(Map.of("reduce.methods", "[pca, umap]", "model.layers",
                "[{ type = dense, units = 12 }, { type = dense, units = 3 }, { type = output }]"));
        Path otherSeed = run(Map.of("reduce.methods", "[pca, umap]", "model.seed", "5"));

        Config captured = stage(first, "capture").getConfig("metrics.layer-fingerprints");
        for (Path second : List.of(otherNetwork, otherSeed)) {
            assertEquals("succeeded", status(second, "train"));
            assertEquals("succeeded", status(second, "capture"));
            Config layers = stage(second, "capture").getConfig("metrics.layer-fingerprints");
            assertEquals(captured.getString("input"), layers.getString("input"));
            assertNotEquals(captured.getString("dense1"), layers.getString("dense1"));
            assertEquals("succeeded", status(second, "reduce"));
            Config reduce = stage(second, "reduce");
            assertEquals(4, reduce.getInt("part-counts.computed"), "the maps of dense1 and dense2");
            assertEquals(2, reduce.getInt("part-counts.reused"), "the maps of the pixels");
            for (String method : List.of("pca", "umap")) {
                assertEquals("reused", reduce.getString("parts.\"input-" + method + "\".status"));
                assertEquals(first.toString(), reduce.getString("parts.\"input-" + method + "\".computed-in"));
                assertEquals(Files.getAttribute(first.resolve("reduce/input-" + method + "-train.npy"), "unix:ino"),
                        Files.getAttribute(second.resolve("reduce/input-" + method + "-train.npy"), "unix:ino"));
                for (String layer : List.of("dense1", "dense2")) {
                    assertEquals("computed", reduce.getString("parts.\"" + layer + "-" + method + "\".status"));
                }
            }
            assertFalse(Arrays.equals(Files.readAllBytes(first.resolve("reduce/dense1-pca-train.npy")),
                    Files.readAllBytes(second.resolve("reduce/dense1-pca-train.npy"))), "another model's layer");
        }

        // computed again under another network, the pixels' maps are the same bytes: only their key changed
        Path forced = run(Map.of("reduce.methods", "[pca, umap]", "model.layers",
                "[{ type = dense, units = 12 }, { type = dense, units = 3 }, { type = output }]",
                "runs.force", "[reduce]"));
        assertEquals(0, stage(forced, "reduce").getInt("part-counts.reused"), "runs.force computes every map again");
        for (String method : List.of("pca", "umap")) {
            String map = "reduce/input-" + method + "-train.npy";
            assertArrayEquals(Files.readAllBytes(first.resolve(map)), Files.readAllBytes(forced.resolve(map)));
            assertArrayEquals(Files.readAllBytes(first.resolve(map)), Files.readAllBytes(otherSeed.resolve(map)),
                    "a folder that linked the replaced map keeps its file");
        }

        // the shared maps stay while any run links to them
        StageStore store = new StageStore(dir.resolve("runs"));
        Path inputMap = first.resolve("reduce/input-pca-train.npy");
        StageStore.delete(first);
        StageStore.delete(otherNetwork);
        StageStore.delete(forced);
        assertFalse(store.unreferenced().stream().anyMatch(folder -> holds(folder, "input-pca-train.npy")),
                "the run of another seed still links to the pixels' maps");
        StageStore.delete(otherSeed);
        assertTrue(store.unreferenced().stream().anyMatch(folder -> holds(folder, "input-pca-train.npy")),
                "no run links to them: " + inputMap);
    }

    @Test
    void otherImagesMapTheRawPixelsAgain() throws IOException {
        run(Map.of());
        for (Map<String, String> overrides : List.of(Map.of("synthetic.seed", "4"),
                Map.of("synthetic.per-class", "50"), Map.of("capture.per-class", "40"),
                Map.of("capture.per-class", "40", "capture.seed", "9"))) {
            Path other = run(overrides);
            Config reduce = stage(other, "reduce");
            assertEquals("computed", reduce.getString("parts.\"input-pca\".status"), overrides.toString());
            assertEquals(0, reduce.getInt("part-counts.reused"), overrides.toString());
        }
    }

    /** Whether a stored part holds a file of this name. */
    private static boolean holds(Path folder, String file) {
        return folder.getParent().getFileName().toString().equals(".parts") && Files.exists(folder.resolve(file));
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static String status(Path run, String stage) {
        return stage(run, stage).getString("status");
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
        return new Launcher(List.of(new LoadModule(), new SyntheticModule(), new TrainModule(), new CaptureModule(), new ReduceModule()))
                .run(properties, Map.of(), new PrintStream(errors, true, StandardCharsets.UTF_8));
    }
}

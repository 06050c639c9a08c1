package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Hashes;
import dev.layerscope.kernel.Launcher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/reproducibility.md says of other thread counts, run as a researcher runs an experiment: each run in a
 * JVM of its own started with {@code runtime.threads} (ND4J's OpenMP and OpenBLAS threads are fixed when a JVM
 * starts, so this cannot be tested inside one), on 28x28 synthetic images in batches of 64, large enough for the
 * native code to split its work over the threads.
 */
class ReproducibilityTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "synthetic.classes", "4", "synthetic.per-class", "100", "synthetic.rows", "28", "synthetic.cols", "28",
            "model.epochs", "1", "model.batch-size", "64", "reduce.tsne.perplexity", "10",
            "reduce.projector.enabled", "false", "capture.epochs.images", "50");
    /** The kNN stage's scores, unrounded. */
    private static final String KNN = "knn/knn.json";
    private static final String CNN = "[{ type = conv2d, filters = 8 }, { type = maxpool }, { type = batchnorm },"
            + " { type = dense, units = 16 }, { type = output }]";

    @TempDir
    Path dir;

    /**
     * A rerun with the same threads computes every result again, bit for bit. With 2 native threads and 3 Java
     * threads instead of one of each, from the same trained network: the hidden layers' activations differ (ND4J's
     * products), so everything made of them does; of the raw pixels, the PCA, t-SNE and UMAP maps and their kNN scores
     * are the same bits, TriMAP's maps are not; the hard negatives (of the same predictions) are the same.
     */
    @Test
    void aRerunIsTheSameBitsAndOtherThreadsChangeTheHiddenLayersAndTrimap() throws Exception {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put("pipeline", "[synthetic, train, hardneg, capture, reduce, knn]");
        Map<String, String> one = results(run("runs", settings, 1, 1));
        settings.put("runs.force", "[all]");
        assertEquals(one, results(run("runs", settings, 1, 1)), "a rerun computes the same results");

        // the same runs folder: the trained network is reused; the rest is computed again with other threads
        settings.put("runs.force", "[capture, reduce, knn]");
        Map<String, String> other = results(run("runs", settings, 2, 3));
        assertEquals(one.keySet(), other.keySet());
        List<String> differ = one.keySet().stream().filter(file -> !one.get(file).equals(other.get(file))).toList();
        assertTrue(differ.contains("capture/dense1-train.npy"), "the hidden layers' activations are the same bits "
                + "with another thread count; if that holds now, say so in docs/reproducibility.md: " + differ);
        for (String file : one.keySet()) {
            if (file.startsWith("capture/input-") || file.startsWith("reduce/input-") && !file.contains("trimap")
                    || file.startsWith("hardneg/")) {
                assertEquals(one.get(file), other.get(file), file);
            } else if (file.startsWith("reduce/input-trimap")) {
                assertNotEquals(one.get(file), other.get(file), file + ": TriMAP's gradient sums depend on the "
                        + "threads; if they no longer do, say so in docs/reproducibility.md");
            }
        }
        for (String scores : List.of("accuracies", "quality")) {
            assertEquals(ofTheRawPixels(one.get(KNN), scores), ofTheRawPixels(other.get(KNN), scores), scores);
        }
    }

    /** The MLP and the CNN train other weights with another runtime.threads. */
    @Test
    void anotherThreadCountTrainsOtherWeights() throws Exception {
        for (String layers : List.of("", CNN)) {
            Map<String, String> settings = new HashMap<>(SETTINGS);
            settings.put("pipeline", "[synthetic, train]");
            if (!layers.isEmpty()) {
                settings.put("model.layers", layers);
            }
            String one = results(run("one" + layers.length(), settings, 1, 1)).get("train/predictions.npy");
            String two = results(run("two" + layers.length(), settings, 2, 1)).get("train/predictions.npy");
            assertNotEquals(one, two, (layers.isEmpty() ? "the MLP" : "the CNN") + " trains the same weights with "
                    + "1 and 2 threads; if that holds now, say so in docs/reproducibility.md");
        }
    }

    /** Runs the default experiment with {@code settings} in a JVM of its own; returns the run folder. */
    private Path run(String runsFolder, Map<String, String> settings, int nativeThreads, int javaThreads)
            throws IOException, InterruptedException {
        Path runs = dir.resolve(runsFolder);
        Map<String, String> properties = new HashMap<>(settings);
        properties.put(Launcher.EXPERIMENT_PROPERTY, "../conf/fashion-mlp.conf");
        properties.put("runs.dir", runs.toString());
        properties.put("runtime.threads", Integer.toString(nativeThreads));
        properties.put("reduce.threads", Integer.toString(javaThreads));
        properties.put("knn.threads", Integer.toString(javaThreads));
        int exit = new Launcher(Main.STAGE_MODULES).runForked(properties, Map.of(),
                new PrintStream(System.err, true, StandardCharsets.UTF_8), Main.class.getName(),
                System.getProperty("java.class.path"));
        assertEquals(Launcher.OK, exit);
        Path run;
        try (Stream<Path> folders = Files.list(runs.resolve("fashion-mlp"))) {
            run = folders.max(Path::compareTo).orElseThrow();
        }
        Config threads = ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfig("environment.threads");
        assertEquals(List.of(nativeThreads, Integer.toString(nativeThreads), Integer.toString(nativeThreads)),
                List.of(threads.getInt("runtime-threads"), threads.getString("OMP_NUM_THREADS"),
                        threads.getString("OPENBLAS_NUM_THREADS")), "the run's JVM started with its threads");
        return run;
    }

    /**
     * The result files of a run (arrays and tables, not its logs, records and the store's own files), by path: an
     * array as the SHA-256 of its bytes, a table (CSV, the kNN scores' JSON) as its text.
     */
    private static Map<String, String> results(Path run) throws IOException {
        Map<String, String> results = new TreeMap<>();
        try (Stream<Path> files = Files.walk(run, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = run.relativize(file).toString();
                if (name.endsWith(".npy")) {
                    results.put(name, Hashes.sha256(file));
                } else if (name.endsWith(".csv") && !name.endsWith("history.csv") && !name.endsWith("embeddings.csv")
                        || name.equals(KNN)) {
                    results.put(name, Files.readString(file));
                }
            }
        }
        assertFalse(results.isEmpty(), "no results in " + run);
        return results;
    }

    /** The kNN stage's unrounded scores of the raw pixels' space and of its maps but TriMAP's. */
    private static List<Object> ofTheRawPixels(String knnJson, String scores) {
        List<Object> entries = ConfigFactory.parseString(knnJson).getConfigList(scores).stream()
                .filter(entry -> entry.getString("input").equals("input")
                        && !entry.getString("method").equals("trimap"))
                .map(entry -> entry.root().unwrapped()).map(Object.class::cast).toList();
        assertFalse(entries.isEmpty(), knnJson);
        return entries;
    }
}

package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Hashes;
import dev.layerscope.kernel.Launcher;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

    /** What an emulated run's JVM printed, in its runs folder. */
    private static final String CHILD_LOG = "child.log";

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

    /**
     * Column (c), emulated on this CPU, one thread each: (1) another instruction set, as on a CPU with AVX2 and no
     * AVX-512 (an AMD Zen 2 or 3, an older Intel): OpenBLAS's Haswell kernels instead of the ones it picks here, and
     * oneDNN and the JVM held to AVX2; (2) ND4J's generic native build, as on a platform without the oneDNN-AVX2 one.
     * Either way the network trains other weights (its products round otherwise), so its layers' activations differ,
     * and so do the raw pixels' PCA map and the t-SNE and TriMAP maps that start from it; the raw pixels, their UMAP
     * maps (neighbours ranked by exact distance, a spectral start computed in Java) are the same bits, and on this
     * data the network predicts the same classes (the confusion counts agree; the confidences do not).
     */
    @Test
    void anEmulatedOtherCpuOrNd4jBuildTrainsOtherWeightsAndKeepsTheRawPixelsUmap() throws Exception {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put("pipeline", "[synthetic, train, hardneg, capture, reduce, knn]");
        Map<String, String> here = results(run("here", settings, 1, 1));
        String classpath = System.getProperty("java.class.path");
        Path avx2Run = runEmulated("avx2", settings, Map.of("OPENBLAS_CORETYPE", "Haswell",
                "ONEDNN_MAX_CPU_ISA", "AVX2", "DNNL_MAX_CPU_ISA", "AVX2"), List.of("-XX:UseAVX=2"), classpath);
        String generic = Stream.of(classpath.split(File.pathSeparator)).filter(entry -> !entry.contains("onednn-avx2"))
                .collect(Collectors.joining(File.pathSeparator));
        assertNotEquals(classpath, generic, "the oneDNN-AVX2 build of ND4J is not on the test's classpath");
        // OPENBLAS_VERBOSE=2: OpenBLAS names the kernels it picked for this CPU (the generic build forces none)
        Path genericRun = runEmulated("generic", settings, Map.of("OPENBLAS_VERBOSE", "2"), List.of(), generic);
        Config nd4j = ConfigFactory.parseFile(genericRun.resolve("run.json").toFile()).getConfig("environment.nd4j");
        assertTrue(nd4j.getString("native-library").endsWith("-linux-x86_64.jar") && !nd4j.getBoolean("onednn"),
                "the generic build ran: " + nd4j);
        Matcher core = Pattern.compile("Core: (\\w+)").matcher(Files.readString(genericRun.getParent().getParent()
                .resolve(CHILD_LOG)));
        assertTrue(core.find(), "OpenBLAS named no core in " + CHILD_LOG);
        // ND4J's OpenBLAS (0.3.19) runs Haswell's kernels where it takes the CPU for a Haswell or a Zen (any AMD
        // Zen, AVX-512 or not): there the AVX2 emulation is no other CPU for the products (measured on a Zen 4: the
        // same weights, and a PCA map that differs through oneDNN's or the JVM's instruction set), so only the
        // results that hold on every CPU are checked for it
        boolean avx2IsAnotherCpu = !List.of("Haswell", "Zen").contains(core.group(1));

        for (Path emulated : List.of(avx2Run, genericRun)) {
            Map<String, String> other = results(emulated);
            assertEquals(here.keySet(), other.keySet());
            for (String file : here.keySet()) {
                if (file.startsWith("capture/input-") || file.startsWith("reduce/input-umap-")
                        || file.equals("hardneg/confusion_counts.csv")) {
                    assertEquals(here.get(file), other.get(file), emulated + ": " + file);
                }
            }
            for (String file : List.of("train/predictions.npy", "hardneg/hard_negatives.csv",
                    "capture/dense1-train.npy", "reduce/input-pca-train.npy", "reduce/input-tsne-train.npy",
                    "reduce/input-trimap-train.npy")) {
                if (emulated == genericRun || avx2IsAnotherCpu) {
                    assertNotEquals(here.get(file), other.get(file), emulated + ": " + file + " is the same bits; "
                            + "if that holds now, say so in docs/reproducibility.md");
                }
            }
        }
    }

    /**
     * Runs the default experiment with one thread in a JVM started as {@link Launcher#runForked} starts it, but with
     * {@code env} added to its environment, {@code jvmOptions} and {@code classpath}; returns the run folder.
     */
    private Path runEmulated(String runsFolder, Map<String, String> settings, Map<String, String> env,
                             List<String> jvmOptions, String classpath) throws IOException, InterruptedException {
        Path runs = dir.resolve(runsFolder);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, "-D" + Launcher.CHILD_PROPERTY + "=true",
                "-D" + Launcher.EXPERIMENT_PROPERTY + "=../conf/fashion-mlp.conf", "-Druns.dir=" + runs,
                "-Druntime.threads=1", "-Dreduce.threads=1", "-Dknn.threads=1"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(Main.class.getName());
        // its output into a log beside its runs folder, which the caller may read
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(runs.resolve(CHILD_LOG).toFile());
        Files.createDirectories(runs);
        builder.environment().putAll(env);
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("OPENBLAS_NUM_THREADS", "1");
        assertEquals(Launcher.OK, builder.start().waitFor());
        try (Stream<Path> folders = Files.list(runs.resolve("fashion-mlp"))) {
            return folders.max(Path::compareTo).orElseThrow();
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

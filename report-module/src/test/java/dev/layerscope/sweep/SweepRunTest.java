package dev.layerscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.launcher.Main;
import dev.layerscope.synthetic.SyntheticDataStage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps run for real, each point in a JVM of its own as {@code -Dsweep} runs them: a point that fails on purpose
 * leaves the others complete and the summary says which and why; the shipped smoke sweep runs, and run again reuses
 * every stored stage, also after it was killed midway.
 */
class SweepRunTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private int sweep(Path file, Map<String, String> commandLine) throws IOException, InterruptedException {
        Map<String, String> properties = new HashMap<>(commandLine);
        properties.put(SweepMain.SWEEP_PROPERTY, file.toString());
        return SweepMain.run(properties, Map.of(), SweepPlanningTest.LAUNCHER, Main.class.getName(),
                System.getProperty("java.class.path"), REPOSITORY,
                new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    /** The one sweep folder under {@code runs}. */
    private static List<Path> sweepFolders(Path runs, String name) throws IOException {
        try (Stream<Path> folders = Files.list(runs.resolve("sweeps").resolve(name))) {
            return folders.sorted().toList();
        }
    }

    @Test
    void aPointThatFailsLeavesTheOthersCompleteAndTheSummarySaysWhichAndWhy() throws Exception {
        Path file = SweepPlanningTest.sweep(dir, """
                grid { "seeded.fail" = [false, true] }
                settings { runtime.heap = 512m, runtime.off-heap = 1g }
                """);

        int exit = sweep(file, Map.of());

        assertEquals(Launcher.STAGE_FAILED, exit, console.toString(StandardCharsets.UTF_8));
        Path folder = sweepFolders(dir.resolve("runs"), "test-sweep").getFirst();
        List<String> csv = Files.readAllLines(folder.resolve("points.csv"));
        assertEquals("point,experiment,seeded.fail,seed,status,run_folder,seconds,failure", csv.get(0));
        String good = csv.stream().filter(l -> l.startsWith("tiny seeded.fail=false,")).findFirst().orElseThrow();
        String bad = csv.stream().filter(l -> l.startsWith("tiny seeded.fail=true,")).findFirst().orElseThrow();
        assertTrue(good.contains(",succeeded,"), good);
        assertTrue(bad.contains(",failed,"), bad);
        assertTrue(bad.contains(SeededStage.FAILURE), bad);
        assertTrue(bad.contains(folder.resolve("logs").toString()), "names the log: " + bad);

        // the good point completed: its stage wrote what it writes; the bad one has a run folder that says it failed
        Path goodRun = Path.of(good.split(",")[5]);
        assertEquals("5", Files.readString(goodRun.resolve("dev.layerscope.sweep.SeededStage/seed.txt")));
        Path badRun = Path.of(bad.split(",")[5]);
        assertNotEquals(goodRun, badRun);
        assertTrue(Files.readString(badRun.resolve("run.json")).contains(SeededStage.FAILURE));

        String summary = Files.readString(folder.resolve("summary.md"));
        assertTrue(summary.contains("- points: 2, 1 succeeded, 1 failed"), summary);
        assertTrue(summary.contains("| tiny seeded.fail=true | failed |"), summary);
        assertTrue(Files.readString(folder.resolve("sweep.conf")).contains("seeded.fail"));
        assertTrue(Files.isRegularFile(folder.resolve("logs/tiny_seeded.fail=true.log")));
    }

    @Test
    void theSmokeSweepRunsAndRunAgainReusesEveryStoredStage() throws Exception {
        Path runs = dir.resolve("runs");
        Path smoke = REPOSITORY.resolve("conf/sweeps/smoke.conf");

        assertEquals(Launcher.OK, sweep(smoke, Map.of("runs.dir", runs.toString())),
                console.toString(StandardCharsets.UTF_8));
        assertEquals(Launcher.OK, sweep(smoke, Map.of("runs.dir", runs.toString())),
                console.toString(StandardCharsets.UTF_8));

        List<Path> folders = sweepFolders(runs, "smoke");
        assertEquals(2, folders.size());
        // 4 points of 5 stages; the second time every stage but the synthetic images is restored
        String summary = Files.readString(folders.get(1).resolve("summary.md"));
        assertTrue(summary.contains("- shared through the store: 16 of 20 stage runs restored"), summary);
        // the sweep ends with the comparison report of its points' runs, in its own folder
        assertTrue(summary.contains("- comparison report: `" + folders.get(1).resolve("compare/compare.html") + "`"),
                summary);
        assertTrue(Files.readString(folders.get(1).resolve("compare/compare.md")).contains("seed"),
                "the report compares the seeds of the smoke sweep");
        List<String> first = runFolders(folders.get(0));
        List<String> second = runFolders(folders.get(1));
        assertEquals(4, first.size());
        assertEquals(4, second.size());
        for (int i = 0; i < 4; i++) {
            assertNotEquals(first.get(i), second.get(i), "each run of a point is a run folder of its own");
            Map<String, String> before = stageStatuses(Path.of(first.get(i)));
            Map<String, String> after = stageStatuses(Path.of(second.get(i)));
            assertEquals(List.of("synthetic", "train", "capture", "reduce", "knn"), List.copyOf(after.keySet()));
            assertTrue(Files.isRegularFile(Path.of(second.get(i)).resolve("knn/knn.csv")));
            for (var stage : after.entrySet()) {
                if (stage.getKey().equals("synthetic")) {
                    // generating the images is cheaper than storing them: the one stage that is not reusable
                    assertFalse(ReusableStage.class.isAssignableFrom(SyntheticDataStage.class));
                    assertEquals("succeeded", stage.getValue());
                } else {
                    assertEquals("reused", stage.getValue(), second.get(i) + " " + stage.getKey()
                            + "; before: " + before);
                }
            }
        }
    }

    @Test
    void aSweepKilledMidwayAndRunAgainReusesEveryStageItFinished() throws Exception {
        Path runs = dir.resolve("runs");
        Path smoke = REPOSITORY.resolve("conf/sweeps/smoke.conf");
        Path log = dir.resolve("killed.log");
        // the sweep in a JVM of its own, as exec:java runs it, killed as soon as one of its points has stored a stage
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "-D" + SweepMain.SWEEP_PROPERTY + "=" + smoke,
                "-Druns.dir=" + runs, Main.class.getName())
                .directory(REPOSITORY.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Map<String, String> finished = Map.of();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (finished.isEmpty() && killed.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            finished = storedStages(runs);
        }
        killed.destroyForcibly(); // no shutdown hook runs; its points' JVMs end with it (Launcher.endWithParent)
        killed.waitFor();
        assertFalse(finished.isEmpty(), "no point stored a stage before the kill: " + Files.readString(log));
        Path killedSweep = sweepFolders(runs, "smoke").getFirst();
        assertFalse(Files.exists(killedSweep.resolve("summary.md")), "the sweep was killed before its end");

        assertEquals(Launcher.OK, sweep(smoke, Map.of("runs.dir", runs.toString())),
                console.toString(StandardCharsets.UTF_8));

        Path again = sweepFolders(runs, "smoke").get(1);
        Map<String, String> rerun = new HashMap<>();
        for (String runFolder : runFolders(again)) {
            for (Config stage : ConfigFactory.parseFile(Path.of(runFolder).resolve("run.json").toFile())
                    .getConfigList("stages")) {
                if (stage.hasPath("fingerprint")) {
                    rerun.put(stage.getString("fingerprint"), stage.getString("status"));
                }
            }
        }
        finished.forEach((fingerprint, stage) -> assertEquals("reused", rerun.get(fingerprint),
                stage + " (" + fingerprint + ") finished before the kill and is restored, not computed again"));
    }

    /**
     * Fingerprint to stage name of every stage the run folders under {@code runs} have finished and stored (all but
     * the synthetic images, which are not stored); run.json is replaced whole on each change, so it reads whole.
     * The sweep renames a stage's {@code .<stage>.partial} folder away while this walks the tree; a walk that meets
     * such a folder gone finds nothing, and the caller polls again.
     */
    private static Map<String, String> storedStages(Path runs) throws IOException {
        Map<String, String> stored = new HashMap<>();
        if (!Files.isDirectory(runs)) {
            return stored;
        }
        List<Path> runFiles;
        try (Stream<Path> files = Files.find(runs, 3, (path, attributes) -> path.endsWith("run.json")
                && !path.startsWith(runs.resolve("sweeps")) && !path.startsWith(runs.resolve(".store")))) {
            runFiles = files.toList();
        } catch (UncheckedIOException walkRaced) {
            if (walkRaced.getCause() instanceof NoSuchFileException) {
                return stored;
            }
            throw walkRaced;
        }
        for (Path file : runFiles) {
            for (Config stage : ConfigFactory.parseFile(file.toFile()).getConfigList("stages")) {
                if (stage.getString("status").equals("succeeded") && !stage.getString("name").equals("synthetic")) {
                    stored.put(stage.getString("fingerprint"), stage.getString("name"));
                }
            }
        }
        return stored;
    }

    private static List<String> runFolders(Path sweepFolder) throws IOException {
        List<String> folders = new ArrayList<>();
        for (String line : Files.readAllLines(sweepFolder.resolve("points.csv")).subList(1, 5)) {
            assertTrue(line.contains(",succeeded,"), line);
            folders.add(line.split(",")[5]);
        }
        return folders;
    }

    /** Stage name to status, in pipeline order, from run.json. */
    private static Map<String, String> stageStatuses(Path runFolder) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (Config stage : ConfigFactory.parseFile(runFolder.resolve("run.json").toFile()).getConfigList("stages")) {
            statuses.put(stage.getString("name"), stage.getString("status"));
        }
        return statuses;
    }
}

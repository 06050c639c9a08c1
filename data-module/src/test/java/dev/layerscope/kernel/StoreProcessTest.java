package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.fixtures.FixtureModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store of reusable stages with real processes: each run is a JVM of its own ({@link FixtureModule#main}), so
 * what keeps runs apart is the file lock and the folder moves, not anything shared in memory. A child is killed
 * with SIGKILL (no shutdown hooks, no cleanup), or two children run at once into one runs folder. The fixture
 * {@code hold} ({@link dev.layerscope.kernel.fixtures.ReusableBlockStage}) stops midway until the test creates its
 * release file, so that the overlap of two runs does not depend on timing.
 */
class StoreProcessTest {

    /** How long a child may take to reach a point or to finish, generous for a loaded two-core machine. */
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final String WAITING = "another process is computing this with the same inputs and settings";

    @TempDir
    Path dir;

    private final List<Child> children = new ArrayList<>();

    /** A child JVM running one experiment, its console (warnings and errors) going to {@code log}. */
    private record Child(String label, Process process, Path log) {
        String console() {
            try {
                return label + "'s console:\n" + (Files.exists(log) ? Files.readString(log) : "(none)");
            } catch (IOException e) {
                return label + "'s console could not be read: " + e;
            }
        }
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Child child : children) {
            child.process().destroyForcibly();
        }
        for (Child child : children) {
            child.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReusableStageKilledMidwayLeavesNothingALaterRunReusesAndTheRerunCompletes() throws Exception {
        Path marker = dir.resolve("midway");
        Path release = dir.resolve("release");
        Path file = experiment("killed", """
                pipeline = [count, square, hold]
                count.up-to = 4
                hold { marker = "%s", release = "%s" }
                """.formatted(marker, release));

        Child killed = start("killed", file);
        try {
            awaitFile(marker, killed);
        } finally {
            killed.process().destroyForcibly(); // SIGKILL while the stage waits, midway through its folder
            assertTrue(killed.process().waitFor(60, TimeUnit.SECONDS), "the killed child did not end");
        }
        Path killedRun = Path.of(Files.readString(marker));
        Config killedJson = runJson(killedRun);
        assertEquals("running", killedJson.getString("status"), "a killed run is never marked finished");
        assertEquals("succeeded", stage(killedRun, "square").getString("status"));
        assertEquals("running", stage(killedRun, "hold").getString("status"));
        assertTrue(Files.isRegularFile(killedRun.resolve(".hold.partial/part.txt")), "the stage was not midway");
        assertFalse(Files.exists(killedRun.resolve(".hold.partial/rest.txt")));
        assertFalse(Files.exists(killedRun.resolve("hold"), LinkOption.NOFOLLOW_LINKS),
                "the killed stage has an entry in its run folder that looks complete");
        String holdFingerprint = stage(killedRun, "hold").getString("fingerprint");
        Path holdStore = dir.resolve("runs/.store/hold");
        assertFalse(Files.exists(holdStore.resolve(holdFingerprint), LinkOption.NOFOLLOW_LINKS),
                "the killed stage's fingerprint has a folder in the store");
        assertEquals(List.of(), storedFolders("hold"), "the killed stage left a folder in the store");
        try (Stream<Path> entries = Files.list(holdStore)) {
            assertEquals(List.of(), entries.filter(entry -> !entry.getFileName().toString().endsWith(".lock"))
                    .toList(), "the store holds something of the killed stage besides its lock file");
        }
        Path storedSquare = dir.resolve("runs/.store/square").resolve(stage(killedRun, "square")
                .getString("fingerprint"));
        assertTrue(Files.isRegularFile(storedSquare.resolve(StageStore.MANIFEST)),
                "square completed before the kill and should be stored");

        // the same experiment, the same fingerprints; the release file makes hold run through this time
        Files.writeString(release, "");
        Path rerun = runToTheEnd("rerun", file);
        assertEquals("succeeded", runJson(rerun).getString("status"));
        Config square = stage(rerun, "square");
        assertEquals("reused", square.getString("status"), "square, completed in the killed run, was not reused");
        assertEquals(killedRun.toString(), square.getString("computed-in"));
        Config hold = stage(rerun, "hold");
        assertEquals("succeeded", hold.getString("status"), "the killed stage must be computed again, not reused");
        assertEquals(holdFingerprint, hold.getString("fingerprint"), "the rerun had other inputs or settings");
        assertTrue(Files.isSymbolicLink(rerun.resolve("hold")), "the run folder links to the store");
        assertEquals(holdStore.resolve(holdFingerprint).toRealPath(), rerun.resolve("hold").toRealPath());
        assertEquals("part of a result", Files.readString(rerun.resolve("hold/part.txt")));
        assertEquals("16", Files.readString(rerun.resolve("hold/rest.txt")));
        assertEquals(List.of(holdStore.resolve(holdFingerprint)), storedFolders("hold"));

        Path third = runToTheEnd("third", file);
        assertEquals("succeeded", runJson(third).getString("status"));
        assertEquals("reused", stage(third, "square").getString("status"));
        Config reused = stage(third, "hold");
        assertEquals("reused", reused.getString("status"), "the completed rerun's output was not reused");
        assertEquals(rerun.toString(), reused.getString("computed-in"));
        assertEquals(holdStore.resolve(holdFingerprint).toString(), reused.getString("reused-from"));
        assertEquals("16", Files.readString(third.resolve("hold/rest.txt")));
    }

    @Test
    void twoProcessesStartedTogetherBothFinishAgreeAndComputeTheSharedStageOnce() throws Exception {
        Path marker = dir.resolve("midway");
        Path release = dir.resolve("release");
        Path file = experiment("together", """
                pipeline = [count, square, hold]
                count.up-to = 7
                square.pause-millis = 1000
                hold { marker = "%s", release = "%s" }
                """.formatted(marker, release));

        Child a = start("a", file);
        Child b = start("b", file);
        // whichever takes hold's lock first computes it and stops midway; the other must then be waiting for it
        awaitFile(marker, a, b);
        Path computing = Path.of(Files.readString(marker));
        Path waiting = awaitWaitingRun("together", computing, a, b);
        Files.writeString(release, "");
        awaitExit(a);
        awaitExit(b);

        assertEquals(Set.of(computing, waiting), Set.copyOf(runFolders("together")));
        for (Path run : List.of(computing, waiting)) {
            assertEquals("succeeded", runJson(run).getString("status"), run.toString());
            assertEquals("49", Files.readString(run.resolve("square/square.txt")));
            assertEquals("49", Files.readString(run.resolve("hold/rest.txt")));
            assertEquals("part of a result", Files.readString(run.resolve("hold/part.txt")));
        }
        assertEquals("succeeded", stage(computing, "hold").getString("status"));
        Config reused = stage(waiting, "hold");
        assertEquals("reused", reused.getString("status"), "the waiting run computed the stage again");
        assertEquals(computing.toString(), reused.getString("computed-in"));
        assertEquals(computing.resolve("hold").toRealPath(), waiting.resolve("hold").toRealPath());
        assertEquals(List.of("reused", "succeeded"), List.of(stage(computing, "square"), stage(waiting, "square"))
                .stream().map(stage -> stage.getString("status")).sorted().toList(), "square was computed twice");
        assertEquals(computing.resolve("square").toRealPath(), waiting.resolve("square").toRealPath());
        assertEquals(1, storedFolders("square").size());
        assertEquals(1, storedFolders("hold").size());
        assertTrue(Files.readString(waiting.resolve("log.txt")).contains("[hold] " + WAITING));
        assertFalse(Files.readString(computing.resolve("log.txt")).contains("[hold] " + WAITING));
    }

    @Test
    void twoProcessesWithDifferentSettingsComputeTheirOwnResultsAtTheSameTime() throws Exception {
        Path release = dir.resolve("release");
        Path file = experiment("apart", """
                pipeline = [count, square, hold]
                count.up-to = 7
                square.pause-millis = 1000
                hold.release = "%s"
                """.formatted(release));
        Path markerA = dir.resolve("midway-a");
        Path markerB = dir.resolve("midway-b");

        Child a = start("a", file, "-Dsquare.offset=1", "-Dhold.marker=" + markerA);
        Child b = start("b", file, "-Dsquare.offset=2", "-Dhold.marker=" + markerB);
        // both midway in hold at once: runs with different fingerprints do not wait for each other
        await("both runs are midway in hold", () -> {
            for (Path run : runFolders("apart")) {
                Path log = run.resolve("log.txt");
                assertFalse(Files.exists(log) && Files.readString(log).contains(WAITING), run + " waits for another");
            }
            return Files.exists(markerA) && Files.exists(markerB);
        }, a, b);
        Files.writeString(release, "");
        awaitExit(a);
        awaitExit(b);

        Path runA = Path.of(Files.readString(markerA));
        Path runB = Path.of(Files.readString(markerB));
        assertNotEquals(runA, runB);
        for (Path run : List.of(runA, runB)) {
            assertEquals("succeeded", runJson(run).getString("status"), run.toString());
            assertEquals("succeeded", stage(run, "square").getString("status"), run.toString());
            assertEquals("succeeded", stage(run, "hold").getString("status"), run.toString());
            assertFalse(Files.readString(run.resolve("log.txt")).contains(WAITING), "a run waited for another");
        }
        assertEquals("50", Files.readString(runA.resolve("square/square.txt")));
        assertEquals("50", Files.readString(runA.resolve("hold/rest.txt")));
        assertEquals("51", Files.readString(runB.resolve("square/square.txt")));
        assertEquals("51", Files.readString(runB.resolve("hold/rest.txt")));
        assertEquals(2, storedFolders("square").size());
        assertEquals(2, storedFolders("hold").size());
    }

    @Test
    void aRunWaitingForAProcessThatIsKilledComputesTheStageItself() throws Exception {
        Path marker = dir.resolve("midway");
        Path release = dir.resolve("release");
        Path file = experiment("takeover", """
                pipeline = [count, square, hold]
                count.up-to = 5
                hold { marker = "%s", release = "%s" }
                """.formatted(marker, release));

        Child killed = start("killed", file);
        awaitFile(marker, killed);
        Path killedRun = Path.of(Files.readString(marker));
        Child survivor = start("survivor", file);
        Path waiting = awaitWaitingRun("takeover", killedRun, killed, survivor);
        killed.process().destroyForcibly();
        assertTrue(killed.process().waitFor(60, TimeUnit.SECONDS), "the killed child did not end");
        Files.writeString(release, "");
        awaitExit(survivor);

        assertEquals("succeeded", runJson(waiting).getString("status"));
        assertEquals("reused", stage(waiting, "square").getString("status"));
        assertEquals("succeeded", stage(waiting, "hold").getString("status"), "nothing of the killed run to reuse");
        assertEquals("25", Files.readString(waiting.resolve("hold/rest.txt")));
        assertFalse(Files.exists(killedRun.resolve("hold"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(waiting.resolve("hold").toRealPath()), storedFolders("hold"));
    }

    @Test
    void aWaitInterruptedWhileAnotherProcessComputesLeavesTheLockFree() throws Exception {
        Path marker = dir.resolve("midway");
        Path file = experiment("interrupted", """
                pipeline = [count, square, hold]
                hold { marker = "%s", release = "%s" }
                """.formatted(marker, dir.resolve("release")));
        Child holder = start("holder", file);
        awaitFile(marker, holder);
        String fingerprint = stage(Path.of(Files.readString(marker)), "hold").getString("fingerprint");
        StageStore store = new StageStore(dir.resolve("runs"));

        List<Throwable> outcome = new CopyOnWriteArrayList<>(); // null: the lock was taken and given back
        Thread waiter = Thread.ofPlatform().daemon().start(() -> {
            try (StageStore.Lock lock = store.lock(store.folder("hold", fingerprint), "[hold]")) {
                outcome.add(new AssertionError("took the lock the other process holds"));
            } catch (IOException | RuntimeException e) {
                outcome.add(e);
            }
        });
        try {
            Thread.sleep(1000); // to be waiting for the file lock by now; an earlier interrupt must end it the same way
            waiter.interrupt();
            waiter.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(waiter.isAlive(), "an interrupt did not end the wait for the lock");
            assertEquals(1, outcome.size());
            assertTrue(outcome.getFirst() instanceof IOException, "expected the wait to fail: " + outcome);
        } finally {
            holder.process().destroyForcibly();
            assertTrue(holder.process().waitFor(60, TimeUnit.SECONDS), "the killed child did not end");
        }

        // the other process is gone: the lock is free, in this JVM too
        Thread taker = Thread.ofPlatform().daemon().start(() -> {
            try (StageStore.Lock lock = store.lock(store.folder("hold", fingerprint), "[hold]")) {
                outcome.add(null);
            } catch (IOException e) {
                outcome.add(e);
            }
        });
        taker.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(taker.isAlive(), "the interrupted wait still holds this JVM's lock of the fingerprint");
        assertEquals(2, outcome.size());
        assertEquals(null, outcome.get(1), "could not take the lock: " + outcome.get(1));
    }

    private Path experiment(String name, String body) throws IOException {
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, "name = " + name + "\nruns.dir = \"" + dir.resolve("runs") + "\"\n" + body);
        return file;
    }

    /** Starts a JVM that runs the experiment in {@code file} with {@code -D} overrides. */
    private Child start(String label, Path file, String... overrides) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-D" + Launcher.EXPERIMENT_PROPERTY + "=" + file));
        command.addAll(List.of(overrides));
        command.add(FixtureModule.class.getName());
        Path log = dir.resolve(label + ".console.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Child child = new Child(label, process, log);
        children.add(child);
        return child;
    }

    /** Waits for the child to end by itself, and asserts it succeeded. */
    private static void awaitExit(Child child) throws InterruptedException {
        if (!child.process().waitFor(TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
            fail(child.label() + " did not finish in time\n" + child.console());
        }
        assertEquals(Launcher.OK, child.process().exitValue(), child.console());
    }

    /** Runs the experiment in a child to its end; returns the run folder it made. */
    private Path runToTheEnd(String label, Path file) throws IOException, InterruptedException {
        String name = file.getFileName().toString().replace(".conf", "");
        Set<Path> before = new HashSet<>(runFolders(name));
        awaitExit(start(label, file));
        List<Path> made = runFolders(name).stream().filter(run -> !before.contains(run)).toList();
        assertEquals(1, made.size(), "run folders made by " + label + ": " + made);
        return made.getFirst();
    }

    /** A state the children should reach; it may also fail at once when it sees them go wrong. */
    private interface Condition {
        boolean holds() throws IOException;
    }

    /**
     * Waits until {@code reached} holds while every child in {@code running} is still running (none of them can
     * end before the test releases them), polling; fails when one ends first or the time is up.
     */
    private static void await(String what, Condition reached, Child... running)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!reached.holds()) {
            if (!Stream.of(running).allMatch(child -> child.process().isAlive())) {
                fail("a child ended before " + what + "\n" + consoles(running));
            }
            if (System.nanoTime() > deadline) {
                fail("not " + what + " in time\n" + consoles(running));
            }
            Thread.sleep(100);
        }
    }

    /** Waits until {@code file} exists. */
    private static void awaitFile(Path file, Child... running) throws IOException, InterruptedException {
        await("a child wrote " + file, () -> Files.exists(file), running);
    }

    /**
     * Waits for the run folder other than {@code computing} whose log says it waits for another process to compute
     * hold; fails at once when that run computes hold too.
     */
    private Path awaitWaitingRun(String experiment, Path computing, Child... running)
            throws IOException, InterruptedException {
        List<Path> waiting = new ArrayList<>();
        await("a run waits for " + computing, () -> {
            for (Path run : runFolders(experiment)) {
                if (run.equals(computing) || !Files.exists(run.resolve("run.json"))) {
                    continue;
                }
                assertNotEquals("running", stage(run, "hold").getString("status"),
                        "two runs compute hold at once: " + computing + " and " + run);
                if (Files.exists(run.resolve("log.txt")) && Files.readString(run.resolve("log.txt"))
                        .contains("[hold] " + WAITING)) {
                    waiting.add(run);
                    return true;
                }
            }
            return false;
        }, running);
        return waiting.getFirst();
    }

    private static String consoles(Child... running) {
        return String.join("\n", Stream.of(running).map(Child::console).toList());
    }

    private List<Path> runFolders(String experiment) throws IOException {
        Path experimentDir = dir.resolve("runs").resolve(experiment);
        if (!Files.isDirectory(experimentDir)) {
            return List.of();
        }
        try (Stream<Path> runs = Files.list(experimentDir)) {
            return runs.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The folders the store holds for a stage. */
    private List<Path> storedFolders(String stage) throws IOException {
        Path folder = dir.resolve("runs/.store").resolve(stage);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static Config runJson(Path run) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile());
    }

    private static Config stage(Path run, String name) {
        Optional<? extends Config> stage = runJson(run).getConfigList("stages").stream()
                .filter(entry -> entry.getString("name").equals(name)).findFirst();
        return stage.orElseThrow(() -> new AssertionError("no stage " + name + " in " + run.resolve("run.json")));
    }
}

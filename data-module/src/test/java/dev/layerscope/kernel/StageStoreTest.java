package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.fixtures.FixtureModule;
import dev.layerscope.kernel.fixtures.SquareStage;
import dev.layerscope.load.LoadModule;
import dev.layerscope.synthetic.SyntheticModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reusable stages through the runs' store: reused when nothing changed, recomputed when something did. */
class StageStoreTest {

    @TempDir
    Path dir;

    @BeforeEach
    @AfterEach
    void resetTheFixture() {
        SquareStage.RUNS.set(0);
        SquareStage.FAIL = false;
    }

    @Test
    void aSecondRunWithTheSameInputsAndSettingsReusesTheStoredFolder() throws IOException {
        RunResult first = run("count.up-to = 4", Map.of());
        RunResult second = run("count.up-to = 4", Map.of());

        assertEquals(1, SquareStage.RUNS.get(), "the second run computed the stage again");
        assertTrue(second.succeeded());
        assertEquals("16", Files.readString(second.runDir().resolve("square/square.txt")));
        assertTrue(Files.isSymbolicLink(second.runDir().resolve("square")), "the run folder links to the store");
        assertEquals(Files.readSymbolicLink(first.runDir().resolve("square")),
                Files.readSymbolicLink(second.runDir().resolve("square")));
        Config stage = stage(second, "square");
        assertEquals("reused", stage.getString("status"));
        assertEquals(first.runDir().toString(), stage.getString("computed-in"));
        assertEquals(stage(first, "square").getString("fingerprint"), stage.getString("fingerprint"));
        assertTrue(Files.readString(second.runDir().resolve("log.txt")).contains("[square] reused"));
        assertEquals(List.of(), new StageStore(dir.resolve("runs")).unreferenced());
    }

    @Test
    void aChangedSettingOrInputRunsTheStageAgain() throws IOException {
        run("count.up-to = 4", Map.of());
        RunResult otherInput = run("count.up-to = 5", Map.of());
        RunResult otherSetting = run("count.up-to = 5\nsquare.offset = 1", Map.of());

        assertEquals(3, SquareStage.RUNS.get());
        assertEquals("25", Files.readString(otherInput.runDir().resolve("square/square.txt")));
        assertEquals("26", Files.readString(otherSetting.runDir().resolve("square/square.txt")));
        assertEquals("succeeded", stage(otherSetting, "square").getString("status"));
    }

    @Test
    void aDamagedStoredFileIsReportedAndTheStageRunsAgain() throws IOException {
        RunResult first = run("count.up-to = 4", Map.of());
        Path stored = first.runDir().resolve("square").toRealPath();
        Files.writeString(stored.resolve("square.txt"), "1"); // truncated: shorter than the manifest says

        RunResult second = run("count.up-to = 4", Map.of());

        assertEquals(2, SquareStage.RUNS.get());
        assertEquals("16", Files.readString(second.runDir().resolve("square/square.txt")));
        assertTrue(Files.readString(second.runDir().resolve("log.txt")).contains("is damaged (square.txt has 1 byte,"));
    }

    @Test
    void runsForceRunsANamedStageAgain() throws IOException {
        run("count.up-to = 4", Map.of());
        RunResult forced = run("count.up-to = 4", Map.of("runs.force", "[square]"));

        assertEquals(2, SquareStage.RUNS.get());
        assertEquals("succeeded", stage(forced, "square").getString("status"));
        ExperimentException unknown = org.junit.jupiter.api.Assertions.assertThrows(ExperimentException.class,
                () -> run("count.up-to = 4", Map.of("runs.force", "[sqaure]")));
        assertTrue(unknown.getMessage().contains("`sqaure` is not in the pipeline"), unknown.getMessage());
    }

    @Test
    void aForcedStageIsStoredBesideTheEarlierOutputAndEarlierRunsKeepWhatTheyLinkedTo() throws IOException {
        RunResult first = run("count.up-to = 4", Map.of());
        RunResult forced = run("count.up-to = 4", Map.of("runs.force", "[square]"));
        RunResult later = run("count.up-to = 4", Map.of());

        assertEquals(2, SquareStage.RUNS.get());
        assertEquals("1", Files.readString(first.runDir().resolve("square/computation.txt")),
                "the forced run changed what the first run links to");
        assertEquals("2", Files.readString(forced.runDir().resolve("square/computation.txt")));
        Path firstStored = first.runDir().resolve("square").toRealPath();
        Path forcedStored = forced.runDir().resolve("square").toRealPath();
        assertEquals(firstStored.getFileName() + ".2", forcedStored.getFileName().toString());
        assertEquals(forcedStored, later.runDir().resolve("square").toRealPath(), "a later run reuses the newest");
        assertEquals("2", Files.readString(later.runDir().resolve("square/computation.txt")));
        assertEquals("reused", stage(later, "square").getString("status"));
        assertEquals(forced.runDir().toString(), stage(later, "square").getString("computed-in"));
        assertTrue(Files.readString(forced.runDir().resolve("log.txt"))
                .contains("stays for the runs that link to it"));
        StageStore store = new StageStore(dir.resolve("runs"));
        assertEquals(List.of(), store.unreferenced());

        // once the first run is gone, its folder is the store's only unused one; cleanup removes it
        StageStore.delete(first.runDir());
        assertEquals(List.of(firstStored), store.unreferenced());
        assertTrue(store.removeIfUnreferenced(firstStored));
        assertEquals(List.of(), store.unreferenced());
        RunResult afterCleanup = run("count.up-to = 4", Map.of());
        assertEquals(forcedStored, afterCleanup.runDir().resolve("square").toRealPath());

        // forced again while only the newest folder is linked to: a third folder beside it, the second stays
        RunResult forcedAgain = run("count.up-to = 4", Map.of("runs.force", "[square]"));
        assertEquals(firstStored.getFileName() + ".3",
                forcedAgain.runDir().resolve("square").toRealPath().getFileName().toString());
        assertEquals("2", Files.readString(later.runDir().resolve("square/computation.txt")));
    }

    @Test
    void aForcedStageWhoseStoredOutputNoRunLinksToReplacesIt() throws IOException {
        RunResult first = run("count.up-to = 4", Map.of());
        Path firstStored = first.runDir().resolve("square").toRealPath();
        StageStore.delete(first.runDir());

        RunResult forced = run("count.up-to = 4", Map.of("runs.force", "[square]"));

        assertEquals(firstStored, forced.runDir().resolve("square").toRealPath());
        assertEquals("2", Files.readString(forced.runDir().resolve("square/computation.txt")));
        assertTrue(Files.readString(forced.runDir().resolve("log.txt")).contains("which no run links to, is removed"));
    }

    @Test
    void anArtifactReadIfWrittenIsUsedAndKeysTheStageOnlyWhenAnEarlierStageWritesIt() throws IOException {
        RunResult without = run("pipeline = [count, summary]\ncount.up-to = 4", Map.of());
        RunResult with = run("pipeline = [count, square, summary]\ncount.up-to = 4", Map.of());
        RunResult withoutAgain = run("pipeline = [count, summary]\ncount.up-to = 4", Map.of());

        assertEquals("count=4 scaled=none", Files.readString(without.runDir().resolve("summary/summary.txt")));
        assertEquals("count=4 scaled=16", Files.readString(with.runDir().resolve("summary/summary.txt")));
        assertEquals("succeeded", stage(with, "summary").getString("status"), "reused the summary made without it");
        assertEquals("reused", stage(withoutAgain, "summary").getString("status"));
        assertEquals(stage(without, "summary").getString("fingerprint"),
                stage(withoutAgain, "summary").getString("fingerprint"));
    }

    @Test
    void aFailedStageLeavesNothingToReuse() throws IOException {
        SquareStage.FAIL = true;
        RunResult failed = run("count.up-to = 4", Map.of());
        assertFalse(failed.succeeded());
        try (Stream<Path> stored = Files.list(dir.resolve("runs/.store/square"))) {
            assertEquals(List.of(), stored.filter(Files::isDirectory).toList(), "a failed stage was stored");
        }
        SquareStage.FAIL = false;
        RunResult rerun = run("count.up-to = 4", Map.of());
        assertTrue(rerun.succeeded());
        assertEquals(1, SquareStage.RUNS.get());
    }

    @Test
    void twoRunsAtOnceComputeTheStageOnceAndAgree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<RunResult> a = pool.submit(() -> run("count.up-to = 6\nsquare.pause-millis = 500", Map.of()));
            Future<RunResult> b = pool.submit(() -> run("count.up-to = 6\nsquare.pause-millis = 500", Map.of()));
            RunResult first = a.get();
            RunResult second = b.get();
            assertTrue(first.succeeded() && second.succeeded());
            assertEquals(1, SquareStage.RUNS.get(), "the second run waited and reused instead of computing");
            assertEquals(Files.readString(first.runDir().resolve("square/square.txt")),
                    Files.readString(second.runDir().resolve("square/square.txt")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cleanupRemovesStoredFoldersNoRunLinksToButNotOneARunIsUsing() throws Exception {
        RunResult first = run("count.up-to = 4", Map.of());
        RunResult second = run("count.up-to = 5", Map.of());
        Path unusedNow = first.runDir().resolve("square").toRealPath();
        Path inUse = second.runDir().resolve("square").toRealPath();
        Files.delete(first.runDir().resolve("square"));
        Files.delete(second.runDir().resolve("square"));
        StageStore store = new StageStore(dir.resolve("runs"));
        assertEquals(List.of(unusedNow, inUse).stream().sorted().toList(), store.unreferenced());

        // another thread holds the second folder's lock, as a run computing or linking it does
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch cleaned = new CountDownLatch(1);
        ExecutorService holder = Executors.newSingleThreadExecutor();
        try {
            Future<?> holding = holder.submit(() -> {
                try (StageStore.Lock lock = store.lock(inUse, "[square]")) {
                    locked.countDown();
                    cleaned.await();
                }
                return null;
            });
            locked.await();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Launcher.cleanup(dir.resolve("runs"), false, new PrintStream(out, true, StandardCharsets.UTF_8));
            cleaned.countDown();
            holding.get();
            String report = out.toString(StandardCharsets.UTF_8);
            assertTrue(report.contains("removed: " + unusedNow), report);
            assertTrue(report.contains("kept, a run is using it now: " + inUse), report);
        } finally {
            holder.shutdownNow();
        }
        assertFalse(Files.exists(unusedNow));
        assertTrue(Files.isDirectory(inUse));
    }

    private RunResult run(String settings, Map<String, String> overrides) throws IOException {
        // each run its own experiment file, so that runs at once do not write the same file
        Path file = Files.createTempFile(dir, "experiment", ".conf");
        Files.writeString(file, "name = stored\nruns.dir = \"" + dir.resolve("runs") + "\"\n"
                + "pipeline = [count, square]\n" + settings + "\n");
        Injector injector = Guice.createInjector(new FixtureModule(), new LoadModule(), new SyntheticModule());
        PipelinePlanner planner = injector.getInstance(PipelinePlanner.class);
        Experiment experiment = new ExperimentLoader(getClass().getClassLoader())
                .load(file, overrides, Map.of(), planner.sections());
        return new PipelineRunner().run(planner.plan(experiment));
    }

    private static Config stage(RunResult result, String name) {
        return ConfigFactory.parseFile(result.runDir().resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(stage -> stage.getString("name").equals(name)).findFirst().orElseThrow();
    }
}

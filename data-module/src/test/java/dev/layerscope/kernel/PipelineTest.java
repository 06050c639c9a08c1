package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.fixtures.FixtureFacts;
import dev.layerscope.kernel.fixtures.FixtureModule;
import dev.layerscope.load.LoadModule;
import dev.layerscope.synthetic.SyntheticModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel end to end: plan an experiment file with the fixture stages, run it, look at the run folder. */
class PipelineTest {

    @TempDir
    Path dir;

    @Test
    void runsStagesInPipelineOrderPassingArtifactsAlong() throws IOException {
        RunResult result = run("""
                pipeline = [count, double]
                count.up-to = 4
                """);
        assertTrue(result.succeeded());
        assertEquals(List.of("count", "double"), result.completed());
        assertEquals("numbers 4", Files.readString(result.runDir().resolve("count/count.txt")));
        assertEquals("8", Files.readString(result.runDir().resolve("double/scaled.txt")));

        Config runJson = ConfigFactory.parseFile(result.runDir().resolve("run.json").toFile());
        assertEquals("succeeded", runJson.getString("status"));
        List<? extends Config> stages = runJson.getConfigList("stages");
        assertEquals(List.of("count", "double"), stages.stream().map(s -> s.getString("name")).toList());
        assertEquals(4, stages.get(0).getInt("metrics.up-to"));
        assertEquals(4, stages.get(0).getInt("settings.count.up-to"), "each result carries its settings");
        assertTrue(stages.get(1).getDouble("seconds") >= 0);

        Config resolved = ConfigFactory.parseFile(result.runDir().resolve("experiment.conf").toFile());
        assertEquals(4, resolved.getInt("count.up-to"));
        assertEquals("numbers", resolved.getString("count.label"), "defaults are resolved into experiment.conf");
        assertEquals("experiment", resolved.getString("name"));
        String log = Files.readString(result.runDir().resolve("log.txt"));
        assertTrue(log.contains("[count] started") && log.contains("[double] done in"), log);
        assertEquals(dir.resolve("runs/experiment"), result.runDir().getParent());
    }

    @Test
    void runJsonSaysWhereTheRunRan() throws IOException {
        RunResult result = run("""
                pipeline = [count]
                runtime.threads = 3
                """);
        Config environment = ConfigFactory.parseFile(result.runDir().resolve("run.json").toFile())
                .getConfig("environment");
        assertEquals(System.getProperty("java.runtime.version"), environment.getString("java.version"));
        assertEquals(System.getProperty("java.vendor"), environment.getString("java.vendor"));
        assertEquals(System.getProperty("os.name"), environment.getString("os.name"));
        assertEquals(System.getProperty("os.arch"), environment.getString("os.arch"));
        assertEquals(Runtime.getRuntime().availableProcessors(), environment.getInt("cpu.processors"));
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
            assertNotEquals(RunEnvironment.UNKNOWN, environment.getString("cpu.model"));
            assertFalse(environment.getStringList("cpu.instruction-sets").isEmpty());
        }
        assertEquals(3, environment.getInt("threads.runtime-threads"));
        assertEquals(System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                environment.getString("threads.OMP_NUM_THREADS"));
        assertTrue(environment.getString("layerscope.version").matches("\\d+\\.\\d+.*"),
                environment.getString("layerscope.version"));
        Path code = Path.of(environment.getString("layerscope.code"));
        assertEquals(CodeLocation.of(Stage.class).orElseThrow(), code);
        assertEquals(RunEnvironment.git(code, "rev-parse", "HEAD").orElse(RunEnvironment.UNKNOWN),
                environment.getString("layerscope.commit"));
        assertTrue(List.of("clean", "modified", RunEnvironment.UNKNOWN).contains(
                environment.getString("layerscope.work-tree")));
        assertTrue(environment.getString("libraries.guice").matches("\\d+\\..*"));
        assertTrue(environment.getString("libraries.typesafe-config").matches("\\d+\\..*"));

        // what the modules contribute: a section, a library beside the kernel's, and a failure that stops nothing
        assertTrue(result.succeeded());
        assertEquals(42, environment.getInt("fixture.answer"));
        assertEquals("1.2.3", environment.getString("libraries.fixture-library"));
        assertEquals(List.of(FixtureFacts.Broken.class.getName() + ": java.lang.IllegalStateException: no such device"),
                environment.getStringList("failed"));
        assertTrue(Files.readString(result.runDir().resolve("log.txt")).contains("Environment: Java "
                + System.getProperty("java.runtime.version")));
    }

    @Test
    void twoStagesOfferingOneArtifactAreChosenByName() throws IOException {
        RunResult result = run("""
                pipeline = [count, triple]
                count.up-to = 4
                """);
        assertEquals("12", Files.readString(result.runDir().resolve("triple/scaled.txt")));
    }

    @Test
    void runsAResearchersStageNamedByItsClass() throws IOException {
        RunResult result = run("""
                pipeline = [count, double, dev.layerscope.kernel.fixtures.PluggedInStage]
                count.up-to = 5
                plugged.greeting = hello
                """);
        assertTrue(result.succeeded());
        Path output = result.runDir().resolve("dev.layerscope.kernel.fixtures.PluggedInStage/plugged.txt");
        assertEquals("hello 10", Files.readString(output));
    }

    @Test
    void aSectionNoFileHasIsReportedAgainstTheExperimentWithTheKeyToAdd() throws IOException {
        Path file = write("pipeline = [count, double, dev.layerscope.kernel.fixtures.PluggedInStage]\n");
        ExperimentException e = assertThrows(ExperimentException.class, () -> plan(file, Map.of("count.up-to", "2")));
        assertEquals(List.of(file + ": plugged.greeting: is missing; expected a string (add `plugged.greeting = ...`"
                + " to the experiment, or a default to the reference.conf beside the stage's classes)"),
                e.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void aLaterStageRejectsItsSettingsAsSoonAsTheDataProvesThemImpossible() throws IOException {
        RunResult result = run("""
                pipeline = [count, double, dev.layerscope.kernel.fixtures.CappedStage]
                count.up-to = 5
                capped.max = 3
                """);
        assertFalse(result.succeeded());
        assertEquals(List.of("count"), result.completed(), "double never started");
        assertFalse(Files.exists(result.runDir().resolve("double")));
        RunResult.Failure failure = result.failure().orElseThrow();
        assertEquals("dev.layerscope.kernel.fixtures.CappedStage", failure.stage());
        assertEquals("capped.max: the count is 5; raise capped.max to at least it", failure.error().getMessage());
        Config runJson = ConfigFactory.parseFile(result.runDir().resolve("run.json").toFile());
        assertEquals("failed", runJson.getString("status"));
        assertEquals("dev.layerscope.kernel.fixtures.CappedStage", runJson.getString("stopped.stage"));
        assertEquals("capped.max: the count is 5; raise capped.max to at least it",
                runJson.getString("stopped.reason"), "run.json says why, as the log does");
    }

    @Test
    void whatAStageTellsAtPlanningIsCheckedWithEveryOtherProblemBeforeAnythingRuns() throws IOException {
        Path file = write("""
                pipeline = [foreseen-count, double, dev.layerscope.kernel.fixtures.CappedStage]
                count.up-to = 5
                capped.max = 3
                modle.epochs = 3
                """);
        ExperimentException e = assertThrows(ExperimentException.class, () -> plan(file, Map.of()));
        List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
        assertEquals(2, problems.size(), problems.toString());
        assertEquals(file + ":4: capped.max: the count is 5; raise capped.max to at least it", problems.get(0));
        assertTrue(problems.get(1).startsWith(file + ":5: modle: is not a known key"), problems.get(1));
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");

        assertTrue(run("""
                pipeline = [foreseen-count, double, dev.layerscope.kernel.fixtures.CappedStage]
                count.up-to = 3
                capped.max = 3
                """).succeeded(), "the count the stage foresaw is within the cap");
    }

    @Test
    void aPreviewIsMadeFromTheEarlierStagesPreviews() throws IOException {
        Path file = write("""
                pipeline = [foreseen-count, double, "dev.layerscope.kernel.fixtures.CappedStage$OfScaled"]
                count.up-to = 2
                capped.max = 3
                """);
        ExperimentException e = assertThrows(ExperimentException.class, () -> plan(file, Map.of()));
        assertEquals(List.of(file + ":4: capped.max: the scaled count is 4; raise capped.max to at least it"),
                e.problems().stream().map(ConfigProblem::toString).toList(), "double previewed 2 x the count");
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @Test
    void inARunAStageStillToComePreviewsFromWhatIsWrittenSoThatALaterCheckStopsTheRunEarly() throws IOException {
        RunResult result = run("""
                pipeline = [count, double, "dev.layerscope.kernel.fixtures.CappedStage$OfScaled"]
                count.up-to = 2
                capped.max = 3
                """);
        assertFalse(result.succeeded());
        assertEquals(List.of("count"), result.completed(), "double previewed 4 from the count; it never ran");
        assertEquals("capped.max: the scaled count is 4; raise capped.max to at least it",
                result.failure().orElseThrow().error().getMessage());
    }

    @Test
    void reportsEveryProblemOfAnExperimentAtOnce() throws IOException {
        Path file = write("""
                pipeline = [double, count, doubel, com.example.NoSuchStage]
                count {
                  up-to = 0
                  up-too = 5
                  rate = fast
                  ks = [3, 0]
                  label = ""
                }
                modle.epochs = 3
                """);
        ExperimentException e = assertThrows(ExperimentException.class, () -> plan(file, Map.of()));
        String message = e.getMessage();
        List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
        assertEquals(9, problems.size(), message);
        assertHas(problems, "pipeline[0]: stage `double` reads count (Integer), but no stage before it writes it");
        assertHas(problems, "pipeline[2]: no stage is called `doubel`; did you mean `double`?");
        assertHas(problems, "pipeline[3]: no class com.example.NoSuchStage on the classpath");
        assertHas(problems, "count.up-to: 0 is out of range; allowed: 1 <= value <= 1000");
        assertHas(problems, "count.up-too: is not a known key; did you mean `up-to`?");
        assertHas(problems, "count.rate: expected a number, got \"fast\"");
        assertHas(problems, "count.ks[1]: 0 is out of range; allowed: 1 <= value");
        assertHas(problems, "count.label: must not be empty");
        assertHas(problems, "modle: is not a known key");
        assertTrue(problems.stream().allMatch(p -> p.startsWith(file.toString() + ":")),
                "every problem names the file and line: " + problems);
        assertTrue(message.contains("9 problems; nothing was run"), message);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing may run when the experiment is invalid");
        List<Integer> lines = e.problems().stream()
                .map(p -> Integer.parseInt(p.where().substring(p.where().lastIndexOf(':') + 1))).toList();
        assertEquals(lines.stream().sorted().toList(), lines, "problems are listed in line order: " + message);
        assertTrue(message.indexOf("up-to: 0 is out of range") < message.indexOf("modle"), message);
    }

    @Test
    void aProblemOnTheCommandLineNamesTheOverride() throws IOException {
        Path file = write("pipeline = [count]");
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> plan(file, Map.of("pipeline", "[count, doubel]")));
        assertEquals(List.of("-Dpipeline: pipeline[1]: no stage is called `doubel`; did you mean `double`?"),
                e.problems().stream().map(p -> p.toString().replaceFirst(" Known stages: .*", "")).toList());
    }

    @Test
    void aStageNameNothingIsNearListsTheKnownStages() throws IOException {
        Path file = write("pipeline = [frobnicate]");
        ExperimentException e = assertThrows(ExperimentException.class, () -> plan(file, Map.of()));
        assertHas(e.problems().stream().map(ConfigProblem::toString).toList(),
                "pipeline[0]: no stage is called `frobnicate`. Known stages: ");
        assertTrue(e.getMessage().contains("has 1 problem; nothing was run"), e.getMessage());
    }

    @Test
    void rejectsAStageListedTwiceAndAWrongTypeOfSection() throws IOException {
        Path file = write("""
                pipeline = [count, count]
                runs = somewhere
                """);
        ExperimentException e = assertThrows(ExperimentException.class, () -> plan(file, Map.of()));
        List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
        assertHas(problems, "pipeline[1]: `count` is already in the pipeline at position 0");
        assertHas(problems, "runs: expected a section `runs { ... }`, got a string");
    }

    @Test
    void aFailedStageLeavesNoOutputThatLooksComplete() throws IOException {
        RunResult result = run("pipeline = [count, fail, double]");
        assertFalse(result.succeeded());
        assertEquals("fail", result.failure().orElseThrow().stage());
        assertEquals(List.of("count"), result.completed());
        assertTrue(Files.isDirectory(result.runDir().resolve("count")));
        assertFalse(Files.exists(result.runDir().resolve("fail")));
        assertFalse(Files.exists(result.runDir().resolve("double")));
        assertTrue(Files.exists(result.runDir().resolve(".fail.partial/half.txt")));

        Config runJson = ConfigFactory.parseFile(result.runDir().resolve("run.json").toFile());
        assertEquals("failed", runJson.getString("status"));
        List<? extends Config> stages = runJson.getConfigList("stages");
        assertEquals(List.of("succeeded", "failed", "pending"),
                stages.stream().map(s -> s.getString("status")).toList());
        assertEquals("deliberate failure", stages.get(1).getString("error"));
        assertEquals("fail", runJson.getString("stopped.stage"));
        assertEquals("deliberate failure", runJson.getString("stopped.reason"));
    }

    @Test
    void aKilledRunLeavesNoOutputThatLooksComplete() throws Exception {
        Path marker = dir.resolve("midway");
        Path file = write("""
                pipeline = [count, block, double]
                block.marker = "%s"
                """.formatted(marker));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dexperiment=" + file, FixtureModule.class.getName())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(marker) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(marker), "the child never reached the blocking stage: "
                    + Files.readString(dir.resolve("child.log")));
        } finally {
            process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no cleanup
        }
        Path runDir = Path.of(Files.readString(marker));
        assertTrue(Files.isDirectory(runDir.resolve("count")));
        assertFalse(Files.exists(runDir.resolve("block")));
        assertFalse(Files.exists(runDir.resolve("double")));
        assertTrue(Files.exists(runDir.resolve(".block.partial/part.txt")));
        Config runJson = ConfigFactory.parseFile(runDir.resolve("run.json").toFile());
        assertEquals("running", runJson.getString("status"), "a killed run is never marked finished");
        assertEquals("running", runJson.getConfigList("stages").get(1).getString("status"));
        try (Stream<Path> leftovers = Files.list(runDir)) {
            assertFalse(leftovers.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void aStageMustWriteWhatItDeclares() throws IOException {
        Path file = write("pipeline = [count]");
        Plan plan = plan(file, Map.of());
        Stage liar = new Stage() {
            @Override
            public java.util.Set<ArtifactKey<?>> writes() {
                return java.util.Set.of(dev.layerscope.kernel.fixtures.Counted.SCALED);
            }

            @Override
            public void run(StageContext context) {
            }
        };
        Plan lying = new Plan(plan.experiment(), plan.name(), plan.runs(), plan.runtime(),
                List.of(new Plan.PlannedStage("liar", liar, List.of())));
        RunResult result = new PipelineRunner().run(lying);
        assertFalse(result.succeeded());
        assertTrue(result.failure().orElseThrow().error().getMessage().contains("did not write it"));
        assertFalse(Files.exists(result.runDir().resolve("liar")));
    }

    @Test
    void aStageIsToldTheExperimentsNameWhereItPublishesAndItsOwnFoldersOfEarlierRuns() throws IOException {
        Plan plan = plan(write("name = my-study\npipeline = [count]"), Map.of());
        List<StageContext> seen = new java.util.ArrayList<>();
        List<List<StageContext.EarlierOutput>> earlier = new java.util.ArrayList<>();
        Stage probe = new Stage() {
            @Override
            public java.util.Set<ArtifactKey<?>> writes() {
                return java.util.Set.of();
            }

            @Override
            public void run(StageContext context) throws IOException {
                Files.writeString(context.outputDir().resolve("seen.txt"), context.experimentName());
                seen.add(context);
                earlier.add(context.earlierOutputs());
            }
        };
        Plan probing = new Plan(plan.experiment(), plan.name(), plan.runs(), plan.runtime(),
                List.of(new Plan.PlannedStage("probe", probe, List.of())));
        Path first = new PipelineRunner().run(probing).runDir();
        Path second = new PipelineRunner().run(probing).runDir();
        Files.delete(second.resolve("probe/seen.txt"));
        Files.delete(second.resolve("probe")); // a run whose probe did not complete is not offered
        Path third = new PipelineRunner().run(probing).runDir();
        Path fourth = new PipelineRunner().run(probing).runDir();

        StageContext last = seen.getLast();
        assertEquals("my-study", last.experimentName(), "the name setting, not the file's name");
        assertEquals(fourth.resolve("probe"), last.publishedDir());
        assertEquals("my-study", Files.readString(last.publishedDir().resolve("seen.txt")));
        assertEquals(List.of(), earlier.getFirst(), "the first run has none");
        assertEquals(List.of(new StageContext.EarlierOutput(third.getFileName().toString(), third.resolve("probe")),
                new StageContext.EarlierOutput(first.getFileName().toString(), first.resolve("probe"))),
                earlier.getLast(), "newest first");
    }

    private RunResult run(String experiment) throws IOException {
        return new PipelineRunner().run(plan(write(experiment), Map.of()));
    }

    Plan plan(Path file, Map<String, String> overrides) throws IOException {
        Injector injector = Guice.createInjector(new FixtureModule(), new LoadModule(), new SyntheticModule());
        PipelinePlanner planner = injector.getInstance(PipelinePlanner.class);
        Experiment experiment = new ExperimentLoader(getClass().getClassLoader())
                .load(file, overrides, Map.of(), planner.sections());
        return planner.plan(experiment);
    }

    private Path write(String experiment) throws IOException {
        Path file = dir.resolve("experiment.conf");
        Files.writeString(file, "runs.dir = \"" + dir.resolve("runs") + "\"\n" + experiment);
        return file;
    }

    private static void assertHas(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem containing\n  " + expected + "\nin\n  " + String.join("\n  ", problems));
    }
}

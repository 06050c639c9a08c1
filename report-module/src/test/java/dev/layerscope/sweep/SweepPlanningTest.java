package dev.layerscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.Launcher;
import dev.layerscope.launcher.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep expanded and planned without running: the points of experiments x seeds x grid, their names, the seed keys
 * found in the planned stages (a stage of one's own included), and every point's problems reported at once.
 */
class SweepPlanningTest {

    static final Launcher LAUNCHER = new Launcher(Main.STAGE_MODULES);
    /** A big machine, so that the local engine's memory rule has nothing to say unless a test wants it to. */
    static final LocalEngine.Machine MACHINE = new LocalEngine.Machine(8, 64L << 30);

    static final String TINY = """
            pipeline = [synthetic, dev.layerscope.sweep.SeededStage]
            synthetic { classes = 3, per-class = 10, rows = 6, cols = 6 }
            seeded { seed = 5, fail = false }
            """;

    @TempDir
    Path dir;

    /** Writes the tiny experiment as {@code <name>.conf} and a sweep file over it; returns the sweep file. */
    static Path sweep(Path dir, String body) throws IOException {
        Files.writeString(dir.resolve("tiny.conf"), TINY);
        Files.writeString(dir.resolve("other.conf"), "include \"tiny.conf\"\nname = other\n");
        Path file = dir.resolve("test-sweep.conf");
        Files.writeString(file, "experiments = [\"" + dir.resolve("tiny.conf") + "\"]\nsettings.runs.dir = \""
                + dir.resolve("runs") + "\"\n" + body + "\n");
        return file;
    }

    static SweepPlan plan(Path file, Map<String, String> commandLine) throws IOException {
        return new Sweep(LAUNCHER, Map.of(), Path.of("")).plan(file, commandLine, MACHINE);
    }

    @Test
    void expandsEverySeedWithEveryCombinationOfTheGridInOrderWithReadableNames() throws IOException {
        SweepPlan plan = plan(sweep(dir, """
                grid { "synthetic.classes" = [2, 3], synthetic.per-class = [10, 20, 30] }
                seeds = [1, 2]
                """), Map.of());

        assertEquals(12, plan.points().size(), "2 seeds x 2 x 3 grid values");
        assertEquals("tiny seed=1 synthetic.classes=2 synthetic.per-class=10", plan.points().get(0).point().name());
        assertEquals("tiny seed=1 synthetic.classes=2 synthetic.per-class=20", plan.points().get(1).point().name());
        assertEquals("tiny seed=2 synthetic.classes=3 synthetic.per-class=30", plan.points().get(11).point().name());
        assertEquals(12, plan.points().stream().map(p -> p.point().name()).distinct().count());

        // the seeds reach every seed key of the stages that run: the synthetic stage's and the stage of one's own
        assertEquals(List.of("seeded.seed", "synthetic.seed"), plan.seedKeys().values().iterator().next());
        PlannedPoint last = plan.points().get(11);
        assertEquals("2", last.point().overrides().get("seeded.seed"));
        assertEquals("2", last.point().overrides().get("synthetic.seed"));
        assertEquals("3", last.point().overrides().get("synthetic.classes"));
        assertEquals("30", last.point().overrides().get("synthetic.per-class"));
        assertEquals(dir.resolve("runs").toString(), last.point().overrides().get("runs.dir"));
        assertEquals(Optional.of(2L), last.seed());
        assertEquals(Map.of("synthetic.classes", "3", "synthetic.per-class", "30"), last.grid());
        assertFalse(last.point().overrides().containsKey("data.seed"), "the load stage does not run");
        assertFalse(last.point().overrides().containsKey("model.seed"), "the train stage does not run");
    }

    @Test
    void expandsEachExperimentInTurnAndWithoutSeedsKeepsTheExperimentsOwn() throws IOException {
        Path file = sweep(dir, "grid { \"synthetic.per-class\" = [10, 20] }");
        Files.writeString(file, Files.readString(file).replace("experiments = [\"" + dir.resolve("tiny.conf") + "\"]",
                "experiments = [\"" + dir.resolve("tiny.conf") + "\", \"" + dir.resolve("other.conf") + "\"]"));
        SweepPlan plan = plan(file, Map.of());

        assertEquals(List.of("tiny synthetic.per-class=10", "tiny synthetic.per-class=20",
                        "other synthetic.per-class=10", "other synthetic.per-class=20"),
                plan.points().stream().map(p -> p.point().name()).toList());
        assertFalse(plan.points().get(0).point().overrides().containsKey("seeded.seed"));
        assertEquals(Optional.empty(), plan.points().get(0).seed());
    }

    @Test
    void reportsEveryProblemOfEveryPointAtOnceNamingItsGridPoint() throws IOException {
        Path file = sweep(dir, "grid { \"synthetic.classes\" = [1, 3], \"synthetic.per-class\" = [4, 10] }");

        InvalidSweep invalid = assertThrows(InvalidSweep.class, () -> plan(file, Map.of()));

        List<String> problems = invalid.problems();
        assertEquals(4, problems.size(), invalid.getMessage());
        assertTrue(has(problems, "tiny synthetic.classes=1 synthetic.per-class=4: ",
                "synthetic.classes: 1 is out of range"), invalid.getMessage());
        assertTrue(has(problems, "tiny synthetic.classes=1 synthetic.per-class=4: ",
                "synthetic.per-class: 4 is out of range"), invalid.getMessage());
        assertTrue(has(problems, "tiny synthetic.classes=1 synthetic.per-class=10: ",
                "synthetic.classes: 1 is out of range"), invalid.getMessage());
        assertTrue(has(problems, "tiny synthetic.classes=3 synthetic.per-class=4: ",
                "synthetic.per-class: 4 is out of range"), invalid.getMessage());
        assertTrue(invalid.getMessage().startsWith("The sweep " + file + " has 4 problems; nothing was run:"));
    }

    @Test
    void anInvalidSweepExitsAsAnInvalidExperimentDoesAndRunsNothing() throws Exception {
        Path file = sweep(dir, "grid { \"synthetic.classes\" = [1, 3] }");
        var output = new ByteArrayOutputStream();
        Map<String, String> properties = new HashMap<>(Map.of(SweepMain.SWEEP_PROPERTY, file.toString()));

        int exit = SweepMain.run(properties, Map.of(), LAUNCHER, Main.class.getName(), "no-classpath",
                new PrintStream(output, true, StandardCharsets.UTF_8));

        assertEquals(Launcher.INVALID_EXPERIMENT, exit);
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("tiny synthetic.classes=1: "));
        assertFalse(Files.exists(dir.resolve("runs")), "no sweep folder, no run folder");
    }

    @Test
    void theCommandLineSetsTheSweepsKeysAndPutsEveryOtherExperimentKeyOnEveryPoint() throws IOException {
        Path file = sweep(dir, "seeds = [1, 2, 3]");
        Map<String, String> commandLine = Map.of("seeds", "[7]", "synthetic.rows", "9", "java.home", "/jdk",
                SweepMain.SWEEP_PROPERTY, file.toString());

        SweepPlan plan = plan(file, commandLine);

        assertEquals(List.of(7L), plan.settings().seeds());
        assertEquals(1, plan.points().size());
        assertEquals("9", plan.points().get(0).point().overrides().get("synthetic.rows"));
        assertEquals("9", plan.settings().settings().get("synthetic.rows"));
        assertFalse(plan.settings().settings().containsKey("java.home"), "the JVM's own properties stay out");
    }

    @Test
    void seedsAndASeedInSettingsAreAConflict() throws IOException {
        Path file = sweep(dir, "seeds = [1, 2]\nsettings.synthetic.seed = 4");

        InvalidSweep invalid = assertThrows(InvalidSweep.class, () -> plan(file, Map.of()));

        assertTrue(has(invalid.problems(), "settings.synthetic.seed: is a seed of", "remove it from settings"),
                invalid.getMessage());
    }

    @Test
    void pointsThatWouldNotShareOneStoreAreRejected() throws IOException {
        Path file = sweep(dir, "");
        Files.writeString(dir.resolve("other.conf"), "include \"tiny.conf\"\nname = other\nruns.dir = \""
                + dir.resolve("elsewhere") + "\"\n");
        Files.writeString(file, Files.readString(file)
                .replace("experiments = [\"" + dir.resolve("tiny.conf") + "\"]", "experiments = [\""
                        + dir.resolve("tiny.conf") + "\", \"" + dir.resolve("other.conf") + "\"]")
                .replace("settings.runs.dir = \"" + dir.resolve("runs") + "\"", ""));

        InvalidSweep invalid = assertThrows(InvalidSweep.class, () -> plan(file, Map.of()));

        assertTrue(has(invalid.problems(), "settings.runs.dir: the points would write to different runs folders",
                "set settings.runs.dir"), invalid.getMessage());
    }

    @Test
    void everyShippedSweepPlansWithEveryPointValid() throws IOException {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        List<Path> sweeps;
        try (Stream<Path> files = Files.list(repository.resolve("conf/sweeps"))) {
            sweeps = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        assertEquals(List.of("fashion-vs-mnist.conf", "mlp-vs-cnn.conf", "seeds.conf", "smoke.conf"),
                sweeps.stream().map(f -> f.getFileName().toString()).toList());
        Map<String, Integer> expected = Map.of("fashion-vs-mnist.conf", 6, "mlp-vs-cnn.conf", 6, "seeds.conf", 5,
                "smoke.conf", 4);
        for (Path file : sweeps) {
            SweepPlan plan = new Sweep(LAUNCHER, Map.of(), repository).plan(file,
                    Map.of("runs.dir", dir.resolve("runs").toString()), MACHINE);
            assertEquals(expected.get(file.getFileName().toString()), plan.points().size(), file.toString());
            assertTrue(plan.seedKeys().values().stream().allMatch(keys -> keys.contains("model.seed")),
                    file + ": " + plan.seedKeys());
        }
    }

    private static boolean has(List<String> problems, String start, String contains) {
        return problems.stream().anyMatch(p -> p.startsWith(start) && p.contains(contains));
    }
}

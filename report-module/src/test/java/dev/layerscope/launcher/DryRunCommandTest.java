package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.Launcher;
import dev.layerscope.sweep.SweepMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Ddry-run}: an experiment or a sweep is validated as a run would validate it, what would run is printed,
 * and nothing runs or is written. The bench scripts' {@code --dry-run} depends on it.
 */
class DryRunCommandTest {

    private static final Launcher LAUNCHER = new Launcher(Main.STAGE_MODULES);
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int dryRun(Map<String, String> properties) {
        return Main.dryRun(LAUNCHER, properties, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aValidExperimentIsDescribedAndNothingRuns() {
        Path runs = dir.resolve("runs");
        int exit = dryRun(Map.of("experiment", REPOSITORY.resolve("conf/smoke.conf").toString(), "runs.dir",
                runs.toString(), "pipeline", "[synthetic, train, capture, reduce]", "runs.force", "[train]"));

        assertEquals(Launcher.OK, exit, err.toString(StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("stages [synthetic, train, capture, reduce]"), printed);
        assertTrue(printed.contains("computing again [train]"), printed);
        assertTrue(printed.contains(runs.resolve("smoke").toString()), printed);
        assertFalse(Files.exists(runs), "a dry run writes no runs folder");
    }

    @Test
    void anInvalidExperimentFailsWithEveryProblemNamed() {
        int exit = dryRun(Map.of("experiment", REPOSITORY.resolve("conf/smoke.conf").toString(), "runs.dir",
                dir.resolve("runs").toString(), "model.retrain", "true", "reduce.methods", "[pca, nope]"));

        assertEquals(Launcher.INVALID_EXPERIMENT, exit);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("model.retrain"), "the removed key the train bench once passed: " + printed);
        assertTrue(printed.contains("reduce.methods"), printed);
        assertFalse(Files.exists(dir.resolve("runs")));
    }

    @Test
    void aMissingExperimentFileIsNamed() {
        int exit = dryRun(Map.of("experiment", dir.resolve("none.conf").toString()));

        assertEquals(Launcher.INVALID_EXPERIMENT, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("none.conf"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSweepListsItsPointsAndMakesNoSweepFolder() {
        Path runs = dir.resolve("runs");
        int exit = SweepMain.plan(Map.of("sweep", REPOSITORY.resolve("conf/sweeps/smoke.conf").toString(),
                "runs.dir", runs.toString()), Map.of(), LAUNCHER, REPOSITORY,
                new PrintStream(out, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(Launcher.OK, exit, printed);
        assertTrue(printed.contains("4 points"), printed);
        assertEquals(4, printed.lines().filter(line -> line.startsWith("[dry-run]   ")).count(), printed);
        assertFalse(Files.exists(runs), "a dry run makes no sweep folder");
    }

    @Test
    void dryRunIsOnUnlessSetToFalse() {
        assertTrue(Main.isDryRun(Map.of("dry-run", "")));
        assertTrue(Main.isDryRun(Map.of("dry-run", "true")));
        assertFalse(Main.isDryRun(Map.of("dry-run", "false")));
        assertFalse(Main.isDryRun(Map.of()));
    }
}

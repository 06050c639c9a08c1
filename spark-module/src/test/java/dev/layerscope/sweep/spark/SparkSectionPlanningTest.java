package dev.layerscope.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.Launcher;
import dev.layerscope.launcher.Main;
import dev.layerscope.sweep.InvalidSweep;
import dev.layerscope.sweep.LocalEngine;
import dev.layerscope.sweep.Sweep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mistake in the sweep file's spark section is found while the sweep is planned, with every other problem and at
 * its line, not when Spark is about to start.
 */
class SparkSectionPlanningTest {

    @TempDir
    Path dir;

    @Test
    void aMistakeInTheSparkSectionIsReportedAtPlanningAtItsLine() throws IOException {
        Files.writeString(dir.resolve("tiny.conf"), """
                pipeline = [synthetic]
                synthetic { classes = 3, per-class = 10, rows = 6, cols = 6 }
                """);
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "experiments = [\"" + dir.resolve("tiny.conf") + "\"]\nsettings.runs.dir = \""
                + dir.resolve("runs") + "\"\nengine = spark\nspark.mastr = \"local[2]\"\n");

        InvalidSweep invalid = assertThrows(InvalidSweep.class, () -> new Sweep(new Launcher(Main.STAGE_MODULES),
                Map.of(), Path.of("")).plan(file, Map.of(), new LocalEngine.Machine(2, 8L << 30)));

        assertEquals(1, invalid.problems().size(), invalid.getMessage());
        String problem = invalid.problems().getFirst();
        assertTrue(problem.contains(file + ":4: spark.mastr: spark has no key \"mastr\""), problem);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }
}

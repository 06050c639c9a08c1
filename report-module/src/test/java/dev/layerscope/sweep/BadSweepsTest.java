package dev.layerscope.sweep;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of the sweep file, broken on purpose: each bad sweep is rejected before any point runs, with the key
 * path, what would be right, and (for a key of the file) the file and line of the value to change.
 */
class BadSweepsTest {

    @TempDir
    Path dir;

    /**
     * One broken rule.
     *
     * @param line    what the sweep file says, on its last line
     * @param path    the key path the problem must name
     * @param message what the problem must say
     * @param atLine  whether the problem must point at that last line
     */
    record Broken(String line, String path, String message, boolean atLine) {
        @Override
        public String toString() {
            return line;
        }
    }

    private static Broken broken(String line, String path, String message) {
        return new Broken(line, path, message, true);
    }

    static Stream<Broken> rules() {
        return Stream.of(
                broken("name = \"../up\"", "name", "`../up` is not a plain folder name (letters, digits, ., _ and"
                        + " -); the sweep's folder is runs/sweeps/<name>/"),
                broken("seed = [1, 2]", "seed", "is not a known key; did you mean `seeds`?"),
                broken("seeds = [1, 2.5]", "seeds", "expected whole numbers, e.g. seeds = [1, 2, 3], got 2.5"),
                broken("seeds = [1, one]", "seeds", "expected whole numbers, e.g. seeds = [1, 2, 3], got \"one\""),
                broken("seeds = 3", "seeds", "expected a list, e.g. seeds = [3], got 3"),
                broken("seeds = [1, 1]", "seeds", "names a seed twice: [1, 1]"),
                broken("experiments = []", "experiments", "names no experiment; name at least one, e.g. experiments"
                        + " = [conf/fashion-mlp.conf]"),
                broken("grid { \"synthetic.classes\" = [] }", "grid.\"synthetic.classes\"",
                        "has no values; give it at least one"),
                broken("grid { \"synthetic.classes\" = 3 }", "grid.\"synthetic.classes\"",
                        "expected a list of the values it takes, e.g. \"synthetic.classes\" = [3, ...], got 3"),
                broken("grid { \"synthetic.classes\" = [2, 2] }", "grid.\"synthetic.classes\"",
                        "names a value twice: [2, 2]"),
                broken("grid { \"synthetic.seed\" = [1, 2] }", "grid.\"synthetic.seed\"",
                        "is a seed; list seeds in `seeds = [...]`"),
                broken("grid { \"synthetic.classes\" = [2, 3] }, settings.synthetic.classes = 4",
                        "grid.\"synthetic.classes\"", "is set in settings (or by -Dsynthetic.classes) too; the grid"
                                + " varies it, so remove it there"),
                broken("engine = sparc", "engine", "`sparc` is not an engine on the classpath. Engines here: local"),
                broken("engine = spark", "engine", "`spark` is not an engine on the classpath. Engines here: local;"
                        + " the Spark engine comes with spark-module, which must be on the classpath"),
                broken("local.parallel = many", "local.parallel", "`many` is neither `auto` nor a whole number of at"
                        + " least 1"),
                broken("local.parallel = 0", "local.parallel", "`0` is neither `auto` nor a whole number"),
                broken("local.paralel = 2", "local.paralel", "is not a known key; did you mean `parallel`?"),
                broken("grid { \"synthetic.clases\" = [2, 3] }", "synthetic.clases",
                        "is not a known key; did you mean `classes`?"),
                broken("local.parallel = 40, settings { runtime.heap = 1000g }", "local.parallel",
                        "parallel = 40 runs 1 point(s) at once, each up to 1008.0 GB (runtime.heap 1000g +"
                                + " runtime.off-heap 8g of `tiny`), 1008.0 GB in all, more than this machine's 64.0 GB;"
                                + " write parallel = 1 (or auto)"));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void isRejectedBeforeAnythingRunsWithTheKeyAndTheFix(Broken rule) throws IOException {
        Path file = SweepPlanningTest.sweep(dir, rule.line());
        int lastLine = (int) Files.readString(file).lines().count();
        // a machine whose 64 GB hold 40 points of 1000 GB no more than this one's do
        InvalidSweep invalid = assertThrows(InvalidSweep.class, () -> new Sweep(SweepPlanningTest.LAUNCHER,
                Map.of(), Path.of("")).plan(file, Map.of(), SweepPlanningTest.MACHINE), rule.toString());
        List<String> problems = invalid.problems();
        String expected = rule.path() + ": " + rule.message();
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected `" + expected + "` in\n"
                + invalid.getMessage());
        if (rule.atLine()) {
            // a point's problem starts with the point's name, then where it is
            assertTrue(problems.stream().anyMatch(p -> p.contains(file + ":" + lastLine + ": " + rule.path())),
                    "expected the problem at " + file + ":" + lastLine + " in\n" + invalid.getMessage());
        }
        assertTrue(!Files.exists(dir.resolve("runs")), "nothing ran");
    }
}

package dev.layerscope.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.launcher.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped smoke sweep, run as {@code ./mvnw -q compile exec:java -Dsweep=conf/sweeps/smoke.conf} runs it, once
 * with {@code engine = local} and once with {@code -Dengine=spark} on {@code local[2]}, each into a runs folder of its
 * own so that nothing is shared: every point computes the same figures on either engine.
 */
class SmokeSweepOnBothEnginesTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    /** What a point's run writes that holds no time: compared byte for byte. */
    private static final List<String> FIGURES = List.of("train/evaluation.json", "knn/knn.csv", "knn/quality.csv");

    @TempDir
    Path dir;

    @Test
    void bothEnginesRunEveryPointToTheSameFigures() throws Exception {
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");

        sweep(local, "local");
        sweep(spark, "spark");

        Map<String, Path> localRuns = runFolders(local);
        Map<String, Path> sparkRuns = runFolders(spark);
        assertEquals(4, localRuns.size(), "2 seeds x 2 learning rates");
        assertEquals(localRuns.keySet(), sparkRuns.keySet());
        for (String point : localRuns.keySet()) {
            for (String figures : FIGURES) {
                assertEquals(Files.readString(localRuns.get(point).resolve(figures)),
                        Files.readString(sparkRuns.get(point).resolve(figures)), point + ": " + figures);
            }
            assertEquals(withoutSeconds(localRuns.get(point).resolve("train/history.csv")),
                    withoutSeconds(sparkRuns.get(point).resolve("train/history.csv")), point + ": history");
        }
    }

    /** Runs the smoke sweep in a JVM of its own, as exec:java does, with the tests' classpath (spark-module's). */
    private void sweep(Path runs, String engine) throws IOException, InterruptedException {
        Path log = dir.resolve(engine + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                "-Dsweep=conf/sweeps/smoke.conf", "-Druns.dir=" + runs, "-Dengine=" + engine,
                Main.class.getName()));
        Process sweep = new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(sweep.waitFor(15, TimeUnit.MINUTES), "the " + engine + " sweep did not end");
        assertEquals(0, sweep.exitValue(), engine + " sweep: " + Files.readString(log));
    }

    /** Point name to run folder, from the one sweep folder's points.csv; every point succeeded. */
    private static Map<String, Path> runFolders(Path runs) throws IOException {
        Path sweepFolder;
        try (Stream<Path> folders = Files.list(runs.resolve("sweeps").resolve("smoke"))) {
            sweepFolder = folders.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(sweepFolder.resolve("points.csv"));
        List<String> header = List.of(lines.getFirst().split(","));
        Map<String, Path> runFolders = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertEquals("succeeded", cells[header.indexOf("status")], line);
            runFolders.put(cells[header.indexOf("point")], Path.of(cells[header.indexOf("run_folder")]));
        }
        return runFolders;
    }

    /** The training history without its seconds column, the one that differs from run to run. */
    private static List<String> withoutSeconds(Path history) throws IOException {
        List<String> lines = Files.readAllLines(history);
        int seconds = List.of(lines.getFirst().split(",")).indexOf("seconds");
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",")));
            cells.remove(seconds);
            kept.add(String.join(",", cells));
        }
        return kept;
    }
}

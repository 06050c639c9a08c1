package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.compare.ComparedRuns;
import dev.layerscope.kernel.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -Dcompare=[...]}: the comparison report of the runs named, and no pipeline. */
class CompareCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int compare(Map<String, String> properties) throws IOException {
        return Main.compare(properties, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theReportGoesIntoATimestampedFolderUnderTheRunsFolder() throws IOException {
        List<Path> runs = ComparedRuns.runs();
        int exit = compare(Map.of("compare", "[" + runs.get(0) + ", " + runs.get(1) + "]", "runs.dir",
                dir.toString()));
        assertEquals(Launcher.OK, exit, err.toString(StandardCharsets.UTF_8));
        try (Stream<Path> folders = Files.list(dir.resolve("compare"))) {
            List<Path> written = folders.toList();
            assertEquals(1, written.size());
            assertTrue(written.getFirst().getFileName().toString().matches("\\d{8}-\\d{6}"));
            assertTrue(Files.isRegularFile(written.getFirst().resolve("compare.html")));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(written.getFirst().resolve("compare.html")
                    .toAbsolutePath().toString()), "the paths are printed");
        }
    }

    @Test
    void compareOutNamesTheFolderAndABadListIsAnError() throws IOException {
        List<Path> runs = ComparedRuns.runs();
        Path chosen = dir.resolve("mine");
        assertEquals(Launcher.OK, compare(Map.of("compare", runs.get(0) + "," + runs.get(2), "compare.out",
                chosen.toString())));
        assertTrue(Files.isRegularFile(chosen.resolve("compare.md")));

        Path nowhere = dir.resolve("nowhere");
        assertEquals(Launcher.INVALID_EXPERIMENT, compare(Map.of("compare", "[" + runs.get(0) + "]",
                "compare.out", nowhere.toString())));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("at least two run folders"));
        assertFalse(Files.exists(nowhere));
    }
}

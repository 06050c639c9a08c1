package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExperimentLoaderTest {

    @TempDir
    Path dir;

    private final ExperimentLoader loader = new ExperimentLoader(getClass().getClassLoader());

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsReference() throws IOException {
        Path file = write("count { up-to = 5, label = from-file }");
        Experiment experiment = loader.load(file,
                Map.of("count.up-to", "7", "java.home", "/jdk", "user.name", "me"),
                Map.of("LAYERSCOPE_COUNT_UP__TO", "6", "LAYERSCOPE_COUNT_LABEL", "from-env"),
                Set.of("count"));
        assertEquals("7", experiment.config().getString("count.up-to"));
        assertEquals("from-env", experiment.config().getString("count.label"));
        assertEquals(0.5, experiment.config().getDouble("count.rate"), "reference.conf supplies the rest");
        assertTrue(!experiment.config().hasPath("java"), "the JVM's own properties are not taken as overrides");
        assertEquals(List.of("-Dcount.up-to=7", "LAYERSCOPE_COUNT_LABEL=from-env", "LAYERSCOPE_COUNT_UP__TO=6"),
                experiment.overrides(), "the applied overrides are recorded for the run");
    }

    @Test
    void listOverridesAreParsedAsHoconAndPathsStayStrings() throws IOException {
        Experiment experiment = loader.load(write(""),
                Map.of("pipeline", "[load, train]", "runs.dir", "//tmp/runs"), Map.of(), Set.of("pipeline", "runs"));
        assertEquals(List.of("load", "train"), experiment.config().getStringList("pipeline"));
        assertEquals("//tmp/runs", experiment.config().getString("runs.dir"));
    }

    @Test
    void theNameDefaultsToTheFileName() throws IOException {
        Path file = dir.resolve("my-experiment.conf");
        Files.writeString(file, "");
        assertEquals("my-experiment", loader.load(file, Map.of(), Map.of(), Set.of()).name());
        Files.writeString(file, "name = named");
        assertEquals("named", loader.load(file, Map.of(), Map.of(), Set.of()).name());
    }

    @Test
    void aMissingFileIsNotAnExperiment() {
        assertThrows(NoSuchFileException.class,
                () -> loader.load(dir.resolve("nope.conf"), Map.of(), Map.of(), Set.of()));
    }

    @Test
    void aSyntaxErrorNamesTheFileAndLine() throws IOException {
        Path file = write("count {\n  up-to = 3\n  label = [unclosed\n");
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> loader.load(file, Map.of(), Map.of(), Set.of()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"DATA_DIR, data.dir", "DATA_LIMIT__PER__CLASS, data.limit-per-class", "A___B, a_b"})
    void environmentVariableNamesMapToKeys(String variable, String key) {
        assertEquals(key, ExperimentLoader.envKey(variable));
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("experiment.conf");
        Files.writeString(file, text);
        return file;
    }
}

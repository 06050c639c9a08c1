package dev.layerscope.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.kernel.fixtures.FixtureModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data set's identity (name, files and checksums, class names, download address) is one block: an experiment
 * chooses a known set or states a whole one of its own, and never keeps part of Fashion-MNIST's by leaving it out.
 * Run through the launcher, as {@code mvn exec:java} does.
 */
class DataIdentityTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private final SmallIdxSet small = new SmallIdxSet(4, 4, 3, 6, 2, true);

    @Test
    void anotherFolderAndClassNamesWithoutTheRestOfTheIdentityAreRejected() throws IOException {
        Path experiment = loadFrom(small.writeTo(dir.resolve("letters")), "class-names = [a, b, c]");
        String output = launch(experiment, Launcher.INVALID_EXPERIMENT);
        assertTrue(output.contains(experiment + ":4: data.class-names: is stated, but not data.name, data.files:"),
                output);
        assertTrue(output.contains("none of Fashion-MNIST's is kept for the keys left out")
                && output.contains("data.set = fashion-mnist | mnist"), output);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @Test
    void aKnownSetAndAnIdentityOfOnesOwnAreRejectedTogether() throws IOException {
        Path experiment = write("""
                pipeline = [load]
                data.set = mnist
                data.name = Letters
                """);
        String output = launch(experiment, Launcher.INVALID_EXPERIMENT);
        assertTrue(output.contains(experiment + ":2: data.set: `mnist` chooses MNIST's name, files, class names and"
                + " download address, but data.name is stated too"), output);
    }

    @Test
    void anUnknownSetNamesTheKnownOnes() throws IOException {
        String output = launch(write("pipeline = [load]\ndata.set = kmnist\n"), Launcher.INVALID_EXPERIMENT);
        assertTrue(output.contains("data.set: expected one of fashion-mnist, mnist"), output);
    }

    @Test
    void aWholeIdentityOfOnesOwnIsLoadedUnderItsOwnName() throws IOException {
        Path data = small.writeTo(dir.resolve("letters"));
        Path experiment = loadFrom(data, letters(DataFiles.md5(data.resolve(small.name(0)))));
        launch(experiment, Launcher.OK);
        Path load = onlyRunFolder().resolve("load");
        String summary = Files.readString(load.resolve("summary.txt"));
        assertTrue(summary.startsWith("Letters from " + data), summary);
        assertFalse(summary.contains("Fashion"), summary);
        Config json = ConfigFactory.parseFile(load.resolve("dataset.json").toFile());
        assertEquals("Letters", json.getString("name"));
        assertEquals(List.of("a", "b", "c"), json.getStringList("class-names"));
    }

    @Test
    void aMissingFileOfASetWithoutAddressIsNotFetchedFromFashionMnists() throws IOException {
        Path data = small.writeTo(dir.resolve("letters"));
        Files.delete(data.resolve(small.name(3)));
        Path experiment = loadFrom(data, letters("null"));
        launch(experiment, Launcher.STAGE_FAILED);
        String error = stageError();
        assertTrue(error.startsWith("Letters is not complete in " + data + " and it has no download address"
                + " (data.download.base-url)"), error);
        assertFalse(error.contains("fashion-mnist") || error.contains("Fashion-MNIST"), error);
    }

    @Test
    void fashionMnistIsNotDownloadedIntoAFolderOfAnotherDataSet() throws IOException {
        Path data = dir.resolve("kuzushiji");
        Files.createDirectories(data);
        Files.writeString(data.resolve("k49-train-imgs-idx3-ubyte.gz"), "not read");
        Path experiment = write("""
                pipeline = [load]
                data.dir = "%s"
                data.download.base-url = "http://127.0.0.1:9/"
                """.formatted(data));
        launch(experiment, Launcher.STAGE_FAILED);
        String error = stageError();
        assertTrue(error.startsWith("Fashion-MNIST is not complete in " + data + " and the folder holds IDX files of"
                + " another data set (k49-train-imgs-idx3-ubyte.gz), so nothing is downloaded into it"), error);
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(1, files.count(), "nothing was written into the folder");
        }
    }

    /** An experiment that loads from {@code data} with {@code keys} in its {@code data} section beside dir. */
    private Path loadFrom(Path data, String keys) throws IOException {
        return write("pipeline = [load]\ndata {\n  dir = \"" + data + "\"\n" + keys.indent(2) + "}\n");
    }

    /** The whole identity of the small set, called Letters: no download address, the first file's md5 only. */
    private String letters(String firstMd5) {
        return """
                name = Letters
                files {
                  train-images { name = %s, md5 = %s }
                  train-labels { name = %s, md5 = null }
                  test-images { name = %s, md5 = null }
                  test-labels { name = %s, md5 = null }
                }
                class-names = [a, b, c]
                """.formatted(small.name(0), firstMd5, small.name(1), small.name(2), small.name(3));
    }

    private Path write(String experiment) throws IOException {
        Path file = dir.resolve("experiment.conf");
        Files.writeString(file, experiment);
        return file;
    }

    private String launch(Path experiment, int expectedExit) {
        Map<String, String> properties = new HashMap<>();
        properties.put(Launcher.EXPERIMENT_PROPERTY, experiment.toString());
        properties.put("runs.dir", dir.resolve("runs").toString());
        int exit = new Launcher(FixtureModule.modules()).run(properties, Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        String output = errors.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, output);
        return output;
    }

    private Path onlyRunFolder() throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("runs/experiment"))) {
            return runs.findFirst().orElseThrow();
        }
    }

    private String stageError() throws IOException {
        Config json = ConfigFactory.parseFile(onlyRunFolder().resolve("run.json").toFile());
        assertEquals("failed", json.getString("status"));
        return json.getConfigList("stages").get(0).getString("error");
    }
}

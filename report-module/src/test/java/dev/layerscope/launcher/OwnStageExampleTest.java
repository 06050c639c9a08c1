package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of a researcher's own stage, {@code examples/pixel-mean}, as its README has a user run it: compiled
 * against LayerScope's classes into {@code classes/} beside its experiment, which names that folder and the stage's
 * {@code resources/} in {@code classpath}. The example is copied to a temporary folder first, so that the
 * repository stays as it was.
 */
class OwnStageExampleTest {

    private static final Path EXAMPLE = Path.of("../examples/pixel-mean");
    private static final String STAGE = "com.example.PixelMeanStage";

    @TempDir
    Path dir;

    private Path example;
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    @BeforeEach
    void compileTheExampleAsTheReadmeSays() throws IOException {
        example = dir.resolve("pixel-mean");
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path file : files.toList()) {
                Path relative = EXAMPLE.relativize(file);
                Path target = example.resolve(relative.toString());
                if (relative.startsWith("classes")) {
                    continue; // compiled by hand here, perhaps
                }
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        List<String> sources;
        try (Stream<Path> files = Files.walk(example.resolve("src"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        // ./mvnw -q compile exec:java -Djavac-args=..., with the tests' classpath for the one exec:java has
        Path javacArgs = dir.resolve("target/layerscope.args");
        Main.writeJavacArgs(javacArgs, System.getProperty("java.class.path"));
        // javac @target/layerscope.args -d examples/pixel-mean/classes examples/pixel-mean/src/...
        List<String> arguments = new ArrayList<>(List.of("-proc:none", "@" + javacArgs, "-d",
                example.resolve("classes").toString()));
        arguments.addAll(sources);
        int exit = javac.run(null, output, output, arguments.toArray(String[]::new));
        assertEquals(0, exit, "the example does not compile:\n" + output.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theExampleRunsAfterTheSyntheticStageWithItsExperimentsSettings() throws IOException {
        assertEquals(Launcher.OK, launch(example.resolve("pixel-mean.conf"), Map.of()), output());
        Path run = onlyRunFolder("pixel-mean");
        List<String> csv = Files.readAllLines(run.resolve(STAGE).resolve("pixel-mean.csv"));
        assertEquals("class,images,mean-pixel", csv.get(0));
        assertEquals(List.of("bar-0", "bar-1", "bar-2", "bar-3"), csv.stream().skip(1).map(l -> l.split(",")[0])
                .toList(), "one line per class of the synthetic data");
        for (String line : csv.subList(1, csv.size())) {
            // a bar of about 227 over noise of about 27, 8 x 8 pixels: (8 * 227.5 + 56 * 27.5) / 64 / 255
            assertEquals(0.206, Double.parseDouble(line.split(",")[2]), 0.01, line);
        }
        Config stage = stage(run, STAGE);
        assertEquals(100, stage.getInt("metrics.images"), "the experiment's pixel-mean.sample");
        assertEquals(100, csv.stream().skip(1).mapToInt(l -> Integer.parseInt(l.split(",")[1])).sum());
    }

    @Test
    void theStagesReferenceConfGivesItsDefaults() throws IOException {
        Path experiment = write("own.conf", """
                classpath = [pixel-mean/classes, pixel-mean/resources]
                pipeline = [synthetic, com.example.PixelMeanStage]
                """);
        assertEquals(Launcher.OK, launch(experiment, Map.of()), output());
        // reference.conf's sample = 1000 is more than the 192 training images of the synthetic data
        assertEquals(192, stage(onlyRunFolder("own"), STAGE).getInt("metrics.images"));
    }

    @Test
    void aSettingTheStageNeedsIsMissingSaysWhereToPutIt() throws IOException {
        Path experiment = write("own.conf", """
                classpath = [pixel-mean/classes]
                pipeline = [synthetic, com.example.PixelMeanStage]
                """);
        assertEquals(Launcher.INVALID_EXPERIMENT, launch(experiment, Map.of()));
        assertTrue(output().contains("The experiment " + experiment + " has 1 problem; nothing was run:\n  - "
                + experiment + ": pixel-mean.sample: is missing; expected a whole number (add `pixel-mean.sample"
                + " = ...` to the experiment, or a default to the reference.conf beside the stage's classes)"),
                output());
    }

    @Test
    void aClasspathEntryThatIsNotThereIsNamedWithItsFileAndLine() throws IOException {
        Path experiment = write("own.conf", """
                pipeline = [synthetic, com.example.PixelMeanStage]
                classpath = [pixel-mean/classes, pixel-mean/clases]
                """);
        assertEquals(Launcher.INVALID_EXPERIMENT, launch(experiment, Map.of()));
        assertTrue(output().contains(experiment + ":2: classpath[1]: `pixel-mean/clases` is not there (no "
                + dir.resolve("pixel-mean/clases") + "); name a jar or a folder of compiled classes. A relative path"
                + " starts at " + dir + ", the folder of " + experiment), output());
    }

    @Test
    void withoutTheClasspathTheStageIsNotFoundAndTheMessageSaysWhatToDo() throws IOException {
        assertEquals(Launcher.INVALID_EXPERIMENT, launch(example.resolve("pixel-mean.conf"),
                Map.of("classpath", "[]")));
        assertTrue(output().contains("pipeline[1]: no class com.example.PixelMeanStage on the classpath: name the"
                + " jar or the folder of compiled classes that holds it in the experiment's `classpath = [...]`"),
                output());
    }

    @Test
    void theRunsOwnJvmGetsTheClasspathToo() throws IOException, InterruptedException {
        Map<String, String> properties = new HashMap<>();
        properties.put(Launcher.EXPERIMENT_PROPERTY, example.resolve("pixel-mean.conf").toString());
        properties.put("runs.dir", dir.resolve("runs").toString());
        properties.put("runtime.heap", "512m");
        int exit = new Launcher(Main.STAGE_MODULES).runForked(properties, Map.of(), errorStream(),
                Main.class.getName(), System.getProperty("java.class.path"));
        assertEquals(Launcher.OK, exit, output());
        assertEquals(100, stage(onlyRunFolder("pixel-mean"), STAGE).getInt("metrics.images"));
    }

    private int launch(Path experiment, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, experiment.toString());
        properties.put("runs.dir", dir.resolve("runs").toString());
        return new Launcher(Main.STAGE_MODULES).run(properties, Map.of(), errorStream());
    }

    private PrintStream errorStream() {
        return new PrintStream(errors, true, StandardCharsets.UTF_8);
    }

    private String output() {
        return errors.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path onlyRunFolder(String experiment) throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("runs").resolve(experiment))) {
            List<Path> found = runs.toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }

    private static Config stage(Path run, String name) {
        Config json = ConfigFactory.parseFile(run.resolve("run.json").toFile());
        assertEquals("succeeded", json.getString("status"));
        return json.getConfigList("stages").stream().filter(s -> s.getString("name").equals(name)).findFirst()
                .orElseThrow();
    }
}

package dev.layerscope.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.AnalysisTestModules;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Launcher;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The attribution stage in real pipelines on the synthetic data (four classes of 8x8 images, 15 test images a
 * class) after a real (tiny) train stage and the hardneg stage.
 */
class AttributionStageTest {

    private static final String MLP = """
            pipeline = [synthetic, train, hardneg, attribution]
            model {
              layers = [{ type = dense, units = 6 }, { type = dropout, rate = 0.2 }, { type = output }]
              epochs = 1
              batch-size = 16
              bottleneck.per-class = 2
            }
            hardneg { per-class = 3, image-scale = 2 }
            attribution { correct-per-class = 2, steps = 20, image-scale = 2, sanity.images = 5 }
            """;

    @TempDir
    Path dir;

    @Test
    void writesEveryMapOfEveryHardNegativeAndTheSanityCheck() throws IOException {
        Path run = run(MLP);
        Path out = run.resolve("attribution");
        List<String[]> ranked = Files.readAllLines(run.resolve("hardneg/hard_negatives.csv")).stream().skip(1)
                .map(line -> line.split(",")).filter(f -> f[0].equals("hard-negatives")
                        || f[0].equals("most-confident-correct") && Integer.parseInt(f[2]) <= 2).toList();
        Set<String> expected = ranked.stream().map(f -> f[0] + "-" + f[3]).collect(Collectors.toSet());
        int n = ranked.size();
        assertTrue(n >= 8, "two correct images of each of the four classes at least");

        Npy.Floats maps = Npy.readFloats(out.resolve("maps.npy"));
        assertArrayEquals(new long[] {n, 2, 8, 8}, maps.shape());
        List<String> table = Files.readAllLines(out.resolve("maps.csv"));
        assertEquals("row,kind,test_index,true_class,predicted_class,target_class,method,completeness_error,image",
                table.get(0));
        assertEquals(2 * n, table.size() - 1);
        Set<String> mapped = table.stream().skip(1).map(line -> line.split(","))
                .map(f -> f[1] + "-" + f[2]).collect(Collectors.toSet());
        assertEquals(expected, mapped, "every hard negative and the two most confident correct of each class");
        for (String line : table.subList(1, table.size())) {
            String[] f = line.split(",");
            assertEquals(f[4], f[5], "the target is the predicted class by default");
            assertEquals(f[1] + "-" + f[2] + "-" + f[6] + ".png", f[8]);
            BufferedImage png = ImageIO.read(out.resolve(f[8]).toFile());
            assertEquals(List.of(16, 16), List.of(png.getWidth(), png.getHeight()), f[8]);
            if (f[6].equals("integrated-gradients")) {
                assertTrue(Double.parseDouble(f[7]) < 0.1, "20 steps on a tiny network: " + line);
            } else {
                assertEquals("saliency", f[6]);
                assertEquals(8, f.length - 1, "no completeness error for saliency: " + line);
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(2L * n, files.filter(file -> file.toString().endsWith(".png")).count());
        }

        List<String> sanity = Files.readAllLines(out.resolve("sanity.csv"));
        assertEquals(List.of("method,layers_randomised,layer,mean_spearman,flagged"), sanity.subList(0, 1));
        assertEquals(List.of("saliency,1,output", "saliency,2,dense1", "integrated-gradients,1,output",
                "integrated-gradients,2,dense1"), sanity.stream().skip(1)
                .map(line -> String.join(",", List.of(line.split(",")).subList(0, 3))).toList());

        Config metrics = stage(run, "attribution").getConfig("metrics");
        assertEquals(n, metrics.getInt("images"));
        assertEquals(List.of("saliency", "integrated-gradients"), metrics.getStringList("methods"));
        assertEquals("not made: the network has no convolution layer", metrics.getString("grad-cam"));
        assertEquals(5, metrics.getInt("sanity-images"));
        assertTrue(Files.readString(out.resolve("attribution.json")).contains("no convolution layer"));

        Path second = run(MLP);
        Config stage = stage(second, "attribution");
        assertEquals("reused", stage.getString("status"));
        for (String file : List.of("maps.csv", "sanity.csv")) {
            assertEquals(Files.readString(out.resolve(file)), Files.readString(second.resolve("attribution/" + file)),
                    file);
        }
    }

    @Test
    void aConvolutionalNetworkGetsGradCamToo() throws IOException {
        Path run = run("""
                pipeline = [synthetic, train, hardneg, attribution]
                model {
                  layers = [{ type = conv2d, filters = 3, kernel = 3 }, { type = maxpool, size = 2 }, { type = output }]
                  epochs = 1
                  batch-size = 16
                  bottleneck.per-class = 2
                }
                hardneg { per-class = 2, image-scale = 1 }
                attribution { image-scale = 1, sanity.images = 3, target = true }
                """);
        Path out = run.resolve("attribution");
        Npy.Floats maps = Npy.readFloats(out.resolve("maps.npy"));
        assertEquals(3, maps.shape()[1]);
        int size = 8 * 8;
        for (int image = 0; image < maps.shape()[0]; image++) {
            for (int p = 0; p < size; p++) {
                assertTrue(maps.values()[(image * 3 + 2) * size + p] >= 0, "Grad-CAM is clipped at zero");
            }
        }
        List<String> table = Files.readAllLines(out.resolve("maps.csv"));
        assertTrue(table.stream().skip(1).allMatch(line -> line.split(",")[3].equals(line.split(",")[5])),
                "target = true explains the true class");
        assertEquals(List.of("saliency", "integrated-gradients", "grad-cam"),
                stage(run, "attribution").getStringList("metrics.methods"));
        assertEquals(1 + 3 * 2, Files.readAllLines(out.resolve("sanity.csv")).size(),
                "three methods, two layers with parameters (conv1 and output)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "methods = [saliency, grad-cam] | attribution.methods: grad-cam needs a convolution layer",
            "steps = 0                      | attribution.steps: 0 is out of range",
            "correct-per-class = -1         | attribution.correct-per-class: -1 is out of range",
            "methods = [saliency, saliency] | attribution.methods: names a method twice",
            "methods = [salience]           | attribution.methods[0]: expected one of saliency, integrated-gradients"})
    void badSettingsAreRejectedBeforeAnythingRuns(String setting, String message) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.INVALID_EXPERIMENT, AnalysisTestModules.launch(dir, MLP + "attribution." + setting,
                errors));
        String text = errors.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(message), text);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    private Path run(String experiment) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, AnalysisTestModules.launch(dir, experiment, errors),
                errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(dir.resolve("runs/tiny"))) {
            return runs.sorted().toList().getLast();
        }
    }

    private static Config stage(Path run, String name) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(entry -> entry.getString("name").equals(name)).findFirst().orElseThrow();
    }
}

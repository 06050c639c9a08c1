package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a small CNN on synthetic 8x8 images has the inside panel: DL4J's feature maps of every hard negative
 * in report/inside/ and, in the page, each hard negative clickable by its test index; an MLP's report has neither.
 * Also the validation grid: one epoch trained, so a figure of epoch 1 alone.
 */
class InsideReportTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, hardneg, capture, reduce, knn, validation-grid, report]
            synthetic { classes = 3, per-class = 40, rows = 8, cols = 8 }
            model {
              layers = [{ type = conv2d, filters = 3 }, { type = maxpool }, { type = dense, units = 8 },
                        { type = output }]
              epochs = 1
              batch-size = 16
              # barely trained, so that there are mistakes to mine
              updater.learning-rate = 0.0001
            }
            capture.epochs.images = 0
            reduce.methods = [pca]
            validation-grid.images = 20
            hardneg.per-class = 2
            """;

    @TempDir
    Path folder;

    @Test
    void aCnnsReportHoldsTheInsidePanelAndDl4jsMapsOfItsHardNegatives() throws IOException {
        Path run = launch(Map.of());
        int[] indices = Npy.readInts(run.resolve("report/inside/test-index.npy")).values();
        assertTrue(indices.length > 0 && indices.length <= 3 * 2, Arrays.toString(indices));
        Npy.Floats conv1 = Npy.readFloats(run.resolve("report/inside/conv1.npy"));
        assertArrayEquals(new long[] {indices.length, 3, 6, 6}, conv1.shape());
        assertArrayEquals(new long[] {indices.length, 3, 3, 3},
                Npy.readFloats(run.resolve("report/inside/pool1.npy")).shape());
        String html = Files.readString(run.resolve("report/report.html"));
        assertTrue(html.contains("<section id=\"inside\""), "the panel");
        for (int index : indices) {
            assertTrue(html.contains("data-test-index=\"" + index + "\""), "hard negative " + index + " clickable");
        }
        assertTrue(Files.isRegularFile(run.resolve("report/figures/validation-epoch-1.png")), "one epoch: 1 alone");
        assertTrue(Files.readString(run.resolve("report/report.md")).contains("## Predictions on validation images"));
    }

    @Test
    void anMlpsReportHasNoInsidePanel() throws IOException {
        Path run = launch(Map.of("model.layers", "[{ type = dense, units = 8 }, { type = output }]"));
        assertFalse(Files.exists(run.resolve("report/inside")));
        assertFalse(Files.readString(run.resolve("report/report.html")).contains("<section id=\"inside\""));
    }

    private Path launch(Map<String, String> overrides) throws IOException {
        Path file = folder.resolve("tiny.conf");
        Files.writeString(file, "runs.dir = \"" + folder.resolve("runs") + "\"\n" + EXPERIMENT);
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, file.toString());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = new Launcher(Main.STAGE_MODULES).run(properties, Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        assertEquals(Launcher.OK, exit, errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(folder.resolve("runs/tiny"))) {
            return runs.filter(dir -> Files.exists(dir.resolve("run.json"))).findFirst().orElseThrow();
        }
    }
}

package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfusionHeatmapTest {

    private static final Color DARK = new Color(0x08306B);

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 12})
    void drawsTheMatrixWithItsCounts(int classes) throws IOException {
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < classes; i++) {
            for (int j = 0; j < classes; j++) {
                counts[i][j] = i == j ? 900 + 10L * i : (i + 2 * j) % 7;
            }
        }
        List<String> names = IntStream.range(0, classes).mapToObj(c -> "class " + c).toList();
        BufferedImage image = Pictures.written(ConfusionHeatmap.of(counts, names), "confusion-" + classes,
                ConfusionHeatmap.SIZE, ConfusionHeatmap.SIZE);
        // the diagonal is the darkest blue, and white counts are written on it
        int dark = Pictures.count(image, DARK, 40, 0, 0, image.getWidth(), image.getHeight());
        assertTrue(dark > classes * 500, "only " + dark + " dark-blue pixels for " + classes + " diagonal cells");
        int text = whiteBetweenDark(image);
        assertTrue(text > classes * 10, "only " + text + " white pixels of text inside dark cells");
    }

    /** White pixels with dark blue within a few pixels on both sides: text in a dark cell, not the background. */
    private static int whiteBetweenDark(BufferedImage image) {
        int reach = 12;
        int found = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = reach; x < image.getWidth() - reach; x++) {
                if (Pictures.distance(new Color(image.getRGB(x, y)), Color.WHITE) <= 30
                        && Pictures.count(image, DARK, 40, x - reach, y, x, y + 1) > 0
                        && Pictures.count(image, DARK, 40, x + 1, y, x + reach + 1, y + 1) > 0) {
                    found++;
                }
            }
        }
        return found;
    }
}

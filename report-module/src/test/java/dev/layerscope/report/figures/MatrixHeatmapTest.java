package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MatrixHeatmapTest {

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
        BufferedImage image = Pictures.written(MatrixHeatmap.confusion(counts, names), "confusion-" + classes,
                MatrixHeatmap.SIZE, MatrixHeatmap.SIZE);
        // the diagonal is the darkest blue, and white counts are written on it
        int dark = Pictures.count(image, DARK, 40, 0, 0, image.getWidth(), image.getHeight());
        assertTrue(dark > classes * 500, "only " + dark + " dark-blue pixels for " + classes + " diagonal cells");
        int text = whiteBetweenDark(image);
        assertTrue(text > classes * 10, "only " + text + " white pixels of text inside dark cells");
    }

    /**
     * A similarity matrix keeps the scale 0 to 1 whatever its values: a matrix of values near 0.5 has no dark
     * cell (smile alone would shade its largest value darkest), one with ones on its diagonal has them dark, with
     * their values written.
     */
    @Test
    void aSimilarityMatrixIsShadedOnTheFixedScaleZeroToOne() throws IOException {
        List<String> layers = List.of("input", "dense1", "dense2");
        double[][] near = {{0.55, 0.5, 0.52}, {0.5, 0.6, 0.51}, {0.52, 0.51, 0.58}};
        double[][] identity = {{1, 0.2, 0.1}, {0.2, 1, 0.3}, {0.1, 0.3, 1}};
        BufferedImage middling = Pictures.written(MatrixHeatmap.similarity(near, layers, layers, "CKA", "layer",
                "layer"), "similarity-near", MatrixHeatmap.SIZE, MatrixHeatmap.SIZE);
        BufferedImage diagonal = Pictures.written(MatrixHeatmap.similarity(identity, layers, layers, "CKA", "layer",
                "layer"), "similarity-identity", MatrixHeatmap.SIZE, MatrixHeatmap.SIZE);
        int darkMiddling = Pictures.count(middling, DARK, 40, 0, 0, middling.getWidth(), middling.getHeight());
        int darkDiagonal = Pictures.count(diagonal, DARK, 40, 0, 0, diagonal.getWidth(), diagonal.getHeight());
        assertTrue(darkMiddling < 200, darkMiddling + " dark-blue pixels for values near 0.5");
        assertTrue(darkDiagonal > 3 * 500, "only " + darkDiagonal + " dark-blue pixels for a diagonal of ones");
        assertTrue(whiteBetweenDark(diagonal) > 3 * 10, "no values written in the dark cells");
        assertThrows(IllegalArgumentException.class, () -> MatrixHeatmap.similarity(near, List.of("a"), layers,
                "CKA", "layer", "layer"));
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

package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.capture.Activations;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.reduce.Embeddings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddingGridTest {

    /** Class c's points gather around ({@code 10 * (c % 2)}, {@code 10 * (c / 2)}): class 0 bottom left, 1 bottom right. */
    static Embeddings.Embedding map(String input, int classes, int perClass, long seed) {
        Random random = new Random(seed);
        int n = classes * perClass;
        FloatMatrix train = FloatMatrix.zeros(n, 2);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            train.set(i, 0, (float) (10 * (labels[i] % 2) + random.nextGaussian()));
            train.set(i, 1, (float) (10 * (labels[i] / 2) + random.nextGaussian()));
        }
        Activations.SplitRows rows = new Activations.SplitRows(labels, IntStream.range(0, n).toArray());
        return new Embeddings.Embedding(input, "pca", "transform", train, train, rows, rows, Map.of(), Map.of());
    }

    static List<String> names(int classes) {
        return IntStream.range(0, classes).mapToObj(c -> "class " + c).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void drawsATrainAndTestPanelPerInput(int classes) throws IOException {
        List<Embeddings.Embedding> maps = List.of(map("input", classes, 60, 1), map("dense1", classes, 60, 2));
        BufferedImage image = EmbeddingGrid.of("pca", maps, names(classes), Map.of("dense1", 0.912));
        Pictures.written(image, "embedding-grid-" + classes, image.getWidth(),
                EmbeddingGrid.HEADER + 2 * EmbeddingGrid.PANEL);
        assertTrue(image.getWidth() > 2 * EmbeddingGrid.PANEL, "no room for the legend");
    }

    @Test
    void pointsAndLegendCarryTheirClassColours() throws IOException {
        int classes = 4;
        BufferedImage image = EmbeddingGrid.of("pca", List.of(map("dense2", classes, 80, 3)), names(classes),
                Map.of());
        Pictures.written(image, "embedding-grid-colours", image.getWidth(), image.getHeight());
        // the training panel: class 0 gathers in its lower left quarter, class 1 in its lower right
        int half = EmbeddingGrid.PANEL / 2;
        int top = EmbeddingGrid.HEADER + half;
        int bottom = EmbeddingGrid.HEADER + EmbeddingGrid.PANEL;
        for (int c = 0; c < 2; c++) {
            // a lone point's centre: the class colour at the markers' alpha over the white background
            var colour = Figures.mix(java.awt.Color.WHITE, Figures.classColor(c), EmbeddingGrid.ALPHA / 255.0);
            int inLeft = Pictures.count(image, colour, 30, 0, top, half, bottom);
            int inRight = Pictures.count(image, colour, 30, half, top, EmbeddingGrid.PANEL, bottom);
            int here = c == 0 ? inLeft : inRight;
            int there = c == 0 ? inRight : inLeft;
            assertTrue(here > 50 && there == 0, "class " + c + ": " + inLeft + " pixels of its colour on the left, "
                    + inRight + " on the right");
        }
        // the legend, right of the panels, shows every class's swatch in class order, each with its name beside it
        int previous = -1;
        for (int c = 0; c < classes; c++) {
            int row = firstRowWith(image, Figures.classColor(c), 2 * EmbeddingGrid.PANEL);
            assertTrue(row > previous, "legend swatch of class " + c + " at row " + row + ", after " + previous);
            int text = Pictures.count(image, java.awt.Color.BLACK, 150, 2 * EmbeddingGrid.PANEL + 30, row,
                    image.getWidth(), row + 12);
            assertTrue(text > 10, "no name beside the swatch of class " + c);
            previous = row;
        }
    }

    /** The first row holding a pixel of exactly {@code colour} at or right of {@code left}, or -1. */
    private static int firstRowWith(BufferedImage image, java.awt.Color colour, int left) {
        for (int y = 0; y < image.getHeight(); y++) {
            if (Pictures.count(image, colour, 0, left, y, image.getWidth(), y + 1) > 0) {
                return y;
            }
        }
        return -1;
    }
}

package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.layerscope.data.ImageSet;
import dev.layerscope.validation.ValidationGrid;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three 4x4 images, white, grey and black; the network of epoch 2 gets the second one wrong, that of epoch 1 none:
 * only the second tile of epoch 2 is framed in red, and each tile shows its own image.
 */
class ValidationGridFigureTest {

    private static final int SCALE = 5;
    private static final int SIDE = 4 * SCALE;

    @Test
    void onlyTheWrongPredictionIsFramedAndEachTileShowsItsImage() {
        byte[] pixels = new byte[3 * 16];
        Arrays.fill(pixels, 0, 16, (byte) 255);
        Arrays.fill(pixels, 16, 32, (byte) 128);
        ImageSet images = new ImageSet(4, 4, pixels, new int[] {0, 1, 0});
        // the sample is images 2, 0 and 1 of the file, in that order
        ValidationGrid grid = new ValidationGrid(List.of(1, 2), 2, new int[] {0, 1, 2}, new int[] {2, 0, 1},
                new int[] {0, 0, 1}, new int[][] {{0, 0, 1}, {0, 1, 1}},
                new float[][] {{0.9f, 0.8f, 0.7f}, {0.9f, 0.6f, 0.7f}});
        List<String> names = List.of("zero", "one");

        BufferedImage second = ValidationGridFigure.of(grid, 1, images, names, SCALE);
        BufferedImage first = ValidationGridFigure.of(grid, 0, images, names, SCALE);
        for (int i = 0; i < 3; i++) {
            int[] corner = ValidationGridFigure.imageCorner(i, SIDE, SIDE);
            int frameX = corner[0] - 2;
            int frameY = corner[1] + SIDE / 2;
            int expectedFrame = i == 1 ? ValidationGridFigure.WRONG.getRGB() : 0xFFFFFFFF;
            assertEquals(expectedFrame, second.getRGB(frameX, frameY), "epoch 2, tile " + i);
            assertNotEquals(ValidationGridFigure.WRONG.getRGB(), first.getRGB(frameX, frameY), "epoch 1, tile " + i);
            int grey = new int[] {0, 255, 128}[i];
            int centre = second.getRGB(corner[0] + SIDE / 2, corner[1] + SIDE / 2);
            assertEquals(grey, centre & 0xFF, "tile " + i + " shows image " + grid.sourceIndex()[i]);
        }
    }
}

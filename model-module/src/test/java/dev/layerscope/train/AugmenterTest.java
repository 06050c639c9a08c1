package dev.layerscope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random shifts and flips of training images. */
class AugmenterTest {

    private static final int ROWS = 5;
    private static final int COLS = 7;

    @Test
    void withoutShiftOrFlipNothingChanges() {
        Augmenter augmenter = new Augmenter(new ModelSettings.Augment(0, false), ROWS, COLS, 1);
        assertFalse(augmenter.active());
        float[] image = ramp();
        float[] out = new float[image.length];
        augmenter.apply(image, out, 0);
        assertArrayEquals(image, out);
    }

    @Test
    void aShiftMovesTheImageByAtMostShiftPixelsAndFillsTheBorderWithBlack() {
        Augmenter augmenter = new Augmenter(new ModelSettings.Augment(2, false), ROWS, COLS, 1);
        assertTrue(augmenter.active());
        Set<String> moves = new HashSet<>();
        for (int trial = 0; trial < 400; trial++) {
            float[] image = new float[ROWS * COLS];
            image[2 * COLS + 3] = 1; // one bright pixel in the middle
            float[] out = new float[image.length];
            augmenter.apply(image, out, 0);
            int at = indexOfOne(out);
            int dy = at / COLS - 2;
            int dx = at % COLS - 3;
            assertTrue(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, "moved by " + dy + "," + dx);
            moves.add(dy + "," + dx);
        }
        assertEquals(25, moves.size(), "every move from -2 to 2 in both directions occurs");

        float[] edge = new float[ROWS * COLS];
        Arrays.fill(edge, 1);
        float[] out = new float[edge.length];
        int blank = 0;
        for (int trial = 0; trial < 50; trial++) {
            augmenter.apply(edge, out, 0);
            for (float value : out) {
                blank += value == 0 ? 1 : 0;
            }
        }
        assertTrue(blank > 0, "pixels moved in from outside the image are black");
    }

    @Test
    void aFlipMirrorsLeftRightAboutHalfTheTime() {
        Augmenter augmenter = new Augmenter(new ModelSettings.Augment(0, true), ROWS, COLS, 1);
        float[] image = ramp();
        float[] mirrored = new float[image.length];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                mirrored[r * COLS + c] = image[r * COLS + COLS - 1 - c];
            }
        }
        int flips = 0;
        for (int trial = 0; trial < 1000; trial++) {
            float[] out = new float[image.length];
            augmenter.apply(image, out, 0);
            boolean flipped = Arrays.equals(out, mirrored);
            assertTrue(flipped || Arrays.equals(out, image), "either unchanged or mirrored");
            flips += flipped ? 1 : 0;
        }
        assertTrue(flips > 400 && flips < 600, flips + " of 1000 mirrored");
    }

    @Test
    void theSameSeedDrawsTheSameChanges() {
        float[] image = ramp();
        float[] a = new float[image.length * 20];
        float[] b = new float[image.length * 20];
        Augmenter first = new Augmenter(new ModelSettings.Augment(2, true), ROWS, COLS, 9);
        Augmenter second = new Augmenter(new ModelSettings.Augment(2, true), ROWS, COLS, 9);
        for (int i = 0; i < 20; i++) {
            first.apply(image, a, i * image.length);
            second.apply(image, b, i * image.length);
        }
        assertArrayEquals(a, b);
    }

    private static float[] ramp() {
        float[] image = new float[ROWS * COLS];
        for (int i = 0; i < image.length; i++) {
            image[i] = (i + 1) / (float) image.length;
        }
        return image;
    }

    private static int indexOfOne(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == 1) {
                return i;
            }
        }
        throw new AssertionError("the bright pixel left the image");
    }
}

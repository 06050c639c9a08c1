package dev.layerscope.train;

import dev.layerscope.data.Split;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Data augmentation of training images: each image of each batch is moved by a random whole number of pixels in x
 * and y (the uncovered border is black) and, when asked, mirrored left-right with probability 1/2. The draws come
 * from one seeded generator, so a run is repeatable.
 */
final class Augmenter {

    private final int shift;
    private final boolean flip;
    private final int rows;
    private final int cols;
    private final Random random;

    /** {@code settings.shift()} is below the image's side: {@link ModelSettings#problemsWith} says so first. */
    Augmenter(ModelSettings.Augment settings, int rows, int cols, long seed) {
        this.shift = settings.shift();
        this.flip = settings.flip();
        this.rows = rows;
        this.cols = cols;
        this.random = new Random(seed);
    }

    /** Whether augmentation changes anything. */
    boolean active() {
        return shift > 0 || flip;
    }

    /** The images {@code order[from..to)} of the split, scaled to [0, 1] and augmented, as one batch. */
    INDArray batch(Split split, int[] order, int from, int to) {
        int pixels = rows * cols;
        float[] image = new float[pixels];
        float[] batch = new float[(to - from) * pixels];
        for (int i = from; i < to; i++) {
            split.copyScaled(order[i], image, 0);
            apply(image, batch, (i - from) * pixels);
        }
        return Nd4j.create(batch, new long[] {to - from, pixels}, 'c');
    }

    /** Writes {@code image} (rows x cols, row-major) into {@code target} from {@code offset}, moved and mirrored. */
    void apply(float[] image, float[] target, int offset) {
        int dy = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
        int dx = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
        boolean mirror = flip && random.nextBoolean();
        for (int r = 0; r < rows; r++) {
            int sourceRow = r - dy;
            for (int c = 0; c < cols; c++) {
                int sourceCol = (mirror ? cols - 1 - c : c) - dx;
                boolean inside = sourceRow >= 0 && sourceRow < rows && sourceCol >= 0 && sourceCol < cols;
                target[offset + r * cols + c] = inside ? image[sourceRow * cols + sourceCol] : 0f;
            }
        }
    }
}

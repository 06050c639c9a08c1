package dev.layerscope.capture;

import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A seeded Gaussian random projection of a layer's values to fewer, the capture's reduction of a wide layer: each
 * image's {@code d} values times a {@code d x k} matrix of independent N(0, 1/k) entries. By the
 * Johnson-Lindenstrauss lemma it keeps squared distances between images, squared lengths and inner products
 * unbiased, each within a relative error of about sqrt(2/k) (4.4% at k = 1,024; distances themselves about half
 * that), whatever the data, so the neighbours, maps, kNN accuracies and measures of similarity and dimension computed
 * from it stay those of the layer to within that. Unlike a layer's channel means, it keeps where in the image a
 * feature fired.
 *
 * <p>The matrix is drawn from the seed and the layer's name ({@link SplittableRandom}, row by row), so a capture of
 * the same layer with the same settings, the final one or the per-epoch record, projects through the same matrix;
 * each layer's is independent of the others'. It is held in native memory (a 21,632-value layer to 1,024: 89 MB)
 * and applied to a batch of images as one BLAS product.
 */
public final class RandomProjection implements AutoCloseable {

    /** Rows of the matrix drawn and copied to native memory at a time: bounds the heap the drawing takes. */
    private static final int DRAW_ROWS = 256;

    /**
     * The projection's settings.
     *
     * @param width the values per image after the projection
     * @param seed  draws the matrix (with the layer's name)
     */
    public record Options(@Range(min = 1) int width, long seed) {
        public Options {
            SettingRules.check(Options.class, width, seed);
        }
    }

    private final INDArray matrix;
    private final Options options;

    private RandomProjection(INDArray matrix, Options options) {
        this.matrix = matrix;
        this.options = options;
    }

    /** The projection of the layer {@code layer}, {@code inputWidth} values per image, drawn from the options. */
    public static RandomProjection draw(Options options, String layer, int inputWidth) {
        int width = options.width();
        SplittableRandom random = new SplittableRandom(seedOf(options.seed(), layer));
        double scale = 1 / Math.sqrt(width);
        INDArray matrix = Nd4j.create(DataType.FLOAT, new long[] {inputWidth, width}, 'c');
        int chunk = Math.min(DRAW_ROWS, inputWidth);
        float[] rows = new float[Math.multiplyExact(chunk, width)];
        for (int from = 0; from < inputWidth; from += chunk) {
            int count = Math.min(chunk, inputWidth - from);
            for (int i = 0; i < count * width; i++) {
                rows[i] = (float) (random.nextGaussian() * scale);
            }
            try (INDArray drawn = Nd4j.create(rows, new long[] {chunk, width}, 'c')) {
                matrix.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all())
                        .assign(count == chunk ? drawn : drawn.get(NDArrayIndex.interval(0, count),
                                NDArrayIndex.all()));
            }
        }
        return new RandomProjection(matrix, options);
    }

    /** The seed of one layer's matrix: the stated seed and the layer's name, mixed (SplitMix64's finaliser). */
    static long seedOf(long seed, String layer) {
        long z = seed * 0x9E3779B97F4A7C15L + layer.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public Options options() {
        return options;
    }

    /** The values per image the projection takes. */
    public int inputWidth() {
        return (int) matrix.size(0);
    }

    /**
     * The projected rows of {@code rows} ({@code n x inputWidth}, or {@code n x channels x height x width}, any
     * order): {@code n x width} values, row-major.
     */
    public float[] apply(INDArray rows) {
        // a view of the layer's own values where they are in C order already: not closed here
        INDArray values = rows.reshape('c', rows.size(0), inputWidth());
        INDArray flat = values.dataType() == DataType.FLOAT ? values : values.castTo(DataType.FLOAT);
        try (INDArray projected = flat.mmul(matrix); INDArray ordered = projected.dup('c')) {
            return ordered.data().asFloat();
        }
    }

    @Override
    public void close() {
        matrix.close();
    }
}

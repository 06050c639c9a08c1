package dev.layerscope.knn;

import dev.layerscope.linalg.FloatMatrix;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Squared Euclidean distances from rows of a matrix to all of its rows, a block of rows at a time as one BLAS
 * product ({@code |a|^2 + |b|^2 - 2 a.b}): every pair of 5,000 points of 784 values is 20 billion multiply-adds,
 * which a GEMM does many times faster than Java loops. Blocks may be computed on several threads at once; the
 * matrix stays in native memory until {@link #close()}.
 */
final class SquaredDistances implements AutoCloseable {

    private final FloatMatrix data;
    private final INDArray array;
    private final float[] norms;

    SquaredDistances(FloatMatrix data) {
        this.data = data;
        this.array = Nd4j.create(data.values(), new long[] {data.rows(), data.cols()}, 'c');
        this.norms = data.rowSquaredNorms();
    }

    /**
     * Writes the distances of rows {@code [from, to)} to every row into {@code target}, row-major, {@code n} a row.
     * A point's distance to itself is 0; the expanded form's rounding is kept above 0 elsewhere.
     */
    void rows(int from, int to, float[] target) {
        int n = data.rows();
        int d = data.cols();
        int count = to - from;
        try (INDArray block = Nd4j.create(Arrays.copyOfRange(data.values(), from * d, to * d),
                new long[] {count, d}, 'c');
             INDArray products = Nd4j.createUninitialized(DataType.FLOAT, new long[] {count, n}, 'c')) {
            Nd4j.gemm(block, array, products, false, true, 1.0, 0.0);
            products.data().asNioFloat().get(0, target, 0, count * n);
        }
        for (int r = 0; r < count; r++) {
            float norm = norms[from + r];
            for (int c = 0, offset = r * n; c < n; c++) {
                target[offset + c] = Math.max(0f, norm + norms[c] - 2 * target[offset + c]);
            }
            target[r * n + from + r] = 0;
        }
    }

    @Override
    public void close() {
        array.close();
    }
}

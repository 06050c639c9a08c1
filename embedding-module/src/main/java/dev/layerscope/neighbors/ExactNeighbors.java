package dev.layerscope.neighbors;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Exact k-nearest neighbours by brute force, fast because the work is one matrix product: the squared distance
 * {@code |q|^2 + |r|^2 - 2 q.r} needs every dot product {@code q.r}, and a block of queries times the reference set
 * is a single BLAS GEMM (ND4J's OpenBLAS). For a set onto itself only the upper triangle is computed, each product
 * serving both its points. The distances go into bounded heaps per point on {@code parallel}'s threads. Memory stays
 * bounded: a block holds at most {@link #BLOCK_VALUES} distances.
 * Exact neighbours make every method's result independent of an approximate search's randomness.
 */
public final class ExactNeighbors {

    /** Distances held at once: 16 M floats, 64 MB. */
    static final long BLOCK_VALUES = 16L << 20;

    private ExactNeighbors() {
    }

    /** The {@code k} nearest other points of every row of {@code data}. */
    public static NeighborGraph of(FloatMatrix data, int k, Parallel parallel) {
        if (k >= data.rows()) {
            throw new IllegalArgumentException("k = " + k + " neighbours needs more than k points, got " + data.rows());
        }
        return search(data, data, k, true, parallel);
    }

    /** The {@code k} nearest rows of {@code reference} to every row of {@code queries}. */
    public static NeighborGraph query(FloatMatrix reference, FloatMatrix queries, int k, Parallel parallel) {
        if (k > reference.rows()) {
            throw new IllegalArgumentException("k = " + k + " neighbours of a set of " + reference.rows() + " points");
        }
        if (reference.cols() != queries.cols()) {
            throw new IllegalArgumentException("queries have " + queries.cols() + " columns, the reference set "
                    + reference.cols());
        }
        return search(reference, queries, k, false, parallel);
    }

    private static NeighborGraph search(FloatMatrix reference, FloatMatrix queries, int k, boolean self,
                                        Parallel parallel) {
        int n = reference.rows();
        int d = reference.cols();
        int m = queries.rows();
        float[] referenceNorms = squaredNorms(reference);
        float[] queryNorms = self ? referenceNorms : squaredNorms(queries);
        BoundedHeaps heaps = new BoundedHeaps(self ? n : m, k);
        int block = (int) Math.max(1, Math.min(m, BLOCK_VALUES / n));
        try (INDArray referenceArray = Nd4j.create(reference.values(), new long[] {n, d}, 'c')) {
            for (int start = 0; start < m; start += block) {
                int rows = Math.min(block, m - start);
                // a block of a set onto itself needs only the columns from its own first row on
                int firstColumn = self ? start : 0;
                int width = n - firstColumn;
                // a view of the reference rows; views share their parent's memory and are not closed
                INDArray columns = referenceArray.get(NDArrayIndex.interval(firstColumn, n), NDArrayIndex.all());
                // Each thread multiplies its own rows of the block: the run's BLAS may have a single thread (its
                // count is fixed when the JVM starts, and training the MLP is fastest on one).
                int parts = Math.min(parallel.threads(), rows);
                INDArray[] dots = new INDArray[parts];
                int first = start;
                try {
                    parallel.forRange(parts, (fromPart, toPart) -> {
                        for (int part = fromPart; part < toPart; part++) {
                            int from = rows * part / parts;
                            int to = rows * (part + 1) / parts;
                            dots[part] = Nd4j.createUninitialized(DataType.FLOAT, new long[] {to - from, width}, 'c');
                            try (INDArray queryArray = Nd4j.create(Arrays.copyOfRange(queries.values(),
                                    (first + from) * d, (first + to) * d), new long[] {to - from, d}, 'c')) {
                                Nd4j.gemm(queryArray, columns, dots[part], false, true, 1.0, 0.0);
                            }
                            // read the products where BLAS wrote them, off the heap; copying them costs more
                            FloatBuffer products = dots[part].data().asNioFloat();
                            for (int r = from; r < to; r++) {
                                int query = first + r;
                                float queryNorm = queryNorms[query];
                                int offset = (r - from) * width;
                                for (int c = 0; c < width; c++) {
                                    int j = firstColumn + c;
                                    if (self && j == query) {
                                        continue;
                                    }
                                    heaps.offer(query, j, queryNorm + referenceNorms[j]
                                            - 2 * products.get(offset + c));
                                }
                            }
                        }
                    });
                    if (self) {
                        // the distance is symmetric: the rows after the block take their share of this block's
                        // rows from the same products; each thread owns a range of them, so no two touch one heap
                        parallel.forRange(width - rows, (from, to) -> {
                            for (int part = 0; part < parts; part++) {
                                FloatBuffer products = dots[part].data().asNioFloat();
                                int partFrom = rows * part / parts;
                                int partTo = rows * (part + 1) / parts;
                                for (int r = partFrom; r < partTo; r++) {
                                    int i = first + r;
                                    float norm = queryNorms[i];
                                    int offset = (r - partFrom) * width + rows;
                                    for (int c = from; c < to; c++) {
                                        int j = first + rows + c;
                                        heaps.offer(j, i, norm + referenceNorms[j] - 2 * products.get(offset + c));
                                    }
                                }
                            }
                        });
                    }
                } finally {
                    for (INDArray part : dots) {
                        if (part != null) {
                            part.close();
                        }
                    }
                }
            }
        }
        int[] indices = new int[m * k];
        float[] distances = new float[m * k];
        for (int q = 0; q < m; q++) {
            heaps.drainSorted(q, indices, distances, q * k);
        }
        for (int i = 0; i < distances.length; i++) {
            distances[i] = (float) Math.sqrt(Math.max(0f, distances[i]));
        }
        return new NeighborGraph(m, k, indices, distances);
    }

    private static float[] squaredNorms(FloatMatrix matrix) {
        float[] norms = new float[matrix.rows()];
        float[] values = matrix.values();
        int d = matrix.cols();
        for (int i = 0; i < norms.length; i++) {
            double sum = 0;
            for (int j = i * d, end = j + d; j < end; j++) {
                sum += values[j] * values[j];
            }
            norms[i] = (float) sum;
        }
        return norms;
    }
}

package dev.layerscope.neighbors;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact k-nearest neighbours by brute force, fast because the work is one matrix product: the squared distance
 * {@code |q|^2 + |r|^2 - 2 q.r} needs every dot product {@code q.r}, and a block of queries times the reference set
 * is a single BLAS GEMM (ND4J's OpenBLAS). Each block's distances are then reduced to the k smallest per row on
 * {@code parallel}'s threads. Memory stays bounded: the block holds at most {@link #BLOCK_VALUES} distances.
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
        int[] indices = new int[queries.rows() * k];
        float[] distances = new float[queries.rows() * k];
        float[] referenceNorms = squaredNorms(reference);
        float[] queryNorms = self ? referenceNorms : squaredNorms(queries);
        int block = (int) Math.max(1, Math.min(queries.rows(), BLOCK_VALUES / n));
        try (INDArray referenceArray = Nd4j.create(reference.values(), new long[] {n, d}, 'c');
             INDArray dots = Nd4j.createUninitialized(DataType.FLOAT, new long[] {block, n}, 'c')) {
            float[] queryBlock = new float[block * d];
            for (int start = 0; start < queries.rows(); start += block) {
                int rows = Math.min(block, queries.rows() - start);
                System.arraycopy(queries.values(), start * d, queryBlock, 0, rows * d);
                try (INDArray queryArray = Nd4j.create(queryBlock, new long[] {block, d}, 'c')) {
                    Nd4j.gemm(queryArray, referenceArray, dots, false, true, 1.0, 0.0);
                }
                // read the products where BLAS wrote them, off the heap; copying 64 MB a block costs more
                FloatBuffer products = dots.data().asNioFloat();
                int first = start;
                parallel.forRange(rows, (from, to) -> {
                    TopK top = new TopK(k);
                    for (int r = from; r < to; r++) {
                        int query = first + r;
                        top.clear();
                        int offset = r * n;
                        float queryNorm = queryNorms[query];
                        for (int j = 0; j < n; j++) {
                            if (self && j == query) {
                                continue;
                            }
                            float squared = queryNorm + referenceNorms[j] - 2 * products.get(offset + j);
                            top.offer(j, squared);
                        }
                        top.drainSorted(indices, distances, query * k);
                    }
                });
            }
        }
        for (int i = 0; i < distances.length; i++) {
            distances[i] = (float) Math.sqrt(Math.max(0f, distances[i]));
        }
        return new NeighborGraph(queries.rows(), k, indices, distances);
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

    /** The k smallest keys offered, as a bounded max-heap. */
    static final class TopK {
        private final int capacity;
        private final int[] ids;
        private final float[] keys;
        private int size;

        TopK(int capacity) {
            this.capacity = capacity;
            this.ids = new int[capacity];
            this.keys = new float[capacity];
        }

        void clear() {
            size = 0;
        }

        void offer(int id, float key) {
            if (size < capacity) {
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (keys[parent] >= key) {
                        break;
                    }
                    keys[i] = keys[parent];
                    ids[i] = ids[parent];
                    i = parent;
                }
                keys[i] = key;
                ids[i] = id;
            } else if (key < keys[0]) {
                siftDown(id, key, size);
            }
        }

        private void siftDown(int id, float key, int heapSize) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= heapSize) {
                    break;
                }
                if (child + 1 < heapSize && keys[child + 1] > keys[child]) {
                    child++;
                }
                if (keys[child] <= key) {
                    break;
                }
                keys[i] = keys[child];
                ids[i] = ids[child];
                i = child;
            }
            keys[i] = key;
            ids[i] = id;
        }

        /** Writes the kept entries in ascending key order and empties the heap. */
        void drainSorted(int[] targetIds, float[] targetKeys, int offset) {
            for (int last = size - 1; last >= 0; last--) {
                targetIds[offset + last] = ids[0];
                targetKeys[offset + last] = keys[0];
                int movedId = ids[last];
                float movedKey = keys[last];
                siftDown(movedId, movedKey, last);
            }
            size = 0;
        }
    }
}

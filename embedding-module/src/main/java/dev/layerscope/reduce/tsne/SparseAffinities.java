package dev.layerscope.reduce.tsne;

/**
 * A sparse n x n matrix of affinities in compressed rows: row {@code i} holds {@code values[rowStart[i]..
 * rowStart[i + 1])} at columns {@code columns[...]}. Only the kNN pairs carry affinity, so at 50,000 points and
 * perplexity 30 this is about 6 M entries instead of 2.5 G. The values are floats: every gradient step streams
 * the whole matrix from memory (it does not fit in cache), and 4 bytes a value instead of 8 make that a third
 * less; the affinities are computed and summed in double and rounded once.
 */
public record SparseAffinities(int size, int[] rowStart, int[] columns, float[] values) {

    public SparseAffinities {
        if (rowStart.length != size + 1 || columns.length != values.length || rowStart[size] != values.length) {
            throw new IllegalArgumentException("inconsistent sparse rows: " + size + " rows, " + rowStart.length
                    + " row starts, " + columns.length + " columns, " + values.length + " values");
        }
    }
}

package dev.layerscope.reduce.tsne;

/**
 * A sparse n x n matrix of affinities in compressed rows: row {@code i} holds {@code values[rowStart[i]..
 * rowStart[i + 1])} at columns {@code columns[...]}. Only the kNN pairs carry affinity, so at 50,000 points and
 * perplexity 30 this is about 6 M entries instead of 2.5 G.
 */
public record SparseAffinities(int size, int[] rowStart, int[] columns, double[] values) {

    public SparseAffinities {
        if (rowStart.length != size + 1 || columns.length != values.length || rowStart[size] != values.length) {
            throw new IllegalArgumentException("inconsistent sparse rows: " + size + " rows, " + rowStart.length
                    + " row starts, " + columns.length + " columns, " + values.length + " values");
        }
    }
}

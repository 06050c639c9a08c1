package dev.layerscope.reduce.umap;

import java.util.Arrays;

/**
 * A weighted graph in compressed sparse rows: the edges of vertex {@code i} are {@code offsets[i]} to
 * {@code offsets[i + 1]}, each a column and a weight. Rows are what the layout partitions between threads.
 */
record SparseGraph(int[] offsets, int[] columns, double[] weights) {

    int vertices() {
        return offsets.length - 1;
    }

    int edges() {
        return columns.length;
    }

    double maxWeight() {
        double max = 0;
        for (double weight : weights) {
            max = Math.max(max, weight);
        }
        return max;
    }

    /** The graph without the edges lighter than {@code threshold}: they would be sampled less than once. */
    SparseGraph withoutEdgesBelow(double threshold) {
        int n = vertices();
        int[] keptOffsets = new int[n + 1];
        int[] keptColumns = new int[edges()];
        double[] keptWeights = new double[edges()];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            for (int e = offsets[i]; e < offsets[i + 1]; e++) {
                if (weights[e] >= threshold) {
                    keptColumns[kept] = columns[e];
                    keptWeights[kept++] = weights[e];
                }
            }
            keptOffsets[i + 1] = kept;
        }
        return new SparseGraph(keptOffsets, Arrays.copyOf(keptColumns, kept), Arrays.copyOf(keptWeights, kept));
    }

    /**
     * umap-learn's {@code make_epochs_per_sample}: an edge of the heaviest weight is sampled every epoch, lighter
     * ones proportionally less often; -1 marks an edge never sampled.
     */
    double[] epochsPerSample(int epochs) {
        double max = maxWeight();
        double[] result = new double[edges()];
        for (int e = 0; e < result.length; e++) {
            double samples = epochs * (weights[e] / max);
            result[e] = samples > 0 ? epochs / samples : -1;
        }
        return result;
    }
}

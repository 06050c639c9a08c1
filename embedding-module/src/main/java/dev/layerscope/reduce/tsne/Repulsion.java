package dev.layerscope.reduce.tsne;

/**
 * The repulsive half of the t-SNE gradient, the part over all n^2 pairs that has to be approximated: for every
 * point {@code sum_j q_ij^2 (y_i - y_j)} with the unnormalised {@code q_ij = 1 / (1 + |y_i - y_j|^2)}, and their
 * normalisation {@code Z = sum_{i != j} q_ij}.
 */
interface Repulsion {

    /**
     * Writes the repulsion of each of the {@code positions.length / 2} points (x and y interleaved) to {@code
     * repulsion[2i]} and {@code repulsion[2i + 1]} and returns Z.
     */
    double compute(double[] positions, double[] repulsion);
}

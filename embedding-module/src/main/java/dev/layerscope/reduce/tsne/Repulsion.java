package dev.layerscope.reduce.tsne;

/** How t-SNE's descent gets the repulsive half of its gradient: by a quadtree, or interpolated on a grid by FFT. */
interface Repulsion {

    /**
     * Writes the unnormalised repulsion {@code sum_j q_ij^2 (y_i - y_j)} of every point to {@code repulsion[2i]} and
     * {@code repulsion[2i + 1]} and returns {@code Z = sum_{i != j} q_ij}, where {@code q_ij = 1 / (1 + |y_i -
     * y_j|^2)}, for the points {@code positions} holds (x and y interleaved). The same positions give the same bits
     * whatever the thread count.
     */
    double compute(double[] positions, double[] repulsion);
}

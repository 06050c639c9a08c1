package dev.layerscope.reduce.trimap;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;

/**
 * Each point's inliers: its nearest reference points by the scaled distance {@code d_ij^2 / (sigma_i sigma_j)}.
 * Dividing by the local scales makes "near" mean near relative to the density around both points, so a point in a
 * sparse region still gets neighbours that matter, and the same scaled distances later weigh each triplet.
 *
 * <p>The candidates are a neighbour graph's indices; their distances are measured again in the working space,
 * because the reference searches neighbours there (after PCA) and the caller's graph may be of the raw data.
 *
 * @param count   inliers per point
 * @param indices {@code size * count} reference indices, ascending scaled distance within a row
 * @param scaled  the scaled distances of {@code indices}
 * @param sigma   each point's scale: its mean distance to its 4th-6th nearest neighbours, counting itself as the
 *                1st as the reference's neighbour lists do
 */
record ScaledNeighbors(int size, int count, int[] indices, double[] scaled, double[] sigma) {

    /** Ranks (0 = nearest other point) whose mean distance is a point's scale. */
    private static final int SIGMA_FIRST_RANK = 2;
    private static final int SIGMA_LAST_RANK = 4;
    /** Neighbours a point needs for its scale. */
    static final int SIGMA_NEIGHBORS = SIGMA_LAST_RANK + 1;
    /** The reference's floor on a scale, so duplicated points do not divide by zero. */
    private static final double MIN_SIGMA = 1e-10;

    /**
     * The {@code count} nearest rows of {@code reference} to each row of {@code queries} by scaled distance, among
     * the candidates in {@code graph}. With {@code referenceSigma} null the queries are the reference set itself and
     * their own scales are used on both sides; otherwise it holds the scales of the reference points.
     */
    static ScaledNeighbors of(FloatMatrix queries, FloatMatrix reference, NeighborGraph graph, double[] referenceSigma,
                              int count, Parallel parallel) {
        int n = queries.rows();
        int k = graph.k();
        int[] candidates = new int[n * k];
        double[] keys = new double[n * k];
        double[] sigma = new double[n];
        boolean self = referenceSigma == null;
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                for (int r = 0; r < k; r++) {
                    int j = graph.neighbor(i, r);
                    if (j < 0 || j >= reference.rows() || (self && j == i)) {
                        throw new IllegalArgumentException("neighbour " + r + " of point " + i + " is " + j
                                + ": the graph must hold other points' indices below " + reference.rows());
                    }
                    candidates[i * k + r] = j;
                    keys[i * k + r] = queries.squaredDistance(i, reference, j);
                }
                sortByKey(keys, candidates, i * k, k);
                double sum = 0;
                for (int r = SIGMA_FIRST_RANK; r <= SIGMA_LAST_RANK; r++) {
                    sum += Math.sqrt(keys[i * k + r]);
                }
                sigma[i] = Math.max(sum / (SIGMA_LAST_RANK - SIGMA_FIRST_RANK + 1), MIN_SIGMA);
            }
        });
        double[] partnerSigma = self ? sigma : referenceSigma;
        int[] indices = new int[n * count];
        double[] scaled = new double[n * count];
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                for (int r = 0; r < k; r++) {
                    keys[i * k + r] /= sigma[i] * partnerSigma[candidates[i * k + r]];
                }
                sortByKey(keys, candidates, i * k, k);
                System.arraycopy(candidates, i * k, indices, i * count, count);
                System.arraycopy(keys, i * k, scaled, i * count, count);
            }
        });
        return new ScaledNeighbors(n, count, indices, scaled, sigma);
    }

    /** The {@code rank}-th inlier of {@code point}. */
    int inlier(int point, int rank) {
        return indices[point * count + rank];
    }

    /** Stable insertion sort of {@code length} entries from {@code offset} by key: rows are short (~60). */
    private static void sortByKey(double[] keys, int[] ids, int offset, int length) {
        for (int a = offset + 1; a < offset + length; a++) {
            double key = keys[a];
            int id = ids[a];
            int b = a - 1;
            while (b >= offset && keys[b] > key) {
                keys[b + 1] = keys[b];
                ids[b + 1] = ids[b];
                b--;
            }
            keys[b + 1] = key;
            ids[b + 1] = id;
        }
    }
}

package dev.layerscope.reduce.umap;

import dev.layerscope.neighbors.NeighborGraph;
import java.util.Arrays;

/**
 * umap-learn's fuzzy simplicial set: {@code smooth_knn_dist}, {@code compute_membership_strengths} and the fuzzy
 * union of {@code fuzzy_simplicial_set}, on flat arrays.
 *
 * <p>umap-learn's neighbour lists start with the point itself at distance 0, and its {@code n_neighbors} counts that
 * entry; {@link NeighborGraph} leaves the point out. {@code smooth_knn_dist} sums memberships over every column but
 * the first, so a fit (whose first column is the self entry) sums over all {@code neighbors - 1} graph neighbours,
 * while a transform (whose lists hold {@code neighbors} training points and no self entry) skips its nearest, as
 * umap-learn's does. The self entry still counts in the mean distance that bounds sigma from below.
 */
final class FuzzySets {

    private static final int BINARY_SEARCH_STEPS = 64;
    private static final double SMOOTH_K_TOLERANCE = 1e-5;
    private static final double MIN_K_DIST_SCALE = 1e-3;

    private FuzzySets() {
    }

    /** Per point: rho, the distance to the nearest neighbour counted as fully connected, and sigma, the bandwidth. */
    record Bandwidths(double[] rho, double[] sigma) {
    }

    /**
     * umap-learn's {@code smooth_knn_dist} over the first {@code width} neighbours of each point: sigma by binary
     * search so that the memberships sum to {@code log2(neighbors)}, with {@code neighbors} counting the self entry.
     *
     * @param selfPrepended whether umap-learn's lists would hold the point itself before these neighbours (a fit)
     */
    static Bandwidths smoothKnnDist(NeighborGraph graph, int width, boolean selfPrepended, int neighbors,
                                    double localConnectivity) {
        int n = graph.size();
        int k = graph.k();
        float[] distances = graph.distances();
        int columns = width + (selfPrepended ? 1 : 0);
        int firstSummed = selfPrepended ? 0 : 1;
        double target = Math.log(neighbors) / Math.log(2);
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                total += distances[i * k + j];
            }
        }
        double meanDistance = total / ((double) n * columns);
        int index = (int) Math.floor(localConnectivity);
        double interpolation = localConnectivity - index;
        double[] rho = new double[n];
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            int row = i * k;
            int nonZero = 0;
            int firstNonZero = -1;
            double rowSum = 0;
            for (int j = 0; j < width; j++) {
                rowSum += distances[row + j];
                if (distances[row + j] > 0) {
                    nonZero++;
                    if (firstNonZero < 0) {
                        firstNonZero = j;
                    }
                }
            }
            // distances ascend, so the non-zero ones are a suffix starting at firstNonZero; a point whose
            // neighbours all lie on it (a layer that outputs the same values for many images) has none, and rho 0,
            // also when transform asks for a local connectivity of 0
            if (nonZero > 0 && nonZero >= localConnectivity) {
                if (index > 0) {
                    rho[i] = distances[row + firstNonZero + index - 1];
                    if (interpolation > SMOOTH_K_TOLERANCE) {
                        rho[i] += interpolation * (distances[row + firstNonZero + index]
                                - distances[row + firstNonZero + index - 1]);
                    }
                } else {
                    rho[i] = interpolation * distances[row + firstNonZero];
                }
            } else if (nonZero > 0) {
                rho[i] = distances[row + width - 1];
            }
            double lo = 0;
            double hi = Double.POSITIVE_INFINITY;
            double mid = 1;
            for (int step = 0; step < BINARY_SEARCH_STEPS; step++) {
                double sum = 0;
                for (int j = firstSummed; j < width; j++) {
                    double d = distances[row + j] - rho[i];
                    sum += d > 0 ? Math.exp(-d / mid) : 1;
                }
                if (Math.abs(sum - target) < SMOOTH_K_TOLERANCE) {
                    break;
                }
                if (sum > target) {
                    hi = mid;
                    mid = (lo + hi) / 2;
                } else {
                    lo = mid;
                    mid = hi == Double.POSITIVE_INFINITY ? mid * 2 : (lo + hi) / 2;
                }
            }
            double floor = MIN_K_DIST_SCALE * (rho[i] > 0 ? rowSum / columns : meanDistance);
            sigma[i] = Math.max(mid, floor);
        }
        return new Bandwidths(rho, sigma);
    }

    /** The membership of the {@code rank}-th neighbour of {@code point}: 1 within rho, then exponential decay. */
    static double membership(NeighborGraph graph, Bandwidths bandwidths, int point, int rank) {
        double d = graph.distance(point, rank) - bandwidths.rho()[point];
        double sigma = bandwidths.sigma()[point];
        return d <= 0 || sigma == 0 ? 1 : Math.exp(-d / sigma);
    }

    /**
     * The fuzzy union {@code P + P^T - P o P} of the directed memberships of the first {@code width} neighbours, as
     * a symmetric sparse matrix without zeros.
     */
    static SparseGraph union(NeighborGraph graph, int width, Bandwidths bandwidths) {
        int n = graph.size();
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < width; r++) {
                offsets[i + 1]++;
                offsets[graph.neighbor(i, r) + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            offsets[i + 1] += offsets[i];
        }
        int[] fill = new int[n];
        int[] columns = new int[offsets[n]];
        double[] values = new double[offsets[n]];
        // each row gets its own entries first, then the transposed ones: a pair present both ways meets in one row
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < width; r++) {
                int j = graph.neighbor(i, r);
                double p = membership(graph, bandwidths, i, r);
                int at = offsets[i] + fill[i]++;
                columns[at] = j;
                values[at] = p;
                at = offsets[j] + fill[j]++;
                columns[at] = i;
                values[at] = p;
            }
        }
        int kept = 0;
        int[] newOffsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int start = offsets[i];
            int end = offsets[i + 1];
            sortByColumn(columns, values, start, end);
            for (int e = start; e < end; e++) {
                double value = values[e];
                if (e + 1 < end && columns[e + 1] == columns[e]) {
                    value = value + values[e + 1] - value * values[e + 1];
                    e++;
                }
                if (value > 0) {
                    columns[kept] = columns[e];
                    values[kept++] = value;
                }
            }
            newOffsets[i + 1] = kept;
        }
        return new SparseGraph(newOffsets, Arrays.copyOf(columns, kept),
                Arrays.copyOf(values, kept));
    }

    /** Insertion sort of one row's entries: rows are short (about twice the neighbour count). */
    private static void sortByColumn(int[] columns, double[] values, int start, int end) {
        for (int e = start + 1; e < end; e++) {
            int column = columns[e];
            double value = values[e];
            int at = e - 1;
            while (at >= start && columns[at] > column) {
                columns[at + 1] = columns[at];
                values[at + 1] = values[at];
                at--;
            }
            columns[at + 1] = column;
            values[at + 1] = value;
        }
    }
}

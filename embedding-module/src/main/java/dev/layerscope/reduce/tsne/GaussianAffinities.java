package dev.layerscope.reduce.tsne;

import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.Arrays;

/**
 * t-SNE's input affinities: for each point a Gaussian over its nearest neighbours whose bandwidth is chosen so
 * that the distribution's perplexity (exp of its entropy) is the one asked for, as in scikit-learn's
 * {@code _binary_search_perplexity}: the same search over the precision {@code beta} on squared distances, the
 * same tolerance and step limit, so bandwidths match. Only the neighbours are used (k = 3 x perplexity): beyond
 * them the Gaussian weights are negligible, and that is what makes the affinities sparse.
 */
public final class GaussianAffinities {

    /** scikit-learn's entropy tolerance and step limit. */
    private static final double ENTROPY_TOLERANCE = 1e-5;
    private static final int MAX_STEPS = 100;

    private GaussianAffinities() {
    }

    /**
     * The conditional distributions {@code p(j | i)} over the first {@code k} neighbours of each point, {@code
     * graph.size() * k} values row-major in the graph's neighbour order, each row summing to 1.
     */
    public static double[] conditional(NeighborGraph graph, int k, double perplexity, Parallel parallel) {
        if (k < 1 || k > graph.k()) {
            throw new IllegalArgumentException("the graph has " + graph.k() + " neighbours per point, " + k
                    + " were asked for");
        }
        double[] p = new double[graph.size() * k];
        double targetEntropy = Math.log(perplexity);
        parallel.forRange(graph.size(), (start, end) -> {
            double[] squared = new double[k];
            for (int i = start; i < end; i++) {
                for (int r = 0; r < k; r++) {
                    double d = graph.distance(i, r);
                    squared[r] = d * d;
                }
                calibrate(squared, targetEntropy, p, i * k);
            }
        });
        return p;
    }

    /**
     * Writes to {@code out[offset..offset + k)} the Gaussian over {@code squared} (k squared distances) whose
     * entropy is {@code targetEntropy}. The weights are taken relative to the nearest distance: that changes no
     * probability, but keeps {@code exp} from underflowing to an all-zero row when distances are large (784-D
     * pixels) and the precision has to be high.
     */
    static void calibrate(double[] squared, double targetEntropy, double[] out, int offset) {
        int k = squared.length;
        double nearest = Double.POSITIVE_INFINITY;
        for (double d : squared) {
            nearest = Math.min(nearest, d);
        }
        double beta = 1;
        double betaMin = Double.NEGATIVE_INFINITY;
        double betaMax = Double.POSITIVE_INFINITY;
        for (int step = 0; step < MAX_STEPS; step++) {
            double sum = 0;
            double weightedDistance = 0;
            for (int r = 0; r < k; r++) {
                double shifted = squared[r] - nearest;
                double w = Math.exp(-beta * shifted);
                out[offset + r] = w;
                sum += w;
                weightedDistance += w * shifted;
            }
            for (int r = 0; r < k; r++) {
                out[offset + r] /= sum;
            }
            double entropy = Math.log(sum) + beta * weightedDistance / sum;
            double difference = entropy - targetEntropy;
            if (Math.abs(difference) <= ENTROPY_TOLERANCE) {
                return;
            }
            if (difference > 0) {
                betaMin = beta;
                beta = betaMax == Double.POSITIVE_INFINITY ? beta * 2 : (beta + betaMax) / 2;
            } else {
                betaMax = beta;
                beta = betaMin == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + betaMin) / 2;
            }
        }
    }

    /**
     * The joint affinities {@code (P + P^T) / 2n} of the conditional ones over the first {@code k} neighbours of
     * {@code graph}: symmetric, summing to 1. A pair that is a neighbour in both directions is one entry.
     */
    public static SparseAffinities symmetric(NeighborGraph graph, int k, double[] conditional) {
        int n = graph.size();
        // incoming[j] lists the points that have j among their k neighbours, in increasing order
        int[] incomingStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < k; r++) {
                incomingStart[graph.neighbor(i, r) + 1]++;
            }
        }
        for (int j = 0; j < n; j++) {
            incomingStart[j + 1] += incomingStart[j];
        }
        int[] incoming = new int[n * k];
        int[] incomingEntry = new int[n * k];
        int[] fill = incomingStart.clone();
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < k; r++) {
                int slot = fill[graph.neighbor(i, r)]++;
                incoming[slot] = i;
                incomingEntry[slot] = i * k + r;
            }
        }
        int[] rowStart = new int[n + 1];
        int[] columns = new int[2 * n * k];
        double[] values = new double[2 * n * k];
        // position[j] is where column j sits in the current row, valid when owner[j] is the current row
        int[] position = new int[n];
        int[] owner = new int[n];
        Arrays.fill(owner, -1);
        double scale = 1.0 / (2.0 * n);
        int size = 0;
        for (int i = 0; i < n; i++) {
            rowStart[i] = size;
            for (int r = 0; r < k; r++) {
                size = accumulate(i, graph.neighbor(i, r), conditional[i * k + r] * scale, size, owner, position,
                        columns, values);
            }
            for (int e = incomingStart[i]; e < incomingStart[i + 1]; e++) {
                size = accumulate(i, incoming[e], conditional[incomingEntry[e]] * scale, size, owner, position,
                        columns, values);
            }
        }
        rowStart[n] = size;
        float[] rounded = new float[size];
        for (int e = 0; e < size; e++) {
            rounded[e] = (float) values[e];
        }
        return new SparseAffinities(n, rowStart, Arrays.copyOf(columns, size), rounded);
    }

    /** Adds {@code value} at row {@code i}, column {@code j}; returns the new number of entries. */
    private static int accumulate(int i, int j, double value, int size, int[] owner, int[] position, int[] columns,
                                  double[] values) {
        if (owner[j] == i) {
            values[position[j]] += value;
            return size;
        }
        owner[j] = i;
        position[j] = size;
        columns[size] = j;
        values[size] = value;
        return size + 1;
    }
}

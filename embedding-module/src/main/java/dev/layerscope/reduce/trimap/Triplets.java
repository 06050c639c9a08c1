package dev.layerscope.reduce.trimap;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.SplittableRandom;

/**
 * The triplets (anchor i, similar j, outlier k) the embedding is fitted to, each asking that i end up nearer to j
 * than to k, and how much each matters. Nearest-neighbour triplets keep the local structure; a few uniformly random
 * triplets per point tie distant regions together and are what gives TriMap its better global layout.
 *
 * <p>Layout, as in the reference: first the {@code inliers * outliers} neighbour triplets of each anchor (grouped
 * by inlier, nearest inlier first), then the random triplets of each anchor.
 */
final class Triplets {

    /** The reference's discount of random triplets' weights against neighbour triplets'. */
    static final double RANDOM_WEIGHT_SCALE = 0.1;

    /** Three per triplet: anchor, similar point, outlier. */
    final int[] points;
    /**
     * How much more similar j is to i than k is, by scaled distance: {@code s_ik - s_ij}. Neighbour triplets keep
     * the reference's sign even when negative (an outlier that happens to be nearer than the inlier).
     */
    final double[] rawWeights;
    /** Number of nearest-neighbour triplets; the rest are random triplets. */
    final int neighborTriplets;

    private Triplets(int[] points, double[] rawWeights, int neighborTriplets) {
        this.points = points;
        this.rawWeights = rawWeights;
        this.neighborTriplets = neighborTriplets;
    }

    /**
     * Triplets anchored at every row of {@code queries} whose partners are rows of {@code reference}: for each
     * inlier, {@code outliers} distinct reference points drawn uniformly from those that are neither the anchor
     * ({@code self}: queries and reference are the same set) nor one of its inliers; then {@code randomPerPoint}
     * pairs of distinct uniformly drawn points, ordered so that the nearer (by scaled distance) is the similar one.
     * Drawing is sequential from {@code random}, so the triplets depend on the seed only, not on the threads.
     */
    static Triplets sample(FloatMatrix queries, FloatMatrix reference, boolean self, ScaledNeighbors inliers,
                           double[] referenceSigma, int outliers, int randomPerPoint, SplittableRandom random,
                           Parallel parallel) {
        int n = queries.rows();
        int m = reference.rows();
        int neighborTriplets = Math.multiplyExact(n, inliers.count() * outliers);
        int total = Math.addExact(neighborTriplets, Math.multiplyExact(n, randomPerPoint));
        int[] points = new int[Math.multiplyExact(3, total)];
        for (int i = 0; i < n; i++) {
            for (int rank = 0; rank < inliers.count(); rank++) {
                int first = (i * inliers.count() + rank) * outliers;
                for (int o = 0; o < outliers; o++) {
                    int outlier;
                    do {
                        outlier = random.nextInt(m);
                    } while ((self && outlier == i) || isInlier(inliers, i, outlier)
                            || drawnBefore(points, first, o, outlier));
                    set(points, first + o, i, inliers.inlier(i, rank), outlier);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < randomPerPoint; r++) {
                int similar;
                do {
                    similar = random.nextInt(m);
                } while (self && similar == i);
                int outlier;
                do {
                    outlier = random.nextInt(m);
                } while ((self && outlier == i) || outlier == similar);
                set(points, neighborTriplets + i * randomPerPoint + r, i, similar, outlier);
            }
        }
        double[] sigma = inliers.sigma();
        double[] rawWeights = new double[total];
        parallel.forRange(total, (start, end) -> {
            for (int t = start; t < end; t++) {
                int i = points[3 * t];
                int j = points[3 * t + 1];
                int k = points[3 * t + 2];
                double outScaled = queries.squaredDistance(i, reference, k) / (sigma[i] * referenceSigma[k]);
                if (t < neighborTriplets) {
                    rawWeights[t] = outScaled - inliers.scaled()[t / outliers];
                } else {
                    double similarScaled = queries.squaredDistance(i, reference, j) / (sigma[i] * referenceSigma[j]);
                    if (similarScaled > outScaled) {
                        points[3 * t + 1] = k;
                        points[3 * t + 2] = j;
                    }
                    rawWeights[t] = RANDOM_WEIGHT_SCALE * Math.abs(outScaled - similarScaled);
                }
            }
        });
        return new Triplets(points, rawWeights, neighborTriplets);
    }

    private static boolean isInlier(ScaledNeighbors inliers, int anchor, int point) {
        for (int rank = 0; rank < inliers.count(); rank++) {
            if (inliers.inlier(anchor, rank) == point) {
                return true;
            }
        }
        return false;
    }

    private static boolean drawnBefore(int[] points, int first, int drawn, int outlier) {
        for (int o = 0; o < drawn; o++) {
            if (points[3 * (first + o) + 2] == outlier) {
                return true;
            }
        }
        return false;
    }

    private static void set(int[] points, int t, int anchor, int similar, int outlier) {
        points[3 * t] = anchor;
        points[3 * t + 1] = similar;
        points[3 * t + 2] = outlier;
    }

    int count() {
        return rawWeights.length;
    }

    double minimumRawWeight() {
        double min = Double.POSITIVE_INFINITY;
        for (double w : rawWeights) {
            min = Math.min(min, w);
        }
        return min;
    }

    /**
     * The weights the loss uses: the raw weights shifted by {@code -shift} (the smallest raw weight of the fit, so
     * that all are non-negative) and compressed by the reference's tempered logarithm {@code log_t(1 + w)}, which
     * keeps a few triplets with huge scaled-distance gaps from dominating. Raw weights below the shift, possible
     * for points placed after the fit, count as the least important triplet, weight 0.
     */
    float[] weights(double shift, double temperature) {
        float[] weights = new float[rawWeights.length];
        for (int t = 0; t < weights.length; t++) {
            weights[t] = (float) temperedLog(1 + Math.max(0, rawWeights[t] - shift), temperature);
        }
        return weights;
    }

    /** {@code log_t(x) = (x^(1-t) - 1) / (1 - t)}, the ordinary logarithm at t = 1. */
    static double temperedLog(double x, double temperature) {
        if (Math.abs(temperature - 1) < 1e-5) {
            return Math.log(x);
        }
        return (Math.pow(x, 1 - temperature) - 1) / (1 - temperature);
    }

    /** Renumbers the anchors by {@code offset}, for optimising them after the reference points in one array. */
    void offsetAnchors(int offset) {
        for (int t = 0; t < count(); t++) {
            points[3 * t] += offset;
        }
    }
}

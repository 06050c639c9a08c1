package dev.layerscope.intrinsic;

import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.neighbors.NeighborSearch;
import java.util.Arrays;

/**
 * The TwoNN estimate of intrinsic dimension (Facco, d'Errico, Rodriguez and Laio 2017, "Estimating the intrinsic
 * dimension of datasets by a minimal neighborhood information"), as the authors' reference code
 * ({@code TWO-NN_userfriendly.cc}) computes it. For each point, mu = r2 / r1, the distances to its second and first
 * nearest neighbours; where the density is about constant over those distances, mu follows a Pareto law with
 * F(mu) = 1 - mu^-d. So with the ratios sorted, mu_(0) <= ... <= mu_(N-1), and the empirical F(mu_(i)) = i / N,
 * the points (ln mu_(i), -ln(1 - i / N)) lie on a line through the origin of slope d, fitted by least squares over
 * the first (1 - discard) N of them: the largest ratios, the most sensitive to the density's changes, are left out.
 *
 * <p>Duplicate points: a point whose nearest neighbour is at distance 0 has an infinite ratio. The reference code
 * replaces a zero distance by a random one of the order of 5e-6, which makes such a ratio huge; here it is infinite,
 * the same in effect without the randomness: it ranks last, counts in N, and falls among the discarded ratios. When
 * there are more duplicates than the discard leaves out, the fit would take an infinite ratio and the estimate is
 * NaN. A point with r1 = r2 > 0 (mu = 1) stays in the fit, as in the reference code, adding nothing to it.
 */
public final class TwoNn {

    /**
     * Candidate neighbours taken from the BLAS search before ranking by exact distance: room for a second neighbour
     * that the rounding of |a|^2 + |b|^2 - 2 a.b would otherwise put third.
     */
    private static final int CANDIDATES = 4;

    /**
     * TwoNN's one setting.
     *
     * @param discard the share of the largest ratios left out of the fit; the reference code's default is 0.1
     */
    public record Options(@Range(min = 0, max = 1, maxExclusive = true) double discard) {

        public Options {
            SettingRules.check(Options.class, discard);
        }

        public static Options defaults() {
            return new Options(0.1);
        }

        /** The ratios of {@code n} points that the fit takes, the reference code's {@code int(N * frac)}. */
        public int fitted(int n) {
            return (int) (n * (1.0 - discard));
        }

        /** The fewest points these options estimate from: 3 (two neighbours each), and 2 ratios in the fit. */
        public int minimumPoints() {
            int n = 3;
            while (fitted(n) < 2) {
                n++;
            }
            return n;
        }
    }

    /**
     * One estimate.
     *
     * @param dimension  the intrinsic dimension; NaN when there are more duplicates than the fit leaves out, or every
     *                   fitted ratio is 1
     * @param points     the points it was estimated from
     * @param fitted     the ratios in the fit
     * @param duplicates the points whose nearest neighbour is at distance 0
     * @param recall     the approximate neighbour search's recall against exact neighbours; NaN when it was exact
     */
    public record Estimate(double dimension, int points, int fitted, int duplicates, double recall) {
    }

    private TwoNn() {
    }

    /**
     * The TwoNN estimate of {@code points} (one per row), their two nearest neighbours found by
     * {@link NeighborSearch} with its default settings (exactly for fewer than its hand-over's points).
     */
    public static Estimate estimate(FloatMatrix points, Options options, Parallel parallel) {
        return estimate(points, options, NeighborSearch.Options.defaults(), parallel);
    }

    /**
     * The TwoNN estimate of {@code points} (one per row), their two nearest neighbours found by {@link NeighborSearch}
     * on {@code parallel}'s threads: {@link #CANDIDATES} candidates, exactly or approximately as {@code search}
     * says for so many points, then ranked by exact distance ({@link ExactNeighbors#refine}).
     */
    public static Estimate estimate(FloatMatrix points, Options options, NeighborSearch.Options search,
                                    Parallel parallel) {
        int n = points.rows();
        if (n < options.minimumPoints()) {
            throw new IllegalArgumentException("TwoNN with discard = " + options.discard() + " needs at least "
                    + options.minimumPoints() + " points, got " + n);
        }
        NeighborSearch.Found candidates = NeighborSearch.of(points, Math.min(CANDIDATES, n - 1), search, parallel);
        NeighborGraph nearest = ExactNeighbors.refine(points, points, candidates.graph(), 2, parallel);
        double[] first = new double[n];
        double[] second = new double[n];
        for (int i = 0; i < n; i++) {
            first[i] = nearest.distance(i, 0);
            second[i] = nearest.distance(i, 1);
        }
        Estimate estimate = fromDistances(first, second, options);
        return new Estimate(estimate.dimension(), estimate.points(), estimate.fitted(), estimate.duplicates(),
                candidates.recall());
    }

    /** The estimate from each point's distances to its first and second nearest neighbours. */
    public static Estimate fromDistances(double[] first, double[] second, Options options) {
        int n = first.length;
        if (second.length != n) {
            throw new IllegalArgumentException(n + " first and " + second.length + " second neighbour distances");
        }
        double[] ratios = new double[n];
        int duplicates = 0;
        for (int i = 0; i < n; i++) {
            if (first[i] == 0) {
                duplicates++;
                ratios[i] = Double.POSITIVE_INFINITY;
            } else {
                ratios[i] = second[i] / first[i];
            }
        }
        Arrays.sort(ratios);
        int fitted = options.fitted(n);
        double sumXY = 0;
        double sumXX = 0;
        for (int i = 0; i < fitted; i++) {
            double x = Math.log(ratios[i]);
            double y = -Math.log(1.0 - (double) i / n);
            sumXY += x * y;
            sumXX += x * x;
        }
        boolean defined = fitted > 0 && Double.isFinite(ratios[fitted - 1]) && sumXX > 0;
        return new Estimate(defined ? sumXY / sumXX : Double.NaN, n, fitted, duplicates, Double.NaN);
    }
}

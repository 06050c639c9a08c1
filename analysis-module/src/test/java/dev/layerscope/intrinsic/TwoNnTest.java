package dev.layerscope.intrinsic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.GramSchmidt;
import dev.layerscope.linalg.Parallel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TwoNN on points whose intrinsic dimension is known, and its fit on ratios made to lie on a known line. */
class TwoNnTest {

    /** Gaussian points on a d-dimensional plane through R^50 (a random orthonormal basis, moved off the origin). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 10})
    void pointsOnAPlaneOfDimensionDInR50HaveIntrinsicDimensionCloseToD(int d) {
        FloatMatrix points = onPlane(new Random(d), 4000, d, 50);
        TwoNn.Estimate estimate;
        try (Parallel parallel = new Parallel(2)) {
            estimate = TwoNn.estimate(points, TwoNn.Options.defaults(), parallel);
        }
        assertEquals(d, estimate.dimension(), 0.05 * d, "d = " + d);
        assertEquals(4000, estimate.points());
        assertEquals(3600, estimate.fitted());
    }

    /**
     * Ratios mu_(i) = (1 - i / N)^(-1/d) put every point (ln mu_(i), -ln(1 - i / N)) on the line of slope d, so the
     * fit gives d exactly, whatever order the points come in and whatever the discarded largest ratios are.
     */
    @Test
    void theFitGivesTheSlopeOfRatiosOnALineThroughTheOrigin() {
        double d = 3.7;
        double[][] line = onLine(d, 1000, 1000, 7);
        assertEquals(d, TwoNn.fromDistances(line[0], line[1], TwoNn.Options.defaults()).dimension(), 1e-9);
        assertEquals(d, TwoNn.fromDistances(line[0], line[1], new TwoNn.Options(0.5)).dimension(), 1e-9);
        // the 100 largest ratios of 1,000 are the 10% the default leaves out: any others give the same fit
        double[][] offLine = onLine(d, 1000, 900, 7);
        assertEquals(d, TwoNn.fromDistances(offLine[0], offLine[1], TwoNn.Options.defaults()).dimension(), 1e-9);
        // with nothing discarded they are in the fit
        assertTrue(TwoNn.fromDistances(offLine[0], offLine[1], new TwoNn.Options(0)).dimension() < d - 0.5);
    }

    /**
     * First and second neighbour distances of {@code n} points, shuffled, whose ratios are (1 - i / n)^(-1/d) for
     * i below {@code onLineBelow} and 10^6 from there on.
     */
    private static double[][] onLine(double d, int n, int onLineBelow, long seed) {
        double[] first = new double[n];
        double[] second = new double[n];
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            first[i] = 0.5 + random.nextDouble();
            second[i] = first[i] * (i < onLineBelow ? Math.pow(1 - (double) i / n, -1 / d) : 1e6);
        }
        shuffle(random, first, second);
        return new double[][] {first, second};
    }

    /**
     * A duplicate (first neighbour at distance 0) has an infinite ratio: it ranks last and is discarded while the
     * discard leaves out as many ratios; beyond that there is no estimate.
     */
    @Test
    void duplicatesRankLastAndAreDiscardedUpToTheDiscardedShare() {
        int n = 1000;
        double d = 2;
        double[] first = new double[n];
        double[] second = new double[n];
        for (int i = 0; i < n; i++) {
            first[i] = 1;
            second[i] = Math.pow(1 - (double) i / n, -1 / d);
        }
        for (int i = n - 100; i < n; i++) {
            first[i] = 0;
        }
        TwoNn.Estimate estimate = TwoNn.fromDistances(first, second, TwoNn.Options.defaults());
        assertEquals(d, estimate.dimension(), 1e-9);
        assertEquals(100, estimate.duplicates());

        first[n - 101] = 0;
        estimate = TwoNn.fromDistances(first, second, TwoNn.Options.defaults());
        assertTrue(Double.isNaN(estimate.dimension()), "101 duplicates, 100 discarded: " + estimate);
        assertEquals(101, estimate.duplicates());
    }

    /**
     * Duplicated points are at distance 0 from their copy: the neighbour search finds that 0 exactly (the BLAS
     * products' rounding would not), so the estimate is the fit of brute-force distances with those ratios infinite.
     * Counted in N, they lower the estimate by about their share.
     */
    @Test
    void duplicatedPointsAreFoundAtDistance0AndCountInTheEstimate() {
        FloatMatrix plane = onPlane(new Random(11), 2000, 3, 50);
        // rows 0..9 repeated at rows 10..19: 20 points whose nearest neighbour is at distance 0
        for (int i = 0; i < 10; i++) {
            System.arraycopy(plane.values(), i * 50, plane.values(), (10 + i) * 50, 50);
        }
        TwoNn.Estimate estimate;
        try (Parallel parallel = new Parallel(2)) {
            estimate = TwoNn.estimate(plane, TwoNn.Options.defaults(), parallel);
        }
        double[] first = new double[2000];
        double[] second = new double[2000];
        for (int i = 0; i < 2000; i++) {
            first[i] = Double.POSITIVE_INFINITY;
            second[i] = Double.POSITIVE_INFINITY;
            for (int j = 0; j < 2000; j++) {
                double distance = j == i ? Double.POSITIVE_INFINITY : Math.sqrt(plane.squaredDistance(i, plane, j));
                if (distance < first[i]) {
                    second[i] = first[i];
                    first[i] = distance;
                } else if (distance < second[i]) {
                    second[i] = distance;
                }
            }
        }
        TwoNn.Estimate bruteForce = TwoNn.fromDistances(first, second, TwoNn.Options.defaults());
        assertEquals(20, bruteForce.duplicates());
        assertEquals(20, estimate.duplicates());
        assertEquals(bruteForce.dimension(), estimate.dimension(), 1e-5);
        assertEquals(3, estimate.dimension(), 0.15);
    }

    @Test
    void optionsOutsideTheirRangeAndTooFewPointsAreRejected() {
        InvalidSetting e = assertThrows(InvalidSetting.class, () -> new TwoNn.Options(1));
        assertEquals("discard", e.key());
        assertEquals(3, TwoNn.Options.defaults().minimumPoints());
        assertEquals(4, new TwoNn.Options(0.5).minimumPoints());
        try (Parallel parallel = new Parallel(1)) {
            IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                    () -> TwoNn.estimate(FloatMatrix.zeros(2, 5), TwoNn.Options.defaults(), parallel));
            assertTrue(tooFew.getMessage().contains("needs at least 3 points, got 2"), tooFew.getMessage());
        }
    }

    /** {@code n} standard Gaussian points of a d-dimensional plane through R^dims. */
    private static FloatMatrix onPlane(Random random, int n, int d, int dims) {
        double[] basis = new double[d * dims];
        for (int i = 0; i < basis.length; i++) {
            basis[i] = random.nextGaussian();
        }
        GramSchmidt.orthonormalize(basis, d, dims, dims, 1);
        FloatMatrix points = FloatMatrix.zeros(n, dims);
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                z[k] = random.nextGaussian();
            }
            for (int j = 0; j < dims; j++) {
                double value = 3;
                for (int k = 0; k < d; k++) {
                    value += z[k] * basis[k * dims + j];
                }
                points.set(i, j, (float) value);
            }
        }
        return points;
    }

    private static void shuffle(Random random, double[] a, double[] b) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double swap = a[i];
            a[i] = a[j];
            a[j] = swap;
            swap = b[i];
            b[i] = b[j];
            b[j] = swap;
        }
    }
}

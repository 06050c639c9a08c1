package dev.layerscope.reduce.tsne;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.Parallel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TSneInterpolationTest {

    /** Four elongated clusters about 10 * scale apart, with one exact duplicate (points 0 and 1). */
    private static double[] points(int n, double scale, long seed) {
        Random random = new Random(seed);
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double centre = 10 * (i % 4);
            xy[2 * i] = scale * (centre + random.nextGaussian());
            xy[2 * i + 1] = scale * (centre / 2 + random.nextGaussian() * 0.1);
        }
        xy[2] = xy[0];
        xy[3] = xy[1];
        return xy;
    }

    /**
     * sum q, sum q^2 (y_i - y_j) and the sum of the terms' lengths, sum q^2 |y_i - y_j|, over all j != i, directly.
     * The last is the scale of the force: where the pulls balance, the force itself is near zero.
     */
    private static double[] exact(double[] xy, int i) {
        double sumQ = 0;
        double fx = 0;
        double fy = 0;
        double magnitude = 0;
        for (int j = 0; j < xy.length / 2; j++) {
            if (j != i) {
                double dx = xy[2 * i] - xy[2 * j];
                double dy = xy[2 * i + 1] - xy[2 * j + 1];
                double d2 = dx * dx + dy * dy;
                double q = 1 / (1 + d2);
                sumQ += q;
                fx += q * q * dx;
                fy += q * q * dy;
                magnitude += q * q * Math.sqrt(d2);
            }
        }
        return new double[] {sumQ, fx, fy, magnitude};
    }

    private static double compute(double[] xy, double[] repulsion, int threads) {
        try (Parallel parallel = new Parallel(threads)) {
            return new InterpolatedRepulsion(parallel).compute(xy, repulsion);
        }
    }

    /**
     * Against the O(n^2) sums at three scales: within a unit (the grid's 50 boxes are far finer than 1), over about
     * 30 units and over about 300 units (341 boxes). The forces must be at least as accurate as Barnes-Hut's at scikit-learn's theta 0.5, the method the
     * interpolation replaces, and Z within 1 % (3 nodes a box leave about 0.5 % at boxes 0.6 wide, an error that scales
     * every repulsion alike).
     */
    @Test
    void interpolationIsCloseToTheDirectSums() {
        int n = 2000;
        for (double scale : new double[] {0.02, 1, 10}) {
            double[] xy = points(n, scale, 6);
            double[] repulsion = new double[2 * n];
            double z = compute(xy, repulsion, 2);
            QuadTree tree = new QuadTree();
            tree.build(xy, n);
            double[] treeForce = new double[2];
            double exactZ = 0;
            double worstForce = 0;
            double worstTreeForce = 0;
            for (int i = 0; i < n; i++) {
                double[] expected = exact(xy, i);
                exactZ += expected[0];
                worstForce = Math.max(worstForce,
                        Math.hypot(repulsion[2 * i] - expected[1], repulsion[2 * i + 1] - expected[2]) / expected[3]);
                tree.repulsion(xy[2 * i], xy[2 * i + 1], 0.25, treeForce, 0);
                worstTreeForce = Math.max(worstTreeForce,
                        Math.hypot(treeForce[0] - expected[1], treeForce[1] - expected[2]) / expected[3]);
            }
            assertEquals(exactZ, z, 1e-2 * exactZ, "Z at scale " + scale);
            assertTrue(worstForce <= worstTreeForce, "worst relative error of the force at scale " + scale + ": "
                    + worstForce + ", by Barnes-Hut " + worstTreeForce);
        }
    }

    @Test
    void theThreadCountDoesNotChangeABit() {
        int n = 3000;
        double[] xy = points(n, 1, 7);
        double[] one = new double[2 * n];
        double[] two = new double[2 * n];
        double[] three = new double[2 * n];
        double zOne = compute(xy, one, 1);
        double zTwo = compute(xy, two, 2);
        double zThree = compute(xy, three, 3);
        assertArrayEquals(one, two);
        assertArrayEquals(one, three);
        assertEquals(zOne, zTwo);
        assertEquals(zOne, zThree);
    }

    /** openTSNE's rule, a box at most 1 wide and at least 50 of them, in a power-of-two transform. */
    @Test
    void theGridHasBoxesAtMostOneWideInAPowerOfTwo() {
        assertEquals(512, InterpolatedRepulsion.fftLength(1e-6));
        assertEquals(85, InterpolatedRepulsion.boxes(512));
        assertEquals(512, InterpolatedRepulsion.fftLength(85));
        assertEquals(1024, InterpolatedRepulsion.fftLength(85.5));
        assertEquals(2048, InterpolatedRepulsion.fftLength(310.2));
        assertEquals(341, InterpolatedRepulsion.boxes(2048));
        assertEquals(4096, InterpolatedRepulsion.fftLength(5000));
    }
}

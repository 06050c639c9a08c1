package dev.layerscope.reduce.tsne;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.Parallel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TSneRepulsionTest {

    /** Clustered points with a few exact duplicates, which the tree must keep apart from the query point. */
    private static double[] points(int n, long seed) {
        Random random = new Random(seed);
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double centre = 10 * (i % 4);
            xy[2 * i] = centre + random.nextGaussian();
            xy[2 * i + 1] = centre / 2 + random.nextGaussian() * 0.1;
        }
        xy[2] = xy[0];
        xy[3] = xy[1];
        return xy;
    }

    /**
     * sum q, sum q^2 (y_i - y_j) and the sum of the terms' lengths, sum q^2 |y_i - y_j|, over all j at a distance
     * > 0, directly. The last is the scale of the force: where the pulls balance, the force itself is near zero.
     */
    private static double[] exact(double[] xy, int i) {
        double sumQ = 0;
        double fx = 0;
        double fy = 0;
        double magnitude = 0;
        for (int j = 0; j < xy.length / 2; j++) {
            double dx = xy[2 * i] - xy[2 * j];
            double dy = xy[2 * i + 1] - xy[2 * j + 1];
            double d2 = dx * dx + dy * dy;
            if (d2 > 0) {
                double q = 1 / (1 + d2);
                sumQ += q;
                fx += q * q * dx;
                fy += q * q * dy;
                magnitude += q * q * Math.sqrt(d2);
            }
        }
        return new double[] {sumQ, fx, fy, magnitude};
    }

    @Test
    void thetaZeroIsExactAndThetaHalfIsClose() {
        int n = 2000;
        double[] xy = points(n, 5);
        QuadTree tree = new QuadTree();
        tree.build(xy, n);
        double[] force = new double[2];
        double worstSumQ = 0;
        double worstForce = 0;
        for (int i = 0; i < n; i += 7) {
            double[] expected = exact(xy, i);
            double sumQ = tree.repulsion(xy[2 * i], xy[2 * i + 1], 0, force, 0);
            assertEquals(expected[0], sumQ, 1e-9 * expected[0], "sum q of point " + i);
            assertEquals(expected[1], force[0], 1e-9 * Math.abs(expected[0]), "force x of point " + i);
            assertEquals(expected[2], force[1], 1e-9 * Math.abs(expected[0]), "force y of point " + i);
            sumQ = tree.repulsion(xy[2 * i], xy[2 * i + 1], 0.25, force, 0);
            worstSumQ = Math.max(worstSumQ, Math.abs(sumQ - expected[0]) / expected[0]);
            double norm = Math.hypot(expected[1], expected[2]);
            worstForce = Math.max(worstForce, Math.hypot(force[0] - expected[1], force[1] - expected[2]) / norm);
        }
        assertEquals(0, worstSumQ, 0.02, "relative error of sum q at theta 0.5");
        assertEquals(0, worstForce, 0.05, "relative error of the force at theta 0.5");
    }

    /**
     * The interpolation against the direct sums, at two scales: points within a few units (the grid's minimum of 50
     * intervals is finer than 1) and spread over about 100 units (intervals of width about 1). Its forces must be at
     * least as accurate as Barnes-Hut's at scikit-learn's theta 0.5, the method it replaces.
     */
    @Test
    void interpolationIsCloseToTheDirectSums() {
        int n = 2000;
        for (double scale : new double[] {0.1, 3}) {
            double[] xy = points(n, 6);
            for (int i = 0; i < xy.length; i++) {
                xy[i] *= scale;
            }
            double[] repulsion = new double[2 * n];
            double z;
            try (Parallel parallel = new Parallel(2)) {
                z = new InterpolatedRepulsion(parallel).compute(xy, repulsion);
            }
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
            assertEquals(exactZ, z, 1e-3 * exactZ, "Z at scale " + scale);
            assertTrue(worstForce <= worstTreeForce, "worst relative error of the force at scale " + scale + ": "
                    + worstForce + ", by Barnes-Hut " + worstTreeForce);
        }
    }

    /** Against the defining sum, forwards and back. */
    @Test
    void fftIsTheDiscreteFourierTransform() {
        int length = 16;
        Random random = new Random(8);
        double[] re = new double[length];
        double[] im = new double[length];
        for (int t = 0; t < length; t++) {
            re[t] = random.nextGaussian();
            im[t] = random.nextGaussian();
        }
        double[] originalRe = re.clone();
        double[] originalIm = im.clone();
        Fft fft = new Fft(length);
        fft.transform(re, im, 0, false);
        for (int f = 0; f < length; f++) {
            double sumRe = 0;
            double sumIm = 0;
            for (int t = 0; t < length; t++) {
                double angle = -2 * Math.PI * f * t / length;
                sumRe += originalRe[t] * Math.cos(angle) - originalIm[t] * Math.sin(angle);
                sumIm += originalRe[t] * Math.sin(angle) + originalIm[t] * Math.cos(angle);
            }
            assertEquals(sumRe, re[f], 1e-12, "real part at " + f);
            assertEquals(sumIm, im[f], 1e-12, "imaginary part at " + f);
        }
        fft.transform(re, im, 0, true);
        for (int t = 0; t < length; t++) {
            assertEquals(originalRe[t], re[t] / length, 1e-12);
            assertEquals(originalIm[t], im[t] / length, 1e-12);
        }
    }
}

package dev.layerscope.reduce.tsne;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TSneQuadTreeTest {

    /** sum q and sum q^2 (y_i - y_j) over all j at a distance > 0, directly. */
    private static double[] exact(double[] xy, int i) {
        double sumQ = 0;
        double fx = 0;
        double fy = 0;
        for (int j = 0; j < xy.length / 2; j++) {
            double dx = xy[2 * i] - xy[2 * j];
            double dy = xy[2 * i + 1] - xy[2 * j + 1];
            double d2 = dx * dx + dy * dy;
            if (d2 > 0) {
                double q = 1 / (1 + d2);
                sumQ += q;
                fx += q * q * dx;
                fy += q * q * dy;
            }
        }
        return new double[] {sumQ, fx, fy};
    }

    @Test
    void thetaZeroIsExactAndThetaHalfIsClose() {
        int n = 2000;
        double[] xy = TestMaps.clusters(n, 1, 5);
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
}

package dev.layerscope.reduce.tsne;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.Parallel;
import org.junit.jupiter.api.Test;

class TSneInterpolationTest {

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
     * 30 units and over about 300 units (boxes 1 wide, openTSNE's coarsest). Z must be within 1 % (an error that
     * scales every repulsion alike). The forces, relative to the sum of their terms' lengths, must be as accurate
     * on average as Barnes-Hut's at scikit-learn's theta 0.5, the method the interpolation replaces, within a factor
     * 2, and within 10 % at worst: with boxes 1 wide openTSNE's 3 nodes measured 0.6 % on average and 6.6 % at worst
     * here, the tree 0.4 % and 4.6 %.
     */
    @Test
    void interpolationIsCloseToTheDirectSums() {
        int n = 2000;
        for (double scale : new double[] {0.02, 1, 10}) {
            double[] xy = TestMaps.clusters(n, scale, 6);
            double[] repulsion = new double[2 * n];
            double z = compute(xy, repulsion, 2);
            QuadTree tree = new QuadTree();
            tree.build(xy, n);
            double[] treeForce = new double[2];
            double exactZ = 0;
            double worstForce = 0;
            double worstTreeForce = 0;
            double meanForce = 0;
            double meanTreeForce = 0;
            for (int i = 0; i < n; i++) {
                double[] expected = exact(xy, i);
                exactZ += expected[0];
                double error = Math.hypot(repulsion[2 * i] - expected[1], repulsion[2 * i + 1] - expected[2])
                        / expected[3];
                worstForce = Math.max(worstForce, error);
                meanForce += error / n;
                tree.repulsion(xy[2 * i], xy[2 * i + 1], 0.25, treeForce, 0);
                double treeError = Math.hypot(treeForce[0] - expected[1], treeForce[1] - expected[2]) / expected[3];
                worstTreeForce = Math.max(worstTreeForce, treeError);
                meanTreeForce += treeError / n;
            }
            assertEquals(exactZ, z, 1e-2 * exactZ, "Z at scale " + scale);
            assertTrue(meanForce <= 2 * meanTreeForce, "mean relative error of the force at scale " + scale + ": "
                    + meanForce + ", by Barnes-Hut " + meanTreeForce);
            assertTrue(worstForce <= 0.1, "worst relative error of the force at scale " + scale + ": " + worstForce
                    + ", by Barnes-Hut " + worstTreeForce);
        }
    }

    @Test
    void theThreadCountDoesNotChangeABit() {
        int n = 3000;
        double[] xy = TestMaps.clusters(n, 1, 7);
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

    /**
     * openTSNE's rule, a box at most 1 wide and at least 50 of them along the longer side; below 1 the widths come
     * from a ladder, so that they repeat and the kernel's transform is reused; each axis's transform is the power of
     * two that holds twice its nodes.
     */
    @Test
    void theGridHasBoxesAtMostOneWideInAPowerOfTwo() {
        assertEquals(1, InterpolatedRepulsion.boxWidth(50, 50));
        assertEquals(1, InterpolatedRepulsion.boxWidth(300.5, 50));
        assertEquals(301, InterpolatedRepulsion.boxes(300.5, 1));
        assertEquals(2048, InterpolatedRepulsion.fftLength(301));
        assertEquals(1024, InterpolatedRepulsion.fftLength(170));
        assertEquals(2048, InterpolatedRepulsion.fftLength(171));
        assertEquals(512, InterpolatedRepulsion.fftLength(50));
        // 10,000 wide: 682 boxes, the most a 4,096 transform holds, each wider than 1
        double wide = InterpolatedRepulsion.boxWidth(10_000, 50);
        assertEquals(10_000 / 682.0, wide, 1e-12);
        assertEquals(682, InterpolatedRepulsion.boxes(10_000, wide));
        assertEquals(4096, InterpolatedRepulsion.fftLength(682));
        for (double span : new double[] {1e-4, 0.37, 3, 49.9}) {
            double width = InterpolatedRepulsion.boxWidth(span, 50);
            int boxes = InterpolatedRepulsion.boxes(span, width);
            assertTrue(boxes >= 50 && boxes <= 55, span + " wide: " + boxes + " boxes");
            double step = Math.log(width) / Math.log(2) * 8;
            assertEquals(Math.rint(step), step, 1e-9, "a width of the ladder 2^(-j/8)");
            assertEquals(width, InterpolatedRepulsion.boxWidth(span * 1.01, 50) , width * 0.1,
                    "a slightly wider map keeps the width or takes the next step");
        }
    }
}

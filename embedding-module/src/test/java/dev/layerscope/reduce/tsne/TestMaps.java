package dev.layerscope.reduce.tsne;

import java.util.Random;

/** Maps the repulsion tests sum over: the same shapes for the tree and for the interpolation. */
final class TestMaps {

    private TestMaps() {
    }

    /**
     * Four elongated clusters about 10 x scale apart, with one exact duplicate (points 0 and 1), which a repulsion must
     * keep apart from the query point.
     */
    static double[] clusters(int n, double scale, long seed) {
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
}

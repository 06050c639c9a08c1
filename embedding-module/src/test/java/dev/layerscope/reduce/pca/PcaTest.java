package dev.layerscope.reduce.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.reduce.SyntheticBlobs;
import org.junit.jupiter.api.Test;

class PcaTest {

    /**
     * Four points at (+-2, +-1) (the corners of a rectangle, centred on (5, 5)): the covariance is diag(16/3, 4/3),
     * so the components are the x and y axes with variances 16/3 and 4/3 and ratios 0.8 and 0.2.
     */
    @Test
    void matchesTheClosedFormOfARectangle() {
        FloatMatrix data = new FloatMatrix(4, 2, new float[] {7, 6, 3, 6, 7, 4, 3, 4});
        Pca pca = Pca.fit(data, 2);
        assertEquals(16.0 / 3, pca.explainedVariance()[0], 1e-6);
        assertEquals(4.0 / 3, pca.explainedVariance()[1], 1e-6);
        assertEquals(0.8, pca.explainedVarianceRatio()[0], 1e-9);
        assertEquals(1, pca.components().get(0, 0), 1e-6);
        assertEquals(0, pca.components().get(0, 1), 1e-6);
        assertEquals(1, pca.components().get(1, 1), 1e-6);
        FloatMatrix projected = pca.transform(data);
        assertEquals(2, projected.get(0, 0), 1e-5);
        assertEquals(1, projected.get(0, 1), 1e-5);
        assertEquals(-2, projected.get(3, 0), 1e-5);
        assertEquals(-1, projected.get(3, 1), 1e-5);
    }

    /** A line along (1, 2, 2)/3 in 3-D with more points than one covariance block holds. */
    @Test
    void findsTheDirectionOfALineAcrossBlocks() {
        int n = 10_000;
        float[] values = new float[n * 3];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            float t = (float) random.nextGaussian() * 3;
            values[i * 3] = t + 10;
            values[i * 3 + 1] = 2 * t - 4;
            values[i * 3 + 2] = 2 * t + 1;
        }
        Pca pca = Pca.fit(new FloatMatrix(n, 3, values), 1);
        assertEquals(1.0 / 3, pca.components().get(0, 0), 1e-4);
        assertEquals(2.0 / 3, pca.components().get(0, 1), 1e-4);
        assertEquals(1.0, pca.explainedVarianceRatio()[0], 1e-6);
    }

    /**
     * Wider than a whole decomposition handles (subspace iteration): 300 independent columns, the first three with
     * standard deviations 30, 20 and 10, the others between 1 and 5, so the components are the first three axes in
     * that order with variances near 900, 400 and 100.
     */
    @Test
    void wideDataFindsTheAxesOfLargestVarianceInOrder() {
        int n = 4000;
        int d = 300;
        java.util.Random random = new java.util.Random(4);
        float[] values = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                values[i * d + j] = (float) (random.nextGaussian() * (j < 3 ? 30 - 10 * j : 1 + 4.0 * j / d));
            }
        }
        Pca pca = Pca.fit(new FloatMatrix(n, d, values), 3);
        for (int c = 0; c < 3; c++) {
            assertEquals(1, pca.components().get(c, c), 0.01, "component " + c + " is axis " + c);
            double sd = 30 - 10 * c;
            assertEquals(sd * sd, pca.explainedVariance()[c], 0.1 * sd * sd);
        }
    }

    /**
     * One component of 600 columns: the covariance is never formed, each step multiplies by the data. Column 0 has
     * standard deviation 30, the others between 1 and 5 and a mean of 7, so the component is the first axis with
     * variance near 900, and the total variance is the columns' sum.
     */
    @Test
    void aFewComponentsOfVeryWideDataComeFromTheDataDirectly() {
        int n = 3000;
        int d = 600;
        java.util.Random random = new java.util.Random(5);
        float[] values = new float[n * d];
        double expectedTotal = 900;
        for (int j = 1; j < d; j++) {
            double sd = 1 + 4.0 * j / d;
            expectedTotal += sd * sd;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                values[i * d + j] = (float) (7 + random.nextGaussian() * (j == 0 ? 30 : 1 + 4.0 * j / d));
            }
        }
        Pca pca = Pca.fit(new FloatMatrix(n, d, values), 1);
        assertEquals(1, pca.components().get(0, 0), 0.01);
        assertEquals(900, pca.explainedVariance()[0], 90);
        assertEquals(900 / expectedTotal, pca.explainedVarianceRatio()[0], 0.02);
        FloatMatrix projected = pca.transform(new FloatMatrix(1, d, java.util.Arrays.copyOf(values, d)));
        assertEquals(values[0] - 7, projected.get(0, 0), 3, "the projection is centred: about x0 - 7");
    }

    /** Threads share the parts of the rows; the result is the same bits whatever their number. */
    @Test
    void threadsShareTheRowsWithoutChangingTheResult() {
        FloatMatrix data = SyntheticBlobs.of(4, 5000, 20, 6).data();
        Pca one = Pca.fit(data, 3);
        Pca two;
        try (Parallel parallel = new Parallel(2)) {
            two = Pca.fit(data, 3, parallel);
        }
        assertArrayEquals(one.explainedVariance(), two.explainedVariance());
        assertArrayEquals(one.components().values(), two.components().values());
    }
}

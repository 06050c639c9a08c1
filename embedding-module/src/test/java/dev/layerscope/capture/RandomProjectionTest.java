package dev.layerscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The capture's reduction of a wide layer, on constructed data whose distances are known. */
class RandomProjectionTest {

    /**
     * 80 points in 6,000 dimensions, the shape of a ReLU feature map: sparse, non-negative, in 4 clusters, so the
     * distances within a cluster are well below those between clusters. Projected to 1,024 values, every pairwise
     * distance stays within 10% of its own (the Johnson-Lindenstrauss error of a distance is about 1/sqrt(2k) = 2.2%;
     * 10% is 4.5 such errors, room for the largest of 3,160 pairs), and they scatter around it without a bias.
     */
    @Test
    void distancesBetweenRowsAreKeptWithinTenPercent() {
        FloatMatrix points = sparseClusters(80, 6000, 4, 11);
        FloatMatrix projected;
        try (RandomProjection projection = RandomProjection.draw(new RandomProjection.Options(1024, 7), "conv1",
                6000); INDArray rows = Nd4j.create(points.values(), new long[] {80, 6000}, 'c')) {
            projected = new FloatMatrix(80, 1024, projection.apply(rows));
        }
        double worst = 0;
        double sumOfRatios = 0;
        int pairs = 0;
        for (int a = 0; a < 80; a++) {
            for (int b = a + 1; b < 80; b++) {
                double ratio = Math.sqrt(projected.squaredDistance(a, projected, b) / points.squaredDistance(a,
                        points, b));
                worst = Math.max(worst, Math.abs(ratio - 1));
                sumOfRatios += ratio;
                pairs++;
            }
        }
        assertTrue(worst < 0.10, "the worst distance is off by " + worst);
        assertEquals(1, sumOfRatios / pairs, 0.01, "no bias in the distances");
    }

    /** The matrix comes from the seed and the layer's name: the same for the final capture and every epoch. */
    @Test
    void theSameSeedAndLayerProjectTheSameWayAndAnotherLayerOtherwise() {
        FloatMatrix points = sparseClusters(5, 300, 1, 3);
        float[] first = project(points, new RandomProjection.Options(16, 7), "conv1");
        assertArrayEquals(first, project(points, new RandomProjection.Options(16, 7), "conv1"));
        assertFalse(Arrays.equals(first, project(points, new RandomProjection.Options(16, 7), "conv2")),
                "each layer has its own matrix");
        assertFalse(Arrays.equals(first, project(points, new RandomProjection.Options(16, 8), "conv1")));
        assertEquals(5 * 16, first.length);
    }

    /** Rows of a 4-d feature map (images x channels x height x width) project as the same values flattened. */
    @Test
    void aFeatureMapProjectsAsItsFlattenedValues() {
        FloatMatrix points = sparseClusters(3, 2 * 4 * 5, 1, 5);
        try (RandomProjection projection = RandomProjection.draw(new RandomProjection.Options(8, 7), "conv1", 40);
             INDArray flat = Nd4j.create(points.values(), new long[] {3, 40}, 'c');
             INDArray maps = Nd4j.create(points.values(), new long[] {3, 2, 4, 5}, 'c');
             INDArray fortran = maps.dup('f')) {
            float[] expected = projection.apply(flat);
            assertArrayEquals(expected, projection.apply(maps));
            assertArrayEquals(expected, projection.apply(fortran), "in any memory order");
        }
    }

    @Test
    void aWidthBelowOneIsRejectedWithItsKey() {
        InvalidSetting rejected = assertThrows(InvalidSetting.class, () -> new RandomProjection.Options(0, 7));
        assertEquals("width", rejected.key());
    }

    private static float[] project(FloatMatrix points, RandomProjection.Options options, String layer) {
        try (RandomProjection projection = RandomProjection.draw(options, layer, points.cols());
             INDArray rows = Nd4j.create(points.values(), new long[] {points.rows(), points.cols()}, 'c')) {
            return projection.apply(rows);
        }
    }

    /**
     * {@code n} points of {@code d} values in {@code clusters} clusters: each cluster has its own 20% of active
     * coordinates with centre values in [0, 2), each point that centre plus noise of 0.3 on its active ones.
     */
    private static FloatMatrix sparseClusters(int n, int d, int clusters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[clusters][d];
        for (float[] centre : centres) {
            for (int j = 0; j < d; j++) {
                centre[j] = random.nextDouble() < 0.2 ? (float) random.nextDouble(2) : 0;
            }
        }
        FloatMatrix points = FloatMatrix.zeros(n, d);
        for (int i = 0; i < n; i++) {
            float[] centre = centres[i % clusters];
            for (int j = 0; j < d; j++) {
                if (centre[j] > 0) {
                    points.set(i, j, Math.max(0, centre[j] + (float) (0.3 * random.nextGaussian())));
                }
            }
        }
        return points;
    }
}

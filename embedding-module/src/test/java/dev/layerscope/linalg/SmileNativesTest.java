package dev.layerscope.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.Test;
import smile.feature.extraction.PCA;

/** Smile's PCA needs native BLAS and LAPACK; on a machine without them installed it must still run. */
class SmileNativesTest {

    @Test
    void pcaRunsAndFindsTheDirectionOfLargestVariance() {
        assertFalse(SmileNatives.ensureLoaded().isBlank());
        Random random = new Random(1);
        double[][] points = new double[500][3];
        for (double[] point : points) {
            double t = random.nextGaussian() * 10;
            point[0] = t + random.nextGaussian() * 0.1;
            point[1] = 2 * t + random.nextGaussian() * 0.1;
            point[2] = random.nextGaussian() * 0.1;
        }
        PCA pca = PCA.fit(points).getProjection(1);
        double origin = pca.apply(new double[] {0, 0, 0})[0];
        // the first axis is (1, 2, 0) / sqrt(5): the step (1, 2, 0) projects to +-sqrt(5), the step (0, 0, 1) to 0
        assertEquals(Math.sqrt(5), Math.abs(pca.apply(new double[] {1, 2, 0})[0] - origin), 0.01);
        assertEquals(0, pca.apply(new double[] {0, 0, 1})[0] - origin, 0.01);
        assertEquals(1, pca.apply(points[0]).length);
    }
}

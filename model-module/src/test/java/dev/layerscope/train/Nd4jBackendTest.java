package dev.layerscope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J's native CPU backend loads on JDK 25 with the platform-restricted natives, and computes. */
class Nd4jBackendTest {

    @Test
    void theNativeCpuBackendMultipliesMatrices() {
        assertEquals("CPU", Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
        INDArray a = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        INDArray b = Nd4j.create(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, a.mmul(b).data().asFloat());
    }
}

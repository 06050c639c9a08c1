package dev.layerscope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The oneDNN helpers compute what DL4J's own convolution, pooling and batch-norm code computes. */
class OneDnnTest {

    private static final String NETWORK = """
            layers = [
              { type = conv2d, filters = 6, kernel = 3 }
              { type = batchnorm }
              { type = conv2d, filters = 8, kernel = 3, padding = same, activation = tanh }
              { type = maxpool, size = 2 }
              { type = dense, units = 12 }
              { type = output }
            ]
            """;

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void theBuildOnLinuxX8664LoadsNd4jWithOneDnn() {
        assertTrue(OneDnn.available(), "model-module's onednn-linux-x86_64 profile puts ND4J's oneDNN build on "
                + "the classpath; without it the CNN trains about 7x slower");
    }

    @Test
    void helpersGiveTheSameOutputsAndGradientsAsDl4jsOwnCode() {
        ModelSettings settings = NetworkShapesTest.settings(NETWORK);
        NetworkShapes.Input input = new NetworkShapes.Input(1, 10, 10);
        MultiLayerNetwork plain = new MultiLayerNetwork(NetworkFactory.configuration(settings, input, 3));
        plain.init();
        MultiLayerNetwork helped = NetworkFactory.build(settings, input, 3);
        assertEquals(plain.params(), helped.params(), "same seed, same starting weights");
        assertEquals(OneDnn.available() ? 4 : 0, OneDnn.attach(helped), "two convolutions, batch norm, pooling");

        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 100).muli(2).subi(1);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 3);
        for (int i = 0; i < 16; i++) {
            y.putScalar(i, i % 3, 1);
        }
        assertClose(plain.output(x, false), helped.output(x, false), "inference outputs");
        assertClose(plain.output(x, true), helped.output(x, true), "training-mode outputs (batch statistics)");

        for (MultiLayerNetwork network : new MultiLayerNetwork[] {plain, helped}) {
            network.setInput(x);
            network.setLabels(y);
            network.computeGradientAndScore();
        }
        assertEquals(plain.score(), helped.score(), 1e-4, "loss");
        assertClose(plain.gradient().gradient(), helped.gradient().gradient(), "gradients of every parameter");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double difference = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(difference <= 1e-3 * scale, what + " differ by " + difference + " (largest value " + scale + ")");
    }
}

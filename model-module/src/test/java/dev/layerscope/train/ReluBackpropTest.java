package dev.layerscope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The faster ReLU gradient is DL4J's, trains the same weights, and leaves DL4J's ReLU in the configuration. */
class ReluBackpropTest {

    /** Two ReLU layers (the convolution's and the first dense one's), one tanh, dropout, and the output. */
    private static final String NETWORK = """
            layers = [
              { type = conv2d, filters = 4, kernel = 3 }
              { type = maxpool, size = 2 }
              { type = dense, units = 12 }
              { type = dropout, rate = 0.5 }
              { type = dense, units = 8, activation = tanh }
              { type = output }
            ]
            """;
    private static final NetworkShapes.Input INPUT = new NetworkShapes.Input(1, 10, 10);

    @Test
    void theGradientIsDl4jsReluGradient() {
        // inputs below, at and above 0, gradients of both signs
        SplittableRandom random = new SplittableRandom(7);
        float[] in = new float[4096];
        float[] epsilon = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = i % 7 == 0 ? 0 : (float) random.nextGaussian();
            epsilon[i] = (float) random.nextGaussian();
        }
        float[] expected = new ActivationReLU().backprop(Nd4j.create(in, 64, 64), Nd4j.create(epsilon, 64, 64))
                .getFirst().data().asFloat();
        float[] actual = new ReluBackprop.SteppedRelu(new ActivationReLU())
                .backprop(Nd4j.create(in, 64, 64), Nd4j.create(epsilon, 64, 64)).getFirst().data().asFloat();
        for (int i = 0; i < in.length; i++) {
            // a delta of 0 takes -0 and +0 as equal, and nothing else
            assertEquals(expected[i], actual[i], 0f, "element " + i + " (input " + in[i] + ")");
        }
    }

    @Test
    void trainingWithItGivesTheSameWeights() {
        float[] plain = train(false);
        float[] installed = train(true);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], installed[i], 0f, "parameter " + i);
        }
        assertNotEquals(0, plain.length);
    }

    @Test
    void closingPutsDl4jsReluBackInTheConfiguration() {
        MultiLayerNetwork network = NetworkFactory.build(NetworkShapesTest.settings(NETWORK), INPUT, 3);
        String before = network.getLayerWiseConfigurations().toJson();
        try (ReluBackprop backprop = ReluBackprop.install(network)) {
            assertEquals(2, backprop.layers(), "the convolution's and the first dense layer's ReLU");
            assertInstanceOf(ReluBackprop.SteppedRelu.class, activation(network, 0));
            assertInstanceOf(ReluBackprop.SteppedRelu.class, activation(network, 2));
        }
        assertEquals(ActivationReLU.class, activation(network, 0).getClass());
        assertEquals(before, network.getLayerWiseConfigurations().toJson());
    }

    private static Object activation(MultiLayerNetwork network, int layer) {
        return ((BaseLayer) network.getLayer(layer).conf().getLayer()).getActivationFn();
    }

    /** The parameters after 20 Adam steps on seeded random images, dropout's masks from the same seed. */
    private static float[] train(boolean installed) {
        MultiLayerNetwork network = NetworkFactory.build(NetworkShapesTest.settings(NETWORK), INPUT, 3);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 100).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 3);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 3, 1);
        }
        ReluBackprop backprop = installed ? ReluBackprop.install(network) : null;
        for (int step = 0; step < 20; step++) {
            network.fit(new DataSet(x, y));
        }
        if (backprop != null) {
            backprop.close();
        }
        return network.params().data().asFloat();
    }
}

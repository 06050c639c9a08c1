package dev.layerscope.report.html;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class InsideNetworkTest {

    @Test
    void theConvolutionalPartIsEveryLayerUpToTheFlattenAndShowsConvolutionsAndPooling() {
        InsideNetwork inside = InsideNetwork.of(SmallCnn.trained(), SmallCnn.NAMES, SmallCnn.SIDE, SmallCnn.SIDE)
                .orElseThrow();
        assertEquals(List.of("conv1", "norm1", "conv2", "pool1", "dropout1"),
                inside.layers().stream().map(InsideNetwork.Step::name).toList());
        assertEquals(List.of("conv1", "conv2", "pool1"), inside.shown().stream().map(InsideNetwork.Step::name)
                .toList());
        InsideNetwork.Conv conv1 = (InsideNetwork.Conv) inside.layers().get(0);
        assertArrayEquals(new int[] {4, 8, 8}, conv1.out());
        assertEquals(4 * 9, conv1.weights().length);
        InsideNetwork.Conv conv2 = (InsideNetwork.Conv) inside.layers().get(2);
        assertArrayEquals(new int[] {5, 4, 4}, conv2.out());
        assertEquals(5 * 4 * 9, conv2.weights().length);
        // same padding of 8 rows by a 3x3 kernel with stride 2: (4 - 1) x 2 + 3 - 8 = 1 row in all, none above
        assertArrayEquals(new int[] {0, 0}, conv2.pad());
        assertEquals(0.01, conv2.alpha(), 1e-6, "DL4J's leaky ReLU slope");
        assertArrayEquals(new int[] {5, 2, 2}, inside.layers().get(3).out());
    }

    @Test
    void aNetworkThatStartsWithADenseLayerHasNone() {
        MultiLayerNetwork mlp = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list().layer(new DenseLayer.Builder().nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(16)).build());
        mlp.init();
        assertTrue(InsideNetwork.of(mlp, List.of("dense1", "output"), 4, 4).isEmpty());
    }
}

package dev.layerscope.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link NetworkGradients} takes convolution layers by libnd4j's ops, the input's gradient alone; here its passes are
 * compared with the plain path it replaced, every layer's own {@code backpropGradient} (which computes the weights'
 * gradients too), on tiny CNNs whose convolutions have every setting LayerScope builds: truncated and same padding,
 * stride 1 and 2 (with a row and a column the stride leaves out), ReLU and tanh. On 12x12 images every convolution
 * goes by the ops; on 11x12 images the first two do not (an output that is not square, same padding whose stride does
 * not divide the input) and backpropagate themselves beside the third, which does.
 */
class NetworkGradientsTest {

    private static final int CLASSES = 4;
    private static final int IMAGES = 6;

    @ParameterizedTest(name = "{0}, {1}x{2}")
    @CsvSource({"FLOAT, 12, 12", "DOUBLE, 12, 12", "FLOAT, 11, 12", "DOUBLE, 11, 12"})
    void convolutionsByTheirInputsGradientAloneGiveWhatTheirOwnBackpropagationGives(DataType type, int rows,
                                                                                     int cols) {
        MultiLayerNetwork network = network(type, rows, cols);
        Random random = new Random(3);
        float[] pixels = new float[IMAGES * rows * cols];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = random.nextFloat();
        }
        INDArray x = Nd4j.create(pixels, new long[] {IMAGES, rows * cols}, 'c').castTo(type);
        int[] classes = {0, 1, 2, 3, 1, 2};
        // down to the input (saliency, integrated gradients), and from batch norm and the last convolution (Grad-CAM)
        for (int layer : new int[] {-1, 1, 3}) {
            NetworkGradients.Pass fast = NetworkGradients.of(network).run(x, classes, layer, true);
            NetworkGradients.Pass plain = plain(network, x, classes, layer);
            String what = type + ", " + rows + "x" + cols + ", layer " + layer;
            assertClose(plain.logits(), fast.logits(), type, what + ": logits");
            assertClose(plain.inputGradient(), fast.inputGradient(), type, what + ": the input's gradient");
            if (layer >= 0) {
                assertClose(plain.layerOutput(), fast.layerOutput(), type, what + ": the layer's output");
                assertClose(plain.layerGradient(), fast.layerGradient(), type, what + ": the layer's gradient");
            }
        }
    }

    /**
     * conv 3x3 ReLU (truncated; 10x10 out of 12x12, 9x10 of 11x12), batch norm, conv 3x3 tanh same padding stride 2
     * (5x5), conv 2x2 ReLU stride 2 (truncated, 2x2, leaving the last row and column out), max pooling 2x2, dropout,
     * dense, output; batch norm's statistics moved by a little training.
     */
    private static MultiLayerNetwork network(DataType type, int rows, int cols) {
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder().seed(9).dataType(type).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).stride(2, 2).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(5).stride(2, 2).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(1, 1)
                        .build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(rows, cols, 1)).build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        INDArray features = Nd4j.rand(type, 16, rows * cols);
        INDArray labels = Nd4j.zeros(type, 16, CLASSES);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % CLASSES, 1);
        }
        for (int i = 0; i < 3; i++) {
            network.fit(features, labels);
        }
        return network;
    }

    /** The path {@link NetworkGradients} replaced: every layer below the output by its own backpropagation. */
    private static NetworkGradients.Pass plain(MultiLayerNetwork original, INDArray input, int[] classes, int layer) {
        MultiLayerNetwork network = original.clone();
        network.initGradientsView();
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        MultiLayerConfiguration configuration = network.getLayerWiseConfigurations();
        int top = network.getnLayers() - 1;
        int batch = (int) input.size(0);
        INDArray current = input;
        INDArray[] inputs = new INDArray[top];
        INDArray layerOutput = null;
        for (int i = 0; i < top; i++) {
            current = preProcess(configuration.getInputPreProcess(i), current, batch, workspaces);
            inputs[i] = current;
            current = network.getLayer(i).activate(current, false, workspaces);
            if (i == layer) {
                layerOutput = current.dup();
            }
        }
        current = preProcess(configuration.getInputPreProcess(top), current, batch, workspaces);
        INDArray weights = network.getLayer(top).getParam("W");
        INDArray logits = current.mmul(weights).addiRowVector(network.getLayer(top).getParam("b"));
        INDArray chosen = Nd4j.zeros(input.dataType(), batch, CLASSES);
        for (int i = 0; i < batch; i++) {
            chosen.putScalar(i, classes[i], 1.0);
        }
        INDArray epsilon = backprop(configuration.getInputPreProcess(top), chosen.mmul(weights.transpose()), batch,
                workspaces);
        INDArray layerGradient = null;
        for (int i = top - 1; i >= 0; i--) {
            if (i == layer) {
                layerGradient = epsilon.dup();
            }
            Layer below = network.getLayer(i);
            if (below instanceof org.deeplearning4j.nn.layers.DropoutLayer) {
                epsilon = epsilon.dup();
            } else if (below instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                long[] shape = inputs[i].shape().clone();
                shape[0] = 1;
                INDArray slope = below.activate(Nd4j.ones(input.dataType(), shape), false, workspaces).dup()
                        .subi(below.activate(Nd4j.zeros(input.dataType(), shape), false, workspaces));
                epsilon = epsilon.mul(slope.broadcast(epsilon.shape()));
            } else {
                epsilon = below.backpropGradient(epsilon, workspaces).getSecond();
            }
            epsilon = backprop(configuration.getInputPreProcess(i), epsilon, batch, workspaces);
        }
        return new NetworkGradients.Pass(logits, epsilon, layerOutput, layerGradient);
    }

    private static INDArray preProcess(InputPreProcessor pre, INDArray x, int batch, LayerWorkspaceMgr workspaces) {
        return pre == null ? x : pre.preProcess(x, batch, workspaces);
    }

    private static INDArray backprop(InputPreProcessor pre, INDArray epsilon, int batch,
                                     LayerWorkspaceMgr workspaces) {
        return pre == null ? epsilon : pre.backprop(epsilon, batch, workspaces);
    }

    /**
     * Equal up to rounding: within 1e-5 of the largest value in float (oneDNN's convolutions sum in another order
     * than DL4J's own), 1e-10 in double.
     */
    private static void assertClose(INDArray expected, INDArray actual, DataType type, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(scale > 0, what + " is not all zero: the comparison says something");
        double difference = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber()
                .doubleValue();
        double tolerance = (type == DataType.FLOAT ? 1e-5 : 1e-10) * scale;
        assertTrue(difference <= tolerance, what + " differ by " + difference + " (largest value " + scale + ")");
    }
}

package dev.layerscope.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.linalg.FloatMatrix;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Attribution maps on tiny networks whose answers are known. */
class AttributionTest {

    private static final AttributionSettings SETTINGS = new AttributionSettings(List.of(),
            AttributionSettings.Target.PREDICTED, 50, Optional.empty(), 1,
            new AttributionSettings.Sanity(20, 42, 0.5));

    /** A softmax layer on 6 pixels, 3 classes: logit c is x . W[:, c] + b[c]. */
    private static MultiLayerNetwork linear(double[][] weights, double[] bias) {
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        network.getLayer(0).setParam("W", Nd4j.create(weights));
        network.getLayer(0).setParam("b", Nd4j.create(bias, new long[] {1, 3}));
        return network;
    }

    private static final double[][] WEIGHTS = {
            {0.5, -1, 2}, {-0.25, 3, 0}, {1.5, 0.5, -2}, {0, -0.75, 1}, {2, 1, 0.25}, {-1, 0, 0.5}};
    private static final double[] BIAS = {0.1, -0.2, 0.3};

    private static FloatMatrix images() {
        return new FloatMatrix(2, 6, new float[] {0.2f, 0.9f, 0f, 0.4f, 1f, 0.3f, 0.7f, 0.1f, 0.5f, 0.6f, 0f, 0.8f});
    }

    @Test
    void saliencyOfALinearModelIsTheWeightColumnOfTheChosenClass() {
        int[] classes = {2, 1};
        Attribution.Maps maps = Attribution.measure(linear(WEIGHTS, BIAS), images(), classes, 2, 3, -1,
                List.of(Method.SALIENCY), SETTINGS);
        for (int i = 0; i < 2; i++) {
            float[] map = maps.map(i, 0);
            for (int p = 0; p < 6; p++) {
                assertEquals(WEIGHTS[p][classes[i]], map[p], 1e-6, "image " + i + " pixel " + p);
            }
        }
    }

    @Test
    void integratedGradientsOfALinearModelArePixelTimesWeightAndSumToTheLogitsChange() {
        int[] classes = {0, 2};
        FloatMatrix images = images();
        Attribution.Maps maps = Attribution.measure(linear(WEIGHTS, BIAS), images, classes, 2, 3, -1,
                List.of(Method.SALIENCY, Method.INTEGRATED_GRADIENTS), SETTINGS);
        for (int i = 0; i < 2; i++) {
            float[] map = maps.map(i, 1);
            double logitChange = 0;
            for (int p = 0; p < 6; p++) {
                double expected = images.get(i, p) * WEIGHTS[p][classes[i]];
                assertEquals(expected, map[p], 1e-6, "image " + i + " pixel " + p);
                logitChange += expected;
            }
            assertTrue(maps.completenessError()[i] < 1e-6, "completeness error " + maps.completenessError()[i]);
            assertTrue(Math.abs(logitChange) > 0.1, "the test is not vacuous");
        }
    }

    /**
     * A network with every kind of layer LayerScope builds (convolution, batch norm, max pooling, dropout, dense),
     * smooth activations and non-trivial batch-norm statistics: the input gradient agrees with central differences
     * of the logit, and softmax of the logits is DL4J's own output.
     */
    @Test
    void theInputGradientThroughEveryKindOfLayerMatchesFiniteDifferences() {
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)).build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        Random random = new Random(7);
        INDArray features = Nd4j.rand(DataType.DOUBLE, 20, 36);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 20, 3);
        for (int i = 0; i < 20; i++) {
            labels.putScalar(i, random.nextInt(3), 1);
        }
        for (int i = 0; i < 5; i++) {
            network.fit(features, labels); // moves batch norm's running statistics away from 0 and 1
        }
        float[] pixels = new float[36];
        for (int p = 0; p < 36; p++) {
            pixels[p] = random.nextFloat();
        }
        NetworkGradients gradients = NetworkGradients.of(network);
        INDArray x = Nd4j.create(pixels, new long[] {1, 36}, 'c').castTo(DataType.DOUBLE);
        NetworkGradients.Pass pass = gradients.run(x, new int[] {1}, -1, true);
        double[] logits = pass.logits().toDoubleVector();
        double sum = 0;
        for (double logit : logits) {
            sum += Math.exp(logit);
        }
        double[] softmax = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            softmax[c] = Math.exp(logits[c]) / sum;
        }
        assertArrayEquals(network.output(x, false).toDoubleVector(), softmax, 1e-9);
        double step = 1e-6;
        for (int p = 0; p < 36; p++) {
            INDArray up = x.dup();
            up.putScalar(0, p, x.getDouble(0, p) + step);
            INDArray down = x.dup();
            down.putScalar(0, p, x.getDouble(0, p) - step);
            double difference = (gradients.run(up, new int[] {1}, -1, false).logits().getDouble(0, 1)
                    - gradients.run(down, new int[] {1}, -1, false).logits().getDouble(0, 1)) / (2 * step);
            assertEquals(difference, pass.inputGradient().getDouble(0, p), 1e-6, "pixel " + p);
        }
    }

    /**
     * A convolution of two 2x2 filters (one summing its patch, one its negative, both ReLU) on a 4x4 image bright
     * only in three pixels of its top-left corner, then a softmax layer: the Grad-CAM is the convolution's 3x3 grid,
     * equals the channels weighted by the mean of the output layer's weights over each (the logit's gradient by
     * them), and is zero wherever the convolution's activations are.
     */
    @Test
    void gradCamHasTheConvolutionsGridAndIsZeroWhereItsActivationsAre() {
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(4, 4, 1)).build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        INDArray filters = Nd4j.ones(DataType.DOUBLE, 2, 1, 2, 2);
        filters.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1)).muli(-1);
        network.getLayer(0).setParam("W", filters);
        network.getLayer(0).setParam("b", Nd4j.zeros(DataType.DOUBLE, 1, 2));
        INDArray outputWeights = network.getLayer(1).getParam("W"); // 18 x 3, flattened channel-major
        for (int row = 0; row < 9; row++) {
            outputWeights.putScalar(row, 0, 0.25 + 0.05 * row); // channel 0 raises class 0's logit
        }
        float[] image = new float[16];
        image[0] = 1;
        image[1] = 0.5f;
        image[4] = 0.75f;
        FloatMatrix images = new FloatMatrix(1, 16, image);

        Attribution.GradCam cam = Attribution.gradCam(NetworkGradients.of(network), images, new int[] {0}, 0);
        assertEquals(List.of(1, 3, 3), List.of(cam.images(), cam.height(), cam.width()));
        INDArray activation = network.feedForward(Nd4j.create(image, new long[] {1, 16}, 'c')
                .castTo(DataType.DOUBLE), false).get(1); // 1 x 2 x 3 x 3
        double[] alpha = new double[2];
        for (int k = 0; k < 2; k++) {
            for (int p = 0; p < 9; p++) {
                alpha[k] += outputWeights.getDouble(k * 9 + p, 0) / 9;
            }
        }
        int zeros = 0;
        for (int p = 0; p < 9; p++) {
            double a0 = activation.getDouble(0, 0, p / 3, p % 3);
            double a1 = activation.getDouble(0, 1, p / 3, p % 3);
            assertEquals(0, a1, "the negative filter is off everywhere on a non-negative image");
            assertEquals(Math.max(0, alpha[0] * a0 + alpha[1] * a1), cam.maps()[p], 1e-6, "cell " + p);
            if (a0 == 0) {
                assertEquals(0, cam.maps()[p], "cell " + p);
                zeros++;
            }
        }
        assertEquals(6, zeros, "only the three cells touching the bright pixels are active");
        assertTrue(cam.maps()[0] > 0);

        Attribution.Maps maps = Attribution.measure(network, images, new int[] {0}, 4, 4, 0,
                List.of(Method.GRAD_CAM), SETTINGS);
        float[] stretched = maps.map(0, 0);
        assertEquals(16, stretched.length, "stretched to the image's 4x4");
        assertEquals(0, stretched[15], "the bottom-right corner is far from any active cell");
        assertTrue(stretched[0] > 0);
    }
}

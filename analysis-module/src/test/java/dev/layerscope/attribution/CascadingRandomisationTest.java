package dev.layerscope.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.attribution.CascadingRandomisation.Line;
import dev.layerscope.linalg.FloatMatrix;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The cascading randomisation check and its rank correlation. */
class CascadingRandomisationTest {

    @Test
    void spearmanRanksTiesByTheirMeanRank() {
        assertArrayEquals(new double[] {3.5, 1, 3.5, 2}, CascadingRandomisation.ranks(new float[] {5, 1, 5, 3}));
        assertEquals(1, CascadingRandomisation.spearman(new float[] {1, 2, 3, 4}, new float[] {1, 8, 27, 64}), 1e-12,
                "any increasing function of the values has their ranks");
        assertEquals(-1, CascadingRandomisation.spearman(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}), 1e-12);
        // ranks 1, 2, 3, 4 against 2, 1, 4, 3: 1 - 6 * 4 / (4 * 15) = 0.6
        assertEquals(0.6, CascadingRandomisation.spearman(new float[] {1, 2, 3, 4}, new float[] {2, 1, 4, 3}),
                1e-12);
        assertTrue(Double.isNaN(CascadingRandomisation.spearman(new float[] {1, 2}, new float[] {3, 3})));
    }

    @Test
    void aMethodIsFlaggedOnlyWhenItsMapsStayAboveTheThresholdAtEveryStep() {
        List<Line> lines = List.of(new Line(Method.SALIENCY, 1, "output", 0.9), new Line(Method.SALIENCY, 2,
                "dense1", 0.2), new Line(Method.INTEGRATED_GRADIENTS, 1, "output", 0.95),
                new Line(Method.INTEGRATED_GRADIENTS, 2, "dense1", 0.6));
        assertEquals(List.of(Method.INTEGRATED_GRADIENTS), CascadingRandomisation.flagged(lines, 0.5));
        assertEquals(List.of(), CascadingRandomisation.flagged(lines, 0.7));
    }

    /**
     * A small MLP trained on 16 inputs whose class is the largest of three weighted sums: its saliency maps follow
     * the weights it learnt, so with every layer randomised they lose their rank correlation with the trained ones
     * (a copy that kept any trained weights by mistake would keep it near 1).
     */
    @Test
    void saliencyLosesItsRankCorrelationAsTheLayersAreRandomised() {
        Random random = new Random(11);
        int n = 300;
        double[][] truth = new double[16][3];
        for (double[] row : truth) {
            for (int c = 0; c < 3; c++) {
                row[c] = random.nextGaussian();
            }
        }
        float[] pixels = new float[n * 16];
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 3);
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            double[] score = new double[3];
            for (int p = 0; p < 16; p++) {
                pixels[i * 16 + p] = random.nextFloat();
                for (int c = 0; c < 3; c++) {
                    score[c] += (pixels[i * 16 + p] - 0.5) * truth[p][c];
                }
            }
            classes[i] = score[0] > score[1] ? (score[0] > score[2] ? 0 : 2) : (score[1] > score[2] ? 1 : 2);
            labels.putScalar(i, classes[i], 1);
        }
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder().seed(2).updater(new Adam(0.02))
                .list()
                .layer(new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(12).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        INDArray features = Nd4j.create(pixels, new long[] {n, 16}, 'c');
        for (int epoch = 0; epoch < 200; epoch++) {
            network.fit(features, labels);
        }
        FloatMatrix images = new FloatMatrix(n, 16, pixels).rows(java.util.stream.IntStream.range(0, 30).toArray());
        int[] targets = java.util.Arrays.copyOf(classes, 30);
        AttributionSettings settings = new AttributionSettings(List.of(Method.SALIENCY),
                AttributionSettings.Target.PREDICTED, 10, Optional.empty(), 1,
                new AttributionSettings.Sanity(30, 42, 0.5));
        Attribution.Maps trained = Attribution.measure(network, images, targets, 4, 4, -1, List.of(Method.SALIENCY),
                settings);
        List<Line> lines = CascadingRandomisation.run(network, List.of("dense1", "output"), images, targets, trained,
                -1, settings, 42);
        assertEquals(List.of("output", "dense1"), lines.stream().map(Line::layer).toList());
        assertEquals(List.of(1, 2), lines.stream().map(Line::layersRandomised).toList());
        assertTrue(lines.get(1).meanSpearman() < 0.5, lines.toString());
        assertEquals(List.of(), CascadingRandomisation.flagged(lines, 0.5));
    }
}

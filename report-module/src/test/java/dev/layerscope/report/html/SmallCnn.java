package dev.layerscope.report.html;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.ConvolutionMode;
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
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A small CNN on 10x10 images with every layer the inside panel reproduces: a valid 3x3 convolution (ReLU) to 8x8,
 * batch norm, a same-padded 3x3 convolution with stride 2 (leaky ReLU) to 4x4, whose padding is uneven (none above,
 * one row below), 2x2 max pooling to 2x2 and dropout, then dense and output layers. Trained a few steps on random
 * data so that batch norm's statistics and the weights are not their initial values.
 */
final class SmallCnn {

    static final int SIDE = 10;
    static final List<String> NAMES = List.of("conv1", "norm1", "conv2", "pool1", "dropout1", "dense1", "output");

    private SmallCnn() {
    }

    static MultiLayerNetwork trained() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().name("norm1").build())
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(5).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.LEAKYRELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1").kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new DropoutLayer.Builder(0.5).name("dropout1").build())
                .layer(new DenseLayer.Builder().name("dense1").nOut(6).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(SIDE, SIDE, 1)).build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        Random random = new Random(3);
        float[] pixels = new float[32 * SIDE * SIDE];
        float[] labels = new float[32 * 3];
        for (int i = 0; i < 32; i++) {
            for (int p = 0; p < SIDE * SIDE; p++) {
                pixels[i * SIDE * SIDE + p] = random.nextFloat();
            }
            labels[i * 3 + random.nextInt(3)] = 1;
        }
        DataSet batch = new DataSet(Nd4j.create(pixels, new long[] {32, SIDE * SIDE}, 'c'),
                Nd4j.create(labels, new long[] {32, 3}, 'c'));
        for (int step = 0; step < 5; step++) {
            network.fit(batch);
        }
        return network;
    }

    /** Images of random pixels, 0 to 255, row-major, one after another. */
    static byte[] images(int count, long seed) {
        byte[] pixels = new byte[count * SIDE * SIDE];
        new Random(seed).nextBytes(pixels);
        return pixels;
    }
}

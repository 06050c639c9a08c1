package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class WeightFiguresTest {

    /** 6 x 5 images (not square, so rows and columns cannot be swapped unnoticed), 3 classes. */
    private static final int ROWS = 6;
    private static final int COLS = 5;

    private static MultiLayerNetwork mlp() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().name("dense1").nOut(10).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.8).name("dropout").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(ROWS * COLS))
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    private static MultiLayerNetwork cnn() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(6).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(ROWS, COLS, 1))
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    @Test
    void layersWithWeightsAreSummarisedAndDrawn() throws IOException {
        List<WeightFigures.LayerWeights> layers =
                WeightFigures.layers(mlp(), List.of("dense1", "dropout", "output"));
        assertEquals(List.of("dense1", "output"), layers.stream().map(WeightFigures.LayerWeights::layer).toList());
        assertEquals(ROWS * COLS * 10, layers.get(0).weights().length, "dense1's weights, without its biases");
        assertEquals(10 * 3, layers.get(1).weights().length);
        for (WeightFigures.LayerWeights layer : layers) {
            assertTrue(layer.min() < layer.mean() && layer.mean() < layer.max() && layer.std() > 0,
                    layer.layer() + ": " + layer);
            Pictures.written(WeightFigures.histogram(layer), "weights-" + layer.layer(),
                    WeightFigures.HISTOGRAM_WIDTH, WeightFigures.HISTOGRAM_HEIGHT);
        }
    }

    @Test
    void denseFirstLayerIsATilePerUnitOfTheImageShape() throws IOException {
        BufferedImage image = WeightFigures.firstLayer(mlp(), ROWS, COLS);
        // 10 units in a 4 x 3 grid of 6 x 5 tiles upscaled 10 times (to the 56 pixels of the longer side)
        int scale = 10;
        Pictures.written(image, "first-layer-dense", Math.max(420, WeightFigures.GAP + 4 * (COLS * scale
                + WeightFigures.GAP)), WeightFigures.TITLE_HEIGHT + 3 * (ROWS * scale + WeightFigures.GAP)
                + WeightFigures.GAP + WeightFigures.SCALE_HEIGHT);
        assertTrue(hasBlueAndRed(image), "the diverging scale shows both signs");
    }

    @Test
    void convolutionFirstLayerIsATilePerKernel() throws IOException {
        BufferedImage image = WeightFigures.firstLayer(cnn(), ROWS, COLS);
        // 6 kernels of 3 x 3 upscaled 19 times, in a 3 x 2 grid
        int tile = 3 * 19;
        Pictures.written(image, "first-layer-conv", 420, WeightFigures.TITLE_HEIGHT + 2 * (tile + WeightFigures.GAP)
                + WeightFigures.GAP + WeightFigures.SCALE_HEIGHT);
        assertTrue(hasBlueAndRed(image), "the diverging scale shows both signs");
    }

    /** Negative and positive weights both show in the tiles (above the scale bar): blue and red pixels. */
    private static boolean hasBlueAndRed(BufferedImage image) {
        int bottom = image.getHeight() - WeightFigures.SCALE_HEIGHT;
        int blue = 0;
        int red = 0;
        for (int y = WeightFigures.TITLE_HEIGHT; y < bottom; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                java.awt.Color pixel = new java.awt.Color(image.getRGB(x, y));
                blue += pixel.getBlue() > pixel.getRed() + 60 ? 1 : 0;
                red += pixel.getRed() > pixel.getBlue() + 60 ? 1 : 0;
            }
        }
        return blue > 0 && red > 0;
    }
}

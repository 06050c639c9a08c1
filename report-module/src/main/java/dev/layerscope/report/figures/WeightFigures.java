package dev.layerscope.report.figures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import smile.plot.swing.Figure;
import smile.plot.swing.Histogram;

/**
 * The network's weights: a histogram per layer ({@value #HISTOGRAM_WIDTH} x {@value #HISTOGRAM_HEIGHT}, drawn whole
 * by smile-plot) and the first layer's weights as images (Java2D: tiles of a diverging scale, which smile-plot has no
 * plot for; the image is as large as its tiles need, see {@link #firstLayer}).
 */
public final class WeightFigures {

    static final int HISTOGRAM_WIDTH = 900;
    static final int HISTOGRAM_HEIGHT = 600;
    private static final int BINS = 60;
    /** Tiles are upscaled to at least this many pixels on their longer side. */
    private static final int TILE_MIN_PIXELS = 56;
    static final int GAP = 4;
    static final int TITLE_HEIGHT = 36;
    static final int SCALE_HEIGHT = 44;
    static final Color NEGATIVE = new Color(0x2166AC);
    static final Color POSITIVE = new Color(0xB2182B);

    private WeightFigures() {
    }

    /**
     * One layer's weights with their summary.
     *
     * @param layer   the layer's name
     * @param weights every weight (not bias) of the layer, in DL4J's order
     */
    public record LayerWeights(String layer, float[] weights, double min, double max, double mean, double std) {

        static LayerWeights of(String layer, float[] weights) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (float w : weights) {
                min = Math.min(min, w);
                max = Math.max(max, w);
                sum += w;
            }
            double mean = sum / weights.length;
            double squares = 0;
            for (float w : weights) {
                squares += (w - mean) * (w - mean);
            }
            return new LayerWeights(layer, weights, min, max, mean, Math.sqrt(squares / weights.length));
        }
    }

    /** The weights of each layer that has them (dense, convolution, output), named by {@code layerNames}. */
    public static List<LayerWeights> layers(MultiLayerNetwork network, List<String> layerNames) {
        Layer[] layers = network.getLayers();
        if (layers.length != layerNames.size()) {
            throw new IllegalArgumentException(layers.length + " layers but " + layerNames.size() + " names");
        }
        List<LayerWeights> result = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            INDArray weights = weights(layers[i]);
            if (weights != null) {
                result.add(LayerWeights.of(layerNames.get(i), weights.dup('c').data().asFloat()));
            }
        }
        return result;
    }

    /** A layer's weight matrix or kernels, or null when it has none (dropout, pooling, batch norm). */
    private static INDArray weights(Layer layer) {
        return layer.paramTable().get(DefaultParamInitializer.WEIGHT_KEY);
    }

    /** The histogram of one layer's weights, its summary in the title. */
    public static BufferedImage histogram(LayerWeights layer) {
        double[] values = new double[layer.weights().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = layer.weights()[i];
        }
        Figure figure = Histogram.of(values, BINS, false, Figures.classColor(0)).figure();
        figure.setTitle(String.format(Locale.ROOT, "%s weights: n=%d, min=%.4f, max=%.4f, mean=%.4f, std=%.4f",
                        layer.layer(), values.length, layer.min(), layer.max(), layer.mean(), layer.std()))
                .setTitleFont(Figures.TITLE_FONT).setAxisLabels("weight", "count").setLegendVisible(false);
        return Figures.render(figure, HISTOGRAM_WIDTH, HISTOGRAM_HEIGHT).image();
    }

    /**
     * The first layer that has weights, as images on a blue-white-red scale symmetric about 0 and shared by all
     * tiles (so tiles compare): a dense layer on the flat image gives one {@code imageRows x imageCols} tile per unit
     * (its incoming weights), a convolution one tile per kernel (the mean over its input channels). Tiles are laid
     * out in a near-square grid and upscaled to at least {@value #TILE_MIN_PIXELS} pixels; the image's size follows
     * (128 units of 28 x 28: 12 x 11 tiles of 56 pixels, about 720 x 740).
     */
    public static BufferedImage firstLayer(MultiLayerNetwork network, int imageRows, int imageCols) {
        Layer first = null;
        for (Layer layer : network.getLayers()) {
            if (weights(layer) != null) {
                first = layer;
                break;
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("the network has no layer with weights");
        }
        INDArray w = weights(first);
        float[][] tiles;
        int rows;
        int cols;
        String kind;
        if (w.rank() == 4) {
            // DL4J kernels: [out channels, in channels, kernel rows, kernel cols]
            rows = (int) w.size(2);
            cols = (int) w.size(3);
            tiles = kernels(w);
            kind = "kernels (mean over input channels)";
        } else if (w.rank() == 2 && w.size(0) == (long) imageRows * imageCols) {
            // DL4J dense weights: [inputs, units]; column u holds unit u's weight of each pixel, row-major
            rows = imageRows;
            cols = imageCols;
            tiles = w.transpose().dup('c').toFloatMatrix();
            kind = "units' input weights";
        } else {
            throw new IllegalArgumentException("the first layer's weights " + java.util.Arrays.toString(w.shape())
                    + " are neither kernels nor a dense layer on " + imageRows + "x" + imageCols + " images");
        }
        return tileImage(tiles, rows, cols, first.conf().getLayer().getLayerName() + ": " + tiles.length + " " + kind);
    }

    private static float[][] kernels(INDArray w) {
        int out = (int) w.size(0);
        int in = (int) w.size(1);
        int area = (int) (w.size(2) * w.size(3));
        float[] values = w.dup('c').data().asFloat();
        float[][] tiles = new float[out][area];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int p = 0; p < area; p++) {
                    tiles[o][p] += values[(o * in + c) * area + p] / in;
                }
            }
        }
        return tiles;
    }

    /** Tiles of {@code rows x cols} values each in a grid under a title, with the colour scale below. */
    private static BufferedImage tileImage(float[][] tiles, int rows, int cols, String title) {
        float limit = 0;
        for (float[] tile : tiles) {
            for (float v : tile) {
                limit = Math.max(limit, Math.abs(v));
            }
        }
        int scale = Math.max(1, (TILE_MIN_PIXELS + Math.max(rows, cols) - 1) / Math.max(rows, cols));
        int across = (int) Math.ceil(Math.sqrt(tiles.length));
        int down = (tiles.length + across - 1) / across;
        int tileWidth = cols * scale;
        int tileHeight = rows * scale;
        int width = Math.max(420, GAP + across * (tileWidth + GAP));
        int height = TITLE_HEIGHT + down * (tileHeight + GAP) + GAP + SCALE_HEIGHT;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Figures.graphics(image);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        for (int t = 0; t < tiles.length; t++) {
            int left = (width - across * (tileWidth + GAP) + GAP) / 2 + (t % across) * (tileWidth + GAP);
            int top = TITLE_HEIGHT + (t / across) * (tileHeight + GAP);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    g.setColor(diverging(tiles[t][r * cols + c], limit));
                    g.fillRect(left + c * scale, top + r * scale, scale, scale);
                }
            }
            // a frame, since weights near 0 are white like the gaps between tiles
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(left - 1, top - 1, tileWidth + 1, tileHeight + 1);
        }
        g.setColor(Color.BLACK);
        g.setFont(Figures.TITLE_FONT);
        Figures.drawCentred(g, title, width / 2, TITLE_HEIGHT - 12);
        drawScale(g, limit, width / 2 - 150, height - SCALE_HEIGHT + 6, 300);
        g.dispose();
        return image;
    }

    /** The colour bar from {@code -limit} to {@code +limit} with its end values. */
    private static void drawScale(Graphics2D g, float limit, int left, int top, int length) {
        for (int x = 0; x < length; x++) {
            g.setColor(diverging((2f * x / (length - 1) - 1) * limit, limit));
            g.fillRect(left + x, top, 1, 12);
        }
        g.setColor(Color.BLACK);
        g.setFont(Figures.TEXT_FONT);
        int baseline = top + 28;
        Figures.drawCentred(g, String.format(Locale.ROOT, "%.3f", -limit), left, baseline);
        Figures.drawCentred(g, "0", left + length / 2, baseline);
        Figures.drawCentred(g, String.format(Locale.ROOT, "%.3f", limit), left + length, baseline);
    }

    /** Blue for negative, white for 0, red for positive, saturated at {@code |value| = limit}. */
    static Color diverging(float value, float limit) {
        double t = limit == 0 ? 0 : Math.max(-1, Math.min(1, value / limit));
        return Figures.mix(Color.WHITE, t < 0 ? NEGATIVE : POSITIVE, Math.abs(t));
    }
}

package dev.layerscope.report.html;

import dev.layerscope.data.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolutional part of a trained network, as the report page's "inside" panel recomputes it in JavaScript for
 * any image it has the pixels of: every layer from the input up to the first one that is not a convolution, pooling,
 * batch norm or dropout layer (the flatten before the dense layers), with its weights. Convolutions and pooling layers
 * are shown, a tile per channel; batch norm is applied (as the scale and shift per channel DL4J's own layer computes
 * in inference) and dropout is the identity. Storing the weights (the reference CNN's two convolutions: 18,816
 * floats, 75 KB) instead of feature maps (its conv1, conv2 and pool1: 67,712 values an image) is what lets the page
 * show any image.
 *
 * @param rows   the input image's rows
 * @param cols   its columns
 * @param layers the layers, in order
 */
public record InsideNetwork(int rows, int cols, List<Step> layers) {

    /** Activations the page computes; another stops the convolutional part before its layer. */
    public enum Activation { RELU, LEAKYRELU, TANH, SIGMOID, ELU, IDENTITY }

    /** One layer of the convolutional part. */
    public sealed interface Step {
        /** The DL4J layer index. */
        int index();

        String name();

        /** Whether the page shows its feature maps. */
        boolean shown();

        /** Output channels, rows, columns. */
        int[] out();
    }

    /**
     * A convolution: weights {@code filters x in x kernel[0] x kernel[1]}, row-major (DL4J's own order), bias per
     * filter; the output at (y, x) reads the input from (y * stride[0] - pad[0], x * stride[1] - pad[1]), zero
     * outside.
     *
     * @param alpha the slope below 0 of leaky ReLU, the scale of ELU
     */
    public record Conv(int index, String name, int in, int[] kernel, int[] stride, int[] pad, int[] out,
                       Activation activation, double alpha, float[] weights, float[] bias) implements Step {
        public boolean shown() {
            return true;
        }
    }

    /** Max or average pooling over a window, positions outside the input left out. */
    public record Pool(int index, String name, boolean max, int[] kernel, int[] stride, int[] pad, int[] out)
            implements Step {
        public boolean shown() {
            return true;
        }
    }

    /** Batch norm in inference: per channel {@code x * scale + shift}. */
    public record Affine(int index, String name, float[] scale, float[] shift, int[] out) implements Step {
        public boolean shown() {
            return false;
        }
    }

    /** Dropout: the identity in inference. */
    public record Identity(int index, String name, int[] out) implements Step {
        public boolean shown() {
            return false;
        }
    }

    /** The layers shown, in order. */
    public List<Step> shown() {
        return layers.stream().filter(Step::shown).toList();
    }

    /**
     * The convolutional part of {@code network}, whose layers are named {@code names} (by DL4J index); empty when its
     * first layer is no convolution or pooling layer (an MLP) or the images are not one channel.
     */
    public static Optional<InsideNetwork> of(MultiLayerNetwork network, List<String> names, int rows, int cols) {
        List<Step> steps = new ArrayList<>();
        List<INDArray> shapes;
        try (INDArray blank = Nd4j.zeros(DataType.FLOAT, 1, (long) rows * cols)) {
            shapes = network.feedForward(blank, false);
        }
        for (int i = 0; i < network.getnLayers(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = network.getLayerWiseConfigurations().getConf(i).getLayer();
            long[] shape = shapes.get(i + 1).shape();
            if (shape.length != 4) {
                break;
            }
            int[] out = {(int) shape[1], (int) shape[2], (int) shape[3]};
            long[] before = shapes.get(i).shape();
            int[] in = before.length == 4 ? new int[] {(int) before[2], (int) before[3]} : new int[] {rows, cols};
            Optional<Step> step = switch (conf) {
                case ConvolutionLayer conv when conv.getClass() == ConvolutionLayer.class -> conv(network, i,
                        names.get(i), conv, in, out);
                case SubsamplingLayer pool when pool.getClass() == SubsamplingLayer.class -> pool(i, names.get(i),
                        pool, in, out);
                case BatchNormalization batchNorm -> Optional.of(affine(network, i, names.get(i), out));
                case DropoutLayer dropout -> Optional.of(new Identity(i, names.get(i), out));
                default -> Optional.empty();
            };
            if (step.isEmpty()) {
                break;
            }
            steps.add(step.get());
        }
        if (steps.isEmpty() || !(steps.getFirst() instanceof Conv || steps.getFirst() instanceof Pool)
                || (steps.getFirst() instanceof Conv first && first.in() != 1)) {
            return Optional.empty();
        }
        return Optional.of(new InsideNetwork(rows, cols, steps));
    }

    /**
     * DL4J's feature maps of the layers shown for {@code images} (each a row of pixels in [0, 1]), as
     * {@code <layer>.npy} files of images x channels x rows x columns (float32) in {@code dir}.
     */
    public void writeFeatureMaps(MultiLayerNetwork network, float[] images, int count, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (INDArray input = Nd4j.create(images, new long[] {count, (long) rows * cols}, 'c')) {
            List<INDArray> activations = network.feedForward(input, false);
            for (Step step : shown()) {
                INDArray maps = activations.get(step.index() + 1);
                Npy.writeFloats(dir.resolve(step.name() + ".npy"), Nd4j.toFlattened('c', maps).toFloatVector(),
                        maps.shape());
            }
        }
    }

    /** The network as the page's JSON: layers with their weights as base64 of little-endian float32. */
    public Map<String, Object> json() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Step step : layers) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("name", step.name());
            layer.put("shown", step.shown());
            layer.put("out", ints(step.out()));
            switch (step) {
                case Conv conv -> {
                    layer.put("type", "conv");
                    layer.put("in", conv.in());
                    layer.put("kernel", ints(conv.kernel()));
                    layer.put("stride", ints(conv.stride()));
                    layer.put("pad", ints(conv.pad()));
                    layer.put("activation", conv.activation().name().toLowerCase(Locale.ROOT));
                    layer.put("alpha", conv.alpha());
                    layer.put("weights", base64(conv.weights()));
                    layer.put("bias", base64(conv.bias()));
                }
                case Pool pool -> {
                    layer.put("type", pool.max() ? "maxpool" : "avgpool");
                    layer.put("kernel", ints(pool.kernel()));
                    layer.put("stride", ints(pool.stride()));
                    layer.put("pad", ints(pool.pad()));
                }
                case Affine affine -> {
                    layer.put("type", "affine");
                    layer.put("scale", base64(affine.scale()));
                    layer.put("shift", base64(affine.shift()));
                }
                case Identity identity -> layer.put("type", "identity");
            }
            list.add(layer);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rows", rows);
        json.put("cols", cols);
        json.put("layers", list);
        return json;
    }

    /** Little-endian float32, base64: what the page decodes into a Float32Array. */
    static String base64(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static Optional<Step> conv(MultiLayerNetwork network, int index, String name, ConvolutionLayer conf,
                                       int[] in, int[] out) {
        Optional<Activation> activation = activation(conf);
        if (activation.isEmpty() || conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1) {
            return Optional.empty();
        }
        INDArray weights = network.getLayer(index).getParam("W");
        int inChannels = (int) weights.size(1);
        float[] bias = conf.hasBias() ? network.getLayer(index).getParam("b").toFloatVector() : new float[out[0]];
        return Optional.of(new Conv(index, name, inChannels, conf.getKernelSize().clone(), conf.getStride().clone(),
                padding(conf.getConvolutionMode(), conf.getPadding(), conf.getKernelSize(), conf.getStride(), in, out),
                out, activation.get(), alpha(conf.getActivationFn(), activation.get()),
                Nd4j.toFlattened('c', weights).toFloatVector(), bias));
    }

    private static Optional<Step> pool(int index, String name, SubsamplingLayer conf, int[] in, int[] out) {
        String type = String.valueOf(conf.getPoolingType());
        if (!type.equals("MAX") && !type.equals("AVG") || conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1) {
            return Optional.empty();
        }
        int[] pad = padding(conf.getConvolutionMode(), conf.getPadding(), conf.getKernelSize(), conf.getStride(), in,
                out);
        if (type.equals("AVG") && (pad[0] != 0 || pad[1] != 0)) {
            return Optional.empty(); // whether the padding counts in the average is DL4J's detail: not reproduced
        }
        return Optional.of(new Pool(index, name, type.equals("MAX"), conf.getKernelSize().clone(),
                conf.getStride().clone(), pad, out));
    }

    /**
     * Batch norm as DL4J's layer computes it in inference, read off the layer itself: its output for an input of
     * 0 and of 1 in every channel is the shift and the shift plus the scale.
     */
    private static Step affine(MultiLayerNetwork network, int index, String name, int[] out) {
        float[] shift = probe(network, index, out[0], 0f);
        float[] scale = probe(network, index, out[0], 1f);
        for (int c = 0; c < scale.length; c++) {
            scale[c] -= shift[c];
        }
        return new Affine(index, name, scale, shift, out);
    }

    private static float[] probe(MultiLayerNetwork network, int index, int channels, float value) {
        try (INDArray input = Nd4j.valueArrayOf(new long[] {1, channels, 1, 1}, value, DataType.FLOAT)) {
            INDArray output = network.getLayer(index).activate(input, false, LayerWorkspaceMgr.noWorkspaces());
            return Nd4j.toFlattened('c', output).toFloatVector();
        }
    }

    /** The top and left padding: DL4J's own in Truncate and Strict mode, in Same mode half the total, rounded down. */
    private static int[] padding(ConvolutionMode mode, int[] padding, int[] kernel, int[] stride, int[] in,
                                 int[] out) {
        if (mode != ConvolutionMode.Same) {
            return padding.clone();
        }
        int[] pad = new int[2];
        for (int d = 0; d < 2; d++) {
            pad[d] = Math.max(0, ((out[d + 1] - 1) * stride[d] + kernel[d] - in[d]) / 2);
        }
        return pad;
    }

    private static Optional<Activation> activation(BaseLayer conf) {
        return switch (conf.getActivationFn().getClass().getSimpleName()) {
            case "ActivationReLU" -> Optional.of(Activation.RELU);
            case "ActivationLReLU" -> Optional.of(Activation.LEAKYRELU);
            case "ActivationTanH" -> Optional.of(Activation.TANH);
            case "ActivationSigmoid" -> Optional.of(Activation.SIGMOID);
            case "ActivationELU" -> Optional.of(Activation.ELU);
            case "ActivationIdentity" -> Optional.of(Activation.IDENTITY);
            default -> Optional.empty();
        };
    }

    /** Leaky ReLU's slope or ELU's scale, read off the function at -1. */
    private static double alpha(IActivation function, Activation activation) {
        if (activation != Activation.LEAKYRELU && activation != Activation.ELU) {
            return 0;
        }
        try (INDArray minusOne = Nd4j.valueArrayOf(new long[] {1, 1}, -1f, DataType.FLOAT)) {
            double at = function.getActivation(minusOne, false).getDouble(0);
            return activation == Activation.LEAKYRELU ? -at : at / (Math.exp(-1) - 1);
        }
    }

    private static List<Integer> ints(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }
}

package dev.layerscope.attribution;

import dev.layerscope.train.OneDnn;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.DropoutLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The gradient of one logit per image with respect to the network's input (and to one layer's output), through
 * DL4J's and libnd4j's own backpropagation: a forward pass in inference mode, then the layers' backpropagation from
 * the top, with an epsilon that starts as the output layer's weight column of the image's class.
 *
 * <p>{@code MultiLayerNetwork.backpropGradient} refuses a network that ends in an output layer, and the output
 * layer's own backpropagation starts from its loss, so the output layer is taken by hand: a dense output layer's
 * logits are {@code x W + b}, and the gradient of logit {@code c} with respect to {@code x} is column {@code c} of
 * {@code W}. Dense and pooling layers backpropagate themselves ({@code backpropGradient}), with two exceptions in
 * inference mode, where DL4J's backpropagation is that of training: a dropout layer is the identity (its
 * backpropagation needs the mask of a training pass), and batch normalisation is an affine map per value with the
 * running statistics, whose slope is read off the layer itself as {@code f(1) - f(0)}.
 *
 * <p>A convolution layer is taken by libnd4j's ops instead of its {@code backpropGradient}, which would run the
 * forward convolution again and compute the weights' gradient besides, three convolutions' work where only the
 * input's gradient, one convolution, is wanted: forward, {@code conv2d} (the op DL4J's oneDNN helper runs), keeping
 * the pre-activation; backward, the activation's own {@code backprop}, then {@code deconv2d_tf}, libnd4j's gradient
 * of {@code conv2d} by its input alone (TensorFlow's Conv2DBackpropInput; on oneDNN a backward-data convolution).
 * Where the op cannot take the shapes (same padding whose stride does not divide the input, a padded convolution
 * whose stride leaves rows out), and where this version's oneDNN code of the op is wrong (an output that is not
 * square, a dilated kernel), the layer backpropagates itself. {@code NetworkGradientsTest} checks that this gives
 * what the layer's own backpropagation gives.
 *
 * <p>Not thread-safe: the layers keep their inputs between the passes. Give each thread its own copy of the network.
 */
final class NetworkGradients {

    /** DL4J's key of a dense or convolution layer's weights (DefaultParamInitializer, ConvolutionParamInitializer). */
    private static final String WEIGHTS = "W";
    private static final String BIAS = "b";

    private final MultiLayerNetwork network;
    private final DataType type;
    /** Per layer below the output, how libnd4j's ops compute it when it is a convolution; null for other layers. */
    private final Convolution[] convolutions;

    /**
     * @param network a network of its own: its layers keep their inputs and gradients from pass to pass
     */
    NetworkGradients(MultiLayerNetwork network) {
        this.network = network;
        this.type = network.params().dataType();
        if (network.getLayer(network.getnLayers() - 1).getParam(WEIGHTS) == null) {
            throw new IllegalArgumentException("the output layer has no weight matrix `W`: attribution needs a dense "
                    + "output layer, whose logits are x W + b");
        }
        if (network.getGradientsViewArray() == null) {
            network.initGradientsView();
        }
        convolutions = new Convolution[network.getnLayers() - 1];
        for (int i = 0; i < convolutions.length; i++) {
            convolutions[i] = Convolution.of(network.getLayer(i));
        }
    }

    /**
     * A copy of {@code network} to compute on, leaving the original (and the layers' states) alone, with DL4J's
     * oneDNN helpers for its pooling and batch-norm layers where oneDNN is available (a clone has none).
     */
    static NetworkGradients of(MultiLayerNetwork network) {
        MultiLayerNetwork copy = network.clone();
        OneDnn.attach(copy);
        return new NetworkGradients(copy);
    }

    MultiLayerNetwork network() {
        return network;
    }

    /**
     * One pass.
     *
     * @param logits        images x classes, the output layer's scores before softmax
     * @param inputGradient images x input width: d logit(class of the image) / d input; null when the pass stopped at
     *                      the layer
     * @param layerOutput   the output of the layer asked for (images x its shape, e.g. images x channels x h x w);
     *                      null when none was asked for
     * @param layerGradient d logit / d that output, of the same shape; null when none was asked for
     */
    record Pass(INDArray logits, INDArray inputGradient, INDArray layerOutput, INDArray layerGradient) {
    }

    /**
     * The logits of {@code input} (images x input width) and the gradient of logit {@code classes[i]} of image i with
     * respect to the input and, when {@code layer >= 0}, to the output of DL4J layer {@code layer}.
     *
     * @param toInput whether to backpropagate down to the input; without it the pass stops at {@code layer}
     */
    Pass run(INDArray input, int[] classes, int layer, boolean toInput) {
        if (layer >= network.getnLayers() - 1) {
            throw new IllegalArgumentException("layer " + layer + " is not below the output layer");
        }
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        MultiLayerConfiguration configuration = network.getLayerWiseConfigurations();
        int top = network.getnLayers() - 1;
        int batch = (int) input.size(0);
        INDArray current = input.castTo(type);
        INDArray[] inputs = new INDArray[top + 1];
        INDArray[] preActivations = new INDArray[top];
        INDArray layerOutput = null;
        for (int i = 0; i < top; i++) {
            current = preProcess(configuration.getInputPreProcess(i), current, batch, workspaces);
            inputs[i] = current;
            if (convolutions[i] != null) {
                // the layer keeps its input for its own backpropagation, should the ops not fit (see inputGradient)
                network.getLayer(i).setInput(current, workspaces);
                preActivations[i] = convolutions[i].preActivation(current);
                current = convolutions[i].activation().getActivation(preActivations[i].dup(), false);
            } else {
                current = network.getLayer(i).activate(current, false, workspaces);
            }
            if (i == layer) {
                layerOutput = current.dup();
            }
        }
        current = preProcess(configuration.getInputPreProcess(top), current, batch, workspaces);
        Layer output = network.getLayer(top);
        INDArray weights = output.getParam(WEIGHTS); // inputs x classes
        INDArray bias = output.getParam(BIAS);
        INDArray logits = current.mmul(weights);
        if (bias != null) {
            logits.addiRowVector(bias);
        }
        INDArray chosen = Nd4j.zeros(type, batch, weights.size(1));
        for (int i = 0; i < batch; i++) {
            chosen.putScalar(i, classes[i], 1.0);
        }
        INDArray epsilon = chosen.mmul(weights.transpose());
        epsilon = backprop(configuration.getInputPreProcess(top), epsilon, batch, workspaces);
        INDArray layerGradient = null;
        for (int i = top - 1; i >= 0 && (toInput || layer >= 0); i--) {
            if (i == layer) {
                layerGradient = epsilon.dup();
                if (!toInput) {
                    break;
                }
            }
            Layer below = network.getLayer(i);
            INDArray byOps = convolutions[i] == null ? null
                    : convolutions[i].inputGradient(inputs[i].shape(), preActivations[i], epsilon);
            if (byOps != null) {
                epsilon = byOps;
            } else if (below instanceof DropoutLayer) {
                epsilon = epsilon.dup(); // the identity in inference mode
            } else if (below instanceof BatchNormalization) {
                INDArray one = Nd4j.ones(type, withBatch(inputs[i].shape(), 1));
                INDArray slope = below.activate(one, false, workspaces).dup()
                        .subi(below.activate(Nd4j.zeros(type, one.shape()), false, workspaces));
                epsilon = epsilon.mul(slope.broadcast(epsilon.shape()));
            } else {
                epsilon = below.backpropGradient(epsilon, workspaces).getSecond();
            }
            epsilon = backprop(configuration.getInputPreProcess(i), epsilon, batch, workspaces);
        }
        return new Pass(logits, toInput ? epsilon : null, layerOutput, layerGradient);
    }

    /**
     * A DL4J convolution layer (the plain 2-D one, channels first, truncated or same padding) as libnd4j's ops
     * compute it.
     *
     * @param weights    DL4J's weights, output x input channels x kernel rows x columns, seen as libnd4j's kernel
     *                   rows x columns x input x output channels (as DL4J's oneDNN helper passes them)
     * @param bias       the output channels' biases, null without
     * @param activation the layer's activation
     * @param arguments  the ops' integer arguments: kernel, stride, padding and dilation (rows then columns), 1 for
     *                   same padding, 0 for channels first
     */
    private record Convolution(INDArray weights, INDArray bias, IActivation activation, int[] arguments) {

        /** The layer as a convolution, or null when it is not one this class computes. */
        static Convolution of(Layer layer) {
            if (layer.getClass() != ConvolutionLayer.class || !(layer.conf().getLayer()
                    instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf)) {
                return null;
            }
            ConvolutionMode mode = conf.getConvolutionMode();
            int[] dilation = conf.getDilation();
            // libnd4j 1.0.0-M2.1's oneDNN deconv2d_tf pads as if undilated
            if (conf.getCnn2dDataFormat() != CNN2DFormat.NCHW || dilation[0] != 1 || dilation[1] != 1
                    || mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Same) {
                return null;
            }
            int[] kernel = conf.getKernelSize();
            int[] stride = conf.getStride();
            int[] padding = conf.getPadding();
            boolean same = mode == ConvolutionMode.Same; // libnd4j finds the padding itself, as DL4J does
            int[] arguments = {kernel[0], kernel[1], stride[0], stride[1], same ? 0 : padding[0],
                    same ? 0 : padding[1], dilation[0], dilation[1], same ? 1 : 0, 0};
            INDArray bias = conf.hasBias() ? layer.getParam(BIAS) : null;
            return new Convolution(layer.getParam(WEIGHTS).permute(2, 3, 1, 0),
                    bias == null ? null : bias.reshape(bias.length()), conf.getActivationFn(), arguments);
        }

        /** The pre-activation of {@code input}, images x channels x rows x columns. */
        INDArray preActivation(INDArray input) {
            INDArray[] inputs = bias == null ? new INDArray[] {input, weights} : new INDArray[] {input, weights, bias};
            return Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addIntegerArguments(arguments)
                    .build())[0];
        }

        /**
         * The gradient by the layer's input (of shape {@code inputShape}) from {@code epsilon}, the gradient by its
         * output, {@code preActivation} being the input's pre-activation; null where {@code deconv2d_tf} cannot take
         * the shapes, and the layer's own backpropagation is left to do it. The op wants an input of exactly the size
         * its output and stride give back ({@code (out - 1) * stride + kernel - 2 * padding}, {@code out * stride}
         * with same padding); an unpadded convolution whose stride leaves the last rows or columns out has a zero
         * gradient there, and the op fills the rows and columns it covers.
         */
        INDArray inputGradient(long[] inputShape, INDArray preActivation, INDArray epsilon) {
            if (preActivation.size(2) != preActivation.size(3)) {
                return null; // libnd4j 1.0.0-M2.1's oneDNN deconv2d_tf takes the output's height for its width
            }
            long[] covered = inputShape.clone();
            for (int axis = 0; axis < 2; axis++) {
                long out = preActivation.size(2 + axis);
                int stride = arguments[2 + axis];
                int padding = arguments[4 + axis];
                int extent = (arguments[axis] - 1) * arguments[6 + axis] + 1;
                boolean same = arguments[8] == 1;
                covered[2 + axis] = same ? out * stride : (out - 1) * stride + extent - 2L * padding;
                if (covered[2 + axis] != inputShape[2 + axis] && (same || padding != 0)) {
                    return null;
                }
            }
            INDArray delta = activation.backprop(preActivation.dup(), epsilon).getFirst();
            INDArray gradient = Nd4j.create(delta.dataType(), covered);
            Nd4j.exec(DynamicCustomOp.builder("deconv2d_tf").addInputs(Nd4j.createFromArray(covered), weights,
                    delta).addOutputs(gradient).addIntegerArguments(arguments).build());
            if (Arrays.equals(covered, inputShape)) {
                return gradient;
            }
            INDArray whole = Nd4j.zeros(delta.dataType(), inputShape);
            whole.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, covered[2]),
                    NDArrayIndex.interval(0, covered[3])).assign(gradient);
            return whole;
        }
    }

    private static long[] withBatch(long[] shape, long batch) {
        long[] one = shape.clone();
        one[0] = batch;
        return one;
    }

    private static INDArray preProcess(InputPreProcessor pre, INDArray x, int batch, LayerWorkspaceMgr workspaces) {
        return pre == null ? x : pre.preProcess(x, batch, workspaces);
    }

    private static INDArray backprop(InputPreProcessor pre, INDArray epsilon, int batch,
                                     LayerWorkspaceMgr workspaces) {
        return pre == null ? epsilon : pre.backprop(epsilon, batch, workspaces);
    }
}

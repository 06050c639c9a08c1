package dev.layerscope.attribution;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.DropoutLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient of one logit per image with respect to the network's input (and to one layer's output), through
 * DL4J's own backpropagation: a forward pass in inference mode, then each layer's {@code backpropGradient} from the
 * top, with an epsilon that starts as the output layer's weight column of the image's class.
 *
 * <p>{@code MultiLayerNetwork.backpropGradient} refuses a network that ends in an output layer, and the output
 * layer's own backpropagation starts from its loss, so the output layer is taken by hand: a dense output layer's
 * logits are {@code x W + b}, and the gradient of logit {@code c} with respect to {@code x} is column {@code c} of
 * {@code W}. The layers below it backpropagate themselves, with two exceptions in inference mode, where DL4J's
 * backpropagation is that of training: a dropout layer is the identity (its backpropagation needs the mask of a
 * training pass), and batch normalisation is an affine map per value with the running statistics, whose slope is
 * read off the layer itself as {@code f(1) - f(0)}.
 *
 * <p>Not thread-safe: the layers keep their inputs between the passes. Give each thread its own copy of the network.
 */
final class NetworkGradients {

    /** DL4J's key of a dense layer's weights (DefaultParamInitializer). */
    private static final String WEIGHTS = "W";
    private static final String BIAS = "b";

    private final MultiLayerNetwork network;
    private final DataType type;

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
    }

    /** A copy of {@code network} to compute on, leaving the original (and the layers' states) alone. */
    static NetworkGradients of(MultiLayerNetwork network) {
        return new NetworkGradients(network.clone());
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
            if (below instanceof DropoutLayer) {
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

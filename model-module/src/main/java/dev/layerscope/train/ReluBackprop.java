package dev.layerscope.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A faster backward pass for DL4J's plain ReLU, put in place while a network trains and taken out again before
 * anything saves it.
 *
 * <p>DL4J 1.0.0-M2.1's {@code ActivationReLU.backprop} runs libnd4j's {@code relu_bp} op, which calls a
 * {@code std::function} per element: perf put it at about 6% of a training step of the reference CNN (its two
 * convolutions' ReLUs take 7.5 million elements a step). The same gradient, {@code epsilon} where the input is
 * above 0 and 0 elsewhere, comes from two of libnd4j's vectorised loops: the {@code Step} transform (1 above 0, else
 * 0) and a multiplication by {@code epsilon}. Where the input is not above 0 the product is a zero whose sign is
 * {@code epsilon}'s, which no later sum or Adam step tells from +0, so the trained weights are the same bits
 * ({@code ReluBackpropTest}); the CNN's epoch took about 6% less (docs/performance.md, "Training speed").
 *
 * <p>Only while training: the network's configuration is what {@code model.zip} stores, and it must name DL4J's
 * own activation so that DL4J alone can read the file. {@link #install} swaps the activation object of every layer
 * with a plain ReLU (no cap, threshold or slope) for a {@link SteppedRelu}, and {@link #close} puts each original
 * back.
 */
final class ReluBackprop implements AutoCloseable {

    /** The layers whose ReLU was swapped, each with its original. */
    private final List<Pair<BaseLayer, ActivationReLU>> swapped;

    private ReluBackprop(List<Pair<BaseLayer, ActivationReLU>> swapped) {
        this.swapped = swapped;
    }

    /**
     * Puts the faster backward pass into every layer of {@code network} whose activation is a plain ReLU; closing
     * the result puts DL4J's back.
     */
    static ReluBackprop install(MultiLayerNetwork network) {
        List<Pair<BaseLayer, ActivationReLU>> swapped = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer conf
                    && conf.getActivationFn() instanceof ActivationReLU relu && isPlain(relu)) {
                swapped.add(new Pair<>(conf, relu));
                conf.setActivationFn(new SteppedRelu(relu));
            }
        }
        return new ReluBackprop(List.copyOf(swapped));
    }

    /** How many layers run the faster backward pass. */
    int layers() {
        return swapped.size();
    }

    @Override
    public void close() {
        for (Pair<BaseLayer, ActivationReLU> layer : swapped) {
            layer.getFirst().setActivationFn(layer.getSecond());
        }
    }

    private static boolean isPlain(ActivationReLU relu) {
        return relu.getClass() == ActivationReLU.class && relu.getMax() == null && isZeroOrNull(relu.getThreshold())
                && isZeroOrNull(relu.getNegativeSlope());
    }

    private static boolean isZeroOrNull(Double value) {
        return value == null || value == 0;
    }

    /** A plain ReLU whose backward pass is the step function times epsilon; its forward pass is DL4J's. */
    static final class SteppedRelu extends BaseActivationFunction {

        private final ActivationReLU relu;

        SteppedRelu(ActivationReLU relu) {
            this.relu = relu;
        }

        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            return relu.getActivation(in, training);
        }

        /** dL/dz, in {@code in}'s own memory, as DL4J's activations return it. */
        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            assertShape(in, epsilon);
            Nd4j.getExecutioner().exec(new Step(in, in, 0.0));
            return new Pair<>(in.muli(epsilon), null);
        }

        @Override
        public String toString() {
            return relu.toString();
        }
    }
}

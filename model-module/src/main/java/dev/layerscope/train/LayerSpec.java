package dev.layerscope.train;

import dev.layerscope.kernel.Default;
import java.util.Optional;

/**
 * One layer of a network as the experiment file describes it, e.g. {@code { type = conv2d, filters = 32 }}.
 * Every layer may carry a {@code name}; by default layers are called {@code dense1}, {@code conv1}, ... in order of
 * their type, and the last one {@code output}. Sizes are checked by {@link NetworkShapes}, which names the layer.
 */
public sealed interface LayerSpec {

    /** The name given in the experiment, if any. */
    Optional<String> name();

    /** The prefix of default names: {@code dense} for dense1, dense2, ... */
    String kind();

    /** A fully connected layer. */
    record Dense(Optional<String> name, int units, @Default("relu") Activation activation) implements LayerSpec {
        public String kind() {
            return "dense";
        }
    }

    /**
     * A 2-D convolution over the image (or the previous convolution's feature maps).
     *
     * @param padding {@code valid} (no padding, the output shrinks) or {@code same} (the output keeps its size)
     */
    record Conv2d(Optional<String> name, int filters, @Default("3") int kernel, @Default("1") int stride,
                  @Default("valid") Padding padding, @Default("relu") Activation activation) implements LayerSpec {
        public String kind() {
            return "conv";
        }
    }

    /** Max pooling over {@code size x size} windows, moving by {@code stride} (default: the size). */
    record Maxpool(Optional<String> name, @Default("2") int size, Optional<Integer> stride) implements LayerSpec {
        public String kind() {
            return "pool";
        }

        int step() {
            return stride.orElse(size);
        }
    }

    /** Drops each input unit with probability {@code rate} during training. */
    record Dropout(Optional<String> name, double rate) implements LayerSpec {
        public String kind() {
            return "dropout";
        }
    }

    /** Batch normalisation of the previous layer's outputs (per feature map after a convolution). */
    record Batchnorm(Optional<String> name) implements LayerSpec {
        public String kind() {
            return "batchnorm";
        }
    }

    /** Turns feature maps into a vector; dense layers after convolutions get one implicitly. */
    record Flatten(Optional<String> name) implements LayerSpec {
        public String kind() {
            return "flatten";
        }
    }

    /** The output layer: one unit per class of the data, softmax, cross-entropy loss. It must come last. */
    record Output(Optional<String> name) implements LayerSpec {
        public String kind() {
            return "output";
        }
    }

    /** Activation functions a layer may use. */
    enum Activation { RELU, LEAKYRELU, TANH, SIGMOID, ELU, IDENTITY }

    /** How a convolution treats the image border. */
    enum Padding { VALID, SAME }
}

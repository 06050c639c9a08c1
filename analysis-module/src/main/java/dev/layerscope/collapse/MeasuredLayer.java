package dev.layerscope.collapse;

import dev.layerscope.capture.CaptureSettings;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.train.NetworkLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The layer whose features the collapse stage measures, found in a network's layout (the train stage's preview at
 * planning, the trained network's own in a run): {@code collapse.layer}, or by default the penultimate layer, the
 * last hidden dense, convolution or pooling layer before the output layer (dense2 of the default MLP, the last
 * dense layer of the CNNs). Between it and the output layer may lie only layers that are fixed maps at inference,
 * so that the output layer classifies what is measured: dropout (the identity; DL4J scales during training) and
 * batch norm (a per-unit affine map with the running statistics), whose features the stage computes with the
 * network's own layers.
 *
 * @param name    the layer's name, or {@code input} for the pixels
 * @param index   its DL4J layer index, -1 for the input
 * @param between the layers between it and the output layer, in order
 * @param output  the DL4J index of the output layer
 */
record MeasuredLayer(String name, int index, List<NetworkLayout.Layer> between, int output) {

    MeasuredLayer {
        between = List.copyOf(between);
    }

    /** The layer {@code settings} names in {@code network}, or its penultimate layer; throws when there is none. */
    static MeasuredLayer in(NetworkLayout network, CollapseSettings settings) {
        List<NetworkLayout.Layer> layers = network.layers();
        int output = layers.size() - 1;
        if (layers.isEmpty() || layers.get(output).kind() != NetworkLayout.Kind.OUTPUT) {
            throw new IllegalArgumentException("the collapse stage measures the features the network's output layer "
                    + "classifies, but the network's last layer is " + (layers.isEmpty() ? "missing"
                    : "`" + layers.get(output).name() + "` (" + layers.get(output).kind() + "), not an output layer"));
        }
        int index = settings.namesLayer() ? named(network, settings.layer(), output) : penultimate(network, output);
        String name = index < 0 ? CaptureSettings.INPUT : layers.get(index).name();
        List<NetworkLayout.Layer> between = layers.subList(index + 1, output);
        List<String> inTheWay = between.stream().filter(layer -> layer.kind() != NetworkLayout.Kind.DROPOUT
                && layer.kind() != NetworkLayout.Kind.BATCHNORM).map(MeasuredLayer::describe).toList();
        if (!inTheWay.isEmpty()) {
            problem(settings, "`" + name + "` is not what the output layer classifies: " + String.join(", ", inTheWay)
                    + " lie" + (inTheWay.size() == 1 ? "s" : "") + " between them; name a layer followed only by "
                    + "dropout and batch-norm layers" + (settings.namesLayer() ? ", or leave collapse.layer empty "
                    + "for the penultimate layer" : " in collapse.layer"));
        }
        boolean featureMaps = index >= 0 && layers.get(index).shape().contains("x");
        if (featureMaps && between.stream().anyMatch(layer -> layer.kind() == NetworkLayout.Kind.BATCHNORM)) {
            problem(settings, "`" + name + "` (" + layers.get(index).shape() + ") reaches the output layer through "
                    + "a batch norm of its feature maps, which the collapse stage does not apply; name a dense layer");
        }
        return new MeasuredLayer(name, index, between, output);
    }

    /** Whether the features are the layer's activations themselves: only dropout lies between it and the output. */
    boolean capturedAsMeasured() {
        return between.stream().allMatch(layer -> layer.kind() == NetworkLayout.Kind.DROPOUT);
    }

    /** The DL4J indices of the batch-norm layers between the layer and the output, which change its features. */
    List<Integer> batchNorms() {
        return IntStream.range(0, between.size()).filter(i -> between.get(i).kind() == NetworkLayout.Kind.BATCHNORM)
                .mapToObj(i -> index + 1 + i).toList();
    }

    private static int named(NetworkLayout network, String layer, int output) {
        if (layer.equals(CaptureSettings.INPUT)) {
            return -1;
        }
        int index = network.names().indexOf(layer);
        if (index < 0) {
            List<String> known = new ArrayList<>(List.of(CaptureSettings.INPUT));
            known.addAll(network.names());
            throw new InvalidSetting("collapse.layer", "the model has no layer `" + layer + "`; its layers are "
                    + String.join(", ", known));
        }
        if (index == output) {
            throw new InvalidSetting("collapse.layer", "`" + layer + "` is the output layer; name a layer whose "
                    + "features it classifies, or leave collapse.layer empty for the penultimate layer");
        }
        return index;
    }

    private static int penultimate(NetworkLayout network, int output) {
        for (int i = output - 1; i >= 0; i--) {
            if (network.layers().get(i).kind().representation()) {
                return i;
            }
        }
        throw new IllegalArgumentException("the network has no hidden dense, convolution or pooling layer before its "
                + "output layer, whose features the collapse stage would measure; name the layer in collapse.layer "
                + "(`input` for the pixels)");
    }

    /** A problem with {@code collapse.layer} when the experiment names it, with the network otherwise. */
    private static void problem(CollapseSettings settings, String message) {
        if (settings.namesLayer()) {
            throw new InvalidSetting("collapse.layer", message);
        }
        throw new IllegalArgumentException("the penultimate layer " + message);
    }

    private static String describe(NetworkLayout.Layer layer) {
        return layer.name() + " (" + layer.kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}

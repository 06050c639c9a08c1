package dev.layerscope.train;

import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layers of a network as later stages see them: by DL4J layer index, each with its name, kind and output. The
 * capture stage captures layers by these names and chooses the default ones by kind and width; the report shows the
 * table. The train stage previews it at planning from {@code model.layers} and the data's shape, and hands on the
 * trained network's own with the {@link TrainedModel}, so a train stage of one's own that builds its network in
 * code needs only to hand on a {@code TrainedModel}.
 *
 * @param layers the network's layers, in DL4J's index order (a flatten has no DL4J layer, and no line here)
 */
public record NetworkLayout(List<Layer> layers) {

    /** The key under which the train stage previews the layout at planning. */
    public static final ArtifactKey<NetworkLayout> ARTIFACT = ArtifactKey.of("network-layout", NetworkLayout.class);

    /** What a layer does, as far as the stages after training care. */
    public enum Kind {
        DENSE, CONVOLUTION, POOLING, DROPOUT, BATCHNORM, OUTPUT, OTHER;

        /** Whether the layer computes a representation of its own (dense, convolution, pooling). */
        public boolean representation() {
            return this == DENSE || this == CONVOLUTION || this == POOLING;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One layer.
     *
     * @param name   its name, by which later stages find it
     * @param kind   what it does
     * @param shape  its output for one image, e.g. {@code 32x26x26} or {@code 256}; {@code ?} where not known yet
     * @param width  its output's values per image (21,632 for {@code 32x26x26}); -1 where not known yet
     * @param params its parameters (with batch norm's running statistics); -1 where not known yet
     */
    public record Layer(String name, Kind kind, String shape, long width, long params) {
    }

    public NetworkLayout {
        layers = List.copyOf(layers);
    }

    /** The layout the train stage previewed, or that of the model it handed on; empty before either exists. */
    public static Optional<NetworkLayout> in(Artifacts available) {
        return available.find(ARTIFACT).or(() -> available.find(TrainedModel.ARTIFACT).map(TrainedModel::layout));
    }

    /** The layer names, by DL4J layer index. */
    public List<String> names() {
        return layers.stream().map(Layer::name).toList();
    }

    /** The parameters of the whole network; -1 where not known yet. */
    public long params() {
        return layers.stream().anyMatch(layer -> layer.params() < 0) ? -1
                : layers.stream().mapToLong(Layer::params).sum();
    }

    /** The layer table: name, kind, output shape and parameters, and the total. */
    public String table() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-12s %-11s %-14s %12s%n", "layer",
                "kind", "output", "parameters"));
        for (Layer layer : layers) {
            text.append(String.format(Locale.ROOT, "%-12s %-11s %-14s %12s%n", layer.name(), layer.kind().label(),
                    layer.shape(), count(layer.params())));
        }
        return text.append(String.format(Locale.ROOT, "%-39s %12s%n", "total", count(params()))).toString();
    }

    private static String count(long params) {
        return params < 0 ? "?" : String.format(Locale.ROOT, "%,d", params);
    }

    /** The layout of a layer stack as {@link NetworkShapes} walked it: what the network will be, before it is. */
    static NetworkLayout of(NetworkShapes.Shapes shapes) {
        return new NetworkLayout(shapes.layers().stream().filter(layer -> !(layer.spec() instanceof LayerSpec.Flatten))
                .map(layer -> new Layer(layer.name(), kind(layer.spec()), layer.shape(), layer.width(),
                        layer.params())).toList());
    }

    /**
     * The layout of any network that takes an image as one row of {@code inputWidth} values (as the capture stage
     * feeds it): names, kinds and parameters from the network, outputs from one forward pass of a blank image. A
     * layer DL4J left unnamed is called {@code layer<index>}.
     */
    public static NetworkLayout of(MultiLayerNetwork network, int inputWidth) {
        List<Layer> layers = new ArrayList<>();
        try (INDArray blank = Nd4j.zeros(DataType.FLOAT, 1, inputWidth)) {
            List<INDArray> activations = network.feedForward(blank, false);
            for (int i = 0; i < network.getnLayers(); i++) {
                org.deeplearning4j.nn.conf.layers.Layer configured =
                        network.getLayerWiseConfigurations().getConf(i).getLayer();
                String name = configured.getLayerName() != null ? configured.getLayerName() : "layer" + i;
                Kind kind = network.getLayer(i) instanceof IOutputLayer ? Kind.OUTPUT : kind(configured);
                long[] shape = activations.get(i + 1).shape();
                String perImage = Arrays.stream(shape, 1, shape.length).mapToObj(Long::toString)
                        .collect(Collectors.joining("x"));
                layers.add(new Layer(name, kind, perImage, activations.get(i + 1).length(),
                        network.getLayer(i).numParams()));
            }
        }
        return new NetworkLayout(layers);
    }

    private static Kind kind(LayerSpec spec) {
        return switch (spec) {
            case LayerSpec.Dense dense -> Kind.DENSE;
            case LayerSpec.Conv2d conv -> Kind.CONVOLUTION;
            case LayerSpec.Maxpool pool -> Kind.POOLING;
            case LayerSpec.Dropout dropout -> Kind.DROPOUT;
            case LayerSpec.Batchnorm batchnorm -> Kind.BATCHNORM;
            case LayerSpec.Output output -> Kind.OUTPUT;
            case LayerSpec.Flatten flatten -> Kind.OTHER;
        };
    }

    private static Kind kind(org.deeplearning4j.nn.conf.layers.Layer configured) {
        if (configured instanceof BaseOutputLayer) {
            return Kind.OUTPUT;
        }
        if (configured instanceof DenseLayer) {
            return Kind.DENSE;
        }
        if (configured instanceof ConvolutionLayer) {
            return Kind.CONVOLUTION;
        }
        if (configured instanceof SubsamplingLayer) {
            return Kind.POOLING;
        }
        if (configured instanceof DropoutLayer) {
            return Kind.DROPOUT;
        }
        return configured instanceof BatchNormalization ? Kind.BATCHNORM : Kind.OTHER;
    }
}

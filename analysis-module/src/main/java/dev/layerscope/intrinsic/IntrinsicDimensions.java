package dev.layerscope.intrinsic;

import dev.layerscope.kernel.ArtifactKey;
import java.util.Comparator;
import java.util.List;

/**
 * What the intrinsic stage hands on: the TwoNN intrinsic dimension of each layer it estimated, in capture order, and
 * of each layer of the capture's per-epoch record after each epoch.
 *
 * @param layers  the trained network's layers, on the stage's subset of the captured test images
 * @param byEpoch per layer of the per-epoch record (in record order) and epoch (0 before training to the last), on
 *                the record's images; empty when the capture kept no record
 */
public record IntrinsicDimensions(List<Layer> layers, List<Layer> byEpoch) {

    public static final ArtifactKey<IntrinsicDimensions> ARTIFACT = ArtifactKey.of("intrinsic-dimension",
            IntrinsicDimensions.class);

    public IntrinsicDimensions {
        layers = List.copyOf(layers);
        byEpoch = List.copyOf(byEpoch);
    }

    /** The trained network's layers alone, without a per-epoch record. */
    public IntrinsicDimensions(List<Layer> layers) {
        this(layers, List.of());
    }

    /** How {@code layer}'s dimension moves: its {@code (epoch, id)} points in epoch order; empty when not recorded. */
    public double[][] byEpoch(String layer) {
        return byEpoch.stream().filter(l -> l.layer().equals(layer)).sorted(Comparator.comparingInt(Layer::epoch))
                .map(l -> new double[] {l.epoch(), l.id()}).toArray(double[][]::new);
    }

    /** The layers of the per-epoch record that were estimated, in record order. */
    public List<String> epochLayers() {
        return byEpoch.stream().map(Layer::layer).distinct().toList();
    }

    /**
     * One layer's estimate.
     *
     * @param epoch      the epoch of the network whose activations were estimated: its last trained epoch, or for a
     *                   per-epoch line the epoch after which it was recorded (0 before training)
     * @param id         the TwoNN estimate; NaN when it is not defined (see {@link TwoNn.Estimate#dimension})
     * @param n          the test images it was estimated from
     * @param duplicates the images whose nearest neighbour in the layer is at distance 0
     */
    public record Layer(String layer, int epoch, double id, int n, int duplicates) {
    }
}

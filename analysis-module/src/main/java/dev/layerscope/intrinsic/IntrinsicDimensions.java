package dev.layerscope.intrinsic;

import dev.layerscope.kernel.ArtifactKey;
import java.util.List;

/**
 * What the intrinsic stage hands on: the TwoNN intrinsic dimension of each layer it estimated, in capture order.
 */
public record IntrinsicDimensions(List<Layer> layers) {

    public static final ArtifactKey<IntrinsicDimensions> ARTIFACT = ArtifactKey.of("intrinsic-dimension",
            IntrinsicDimensions.class);

    public IntrinsicDimensions {
        layers = List.copyOf(layers);
    }

    /**
     * One layer's estimate.
     *
     * @param epoch      the epoch of the network whose activations were estimated: its last trained epoch
     * @param id         the TwoNN estimate; NaN when it is not defined (see {@link TwoNn.Estimate#dimension})
     * @param n          the test images it was estimated from
     * @param duplicates the images whose nearest neighbour in the layer is at distance 0
     */
    public record Layer(String layer, int epoch, double id, int n, int duplicates) {
    }
}

package dev.layerscope.train;

import dev.layerscope.kernel.ArtifactKey;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The trained network and how it got there.
 *
 * @param network           the network, in evaluation-ready state
 * @param layerNames        the name of each DL4J layer, by layer index (later stages capture layers by name)
 * @param penultimateLayer  the DL4J index of the penultimate representation
 * @param history           one record per epoch trained
 */
public record TrainedModel(MultiLayerNetwork network, List<String> layerNames, int penultimateLayer,
                           List<EpochRecord> history) {

    public static final ArtifactKey<TrainedModel> ARTIFACT = ArtifactKey.of("model", TrainedModel.class);
}

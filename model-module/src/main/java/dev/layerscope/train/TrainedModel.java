package dev.layerscope.train;

import dev.layerscope.kernel.ArtifactKey;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The trained network and how it got there: what a train stage hands on, the train stage LayerScope ships or one of
 * one's own.
 *
 * @param network the network, in evaluation-ready state; it takes an image as one row of pixels scaled to [0, 1]
 * @param layout  its layers by DL4J index, as {@link NetworkLayout#of(MultiLayerNetwork, int)} finds them: later
 *                stages capture layers by these names
 * @param history one record per epoch trained
 * @param epochs  the parameters before training and after every epoch, where the train stage kept them (LayerScope's
 *                does; a train stage of one's own need not, and the stages that replay epochs then say so)
 */
public record TrainedModel(MultiLayerNetwork network, NetworkLayout layout, List<EpochRecord> history,
                           Optional<EpochParameters> epochs) {

    public static final ArtifactKey<TrainedModel> ARTIFACT = ArtifactKey.of("model", TrainedModel.class);

    public TrainedModel {
        if (layout.layers().size() != network.getnLayers()) {
            throw new IllegalArgumentException("the layout has " + layout.layers().size() + " layers, the network "
                    + network.getnLayers());
        }
        history = List.copyOf(history);
        if (epochs.isPresent() && epochs.get().parameters() != network.numParams()) {
            throw new IllegalArgumentException("the epochs kept have " + epochs.get().parameters() + " parameters, "
                    + "the network " + network.numParams());
        }
    }

    /** A trained model without parameters of its epochs. */
    public TrainedModel(MultiLayerNetwork network, NetworkLayout layout, List<EpochRecord> history) {
        this(network, layout, history, Optional.empty());
    }

    /**
     * The epoch whose weights the network holds (1-based; 0 for a network trained in no epoch): the epoch the lines of
     * later stages name. With {@code model.early-stopping} that is the epoch the train stage kept
     * ({@link EpochParameters#keptEpoch}), which may come before the last one trained; a train stage that keeps no
     * parameters of its epochs says nothing of it, and this is then the last epoch of the history.
     */
    public int trainedEpoch() {
        return epochs.map(EpochParameters::keptEpoch)
                .orElse(history.isEmpty() ? 0 : history.getLast().epoch());
    }
}

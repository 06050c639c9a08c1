package dev.layerscope.train;

import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import java.util.Optional;

/**
 * How many epochs the train stage will train, previewed at planning so that a later stage can check an epoch it is
 * asked for before training starts. With early stopping training may end sooner; the trained model then says how
 * many it did.
 *
 * @param epochs the epochs planned
 */
public record EpochPlan(int epochs) {

    public static final ArtifactKey<EpochPlan> ARTIFACT = ArtifactKey.of("epoch-plan", EpochPlan.class);

    /**
     * The last epoch trained, from the trained model once it exists (the epochs it kept, or its history), or the
     * last planned from the train stage's preview; empty before either exists.
     */
    public static Optional<Integer> lastEpoch(Artifacts available) {
        return available.find(TrainedModel.ARTIFACT)
                .map(model -> model.epochs().map(EpochParameters::lastEpoch)
                        .orElse(model.history().isEmpty() ? 0 : model.history().getLast().epoch()))
                .or(() -> available.find(ARTIFACT).map(EpochPlan::epochs));
    }
}

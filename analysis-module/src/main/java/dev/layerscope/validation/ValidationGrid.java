package dev.layerscope.validation;

import dev.layerscope.kernel.ArtifactKey;
import java.util.List;

/**
 * What the validation-grid stage hands on: a seeded sample of validation images and what the network of each chosen
 * epoch predicted for them.
 *
 * @param epochs          the epochs, ascending (0 is before training); {@code keptEpoch} among them
 * @param keptEpoch       the epoch whose network the train stage handed on: the trained model
 * @param validationIndex each image's position in the validation split, ascending
 * @param sourceIndex     each image's position in the file the split was drawn from
 * @param labels          each image's true class
 * @param predicted       per epoch (as {@code epochs}), each image's predicted class (the lower class wins a tie)
 * @param probability     per epoch, the predicted class's probability
 */
public record ValidationGrid(List<Integer> epochs, int keptEpoch, int[] validationIndex, int[] sourceIndex,
                             int[] labels, int[][] predicted, float[][] probability) {

    public static final ArtifactKey<ValidationGrid> ARTIFACT = ArtifactKey.of("validation-grid",
            ValidationGrid.class);

    public ValidationGrid {
        epochs = List.copyOf(epochs);
        if (!epochs.contains(keptEpoch)) {
            throw new IllegalArgumentException("the kept epoch " + keptEpoch + " is not among " + epochs);
        }
        if (predicted.length != epochs.size() || probability.length != epochs.size()) {
            throw new IllegalArgumentException(predicted.length + " and " + probability.length
                    + " epochs of predictions for " + epochs.size() + " epochs");
        }
        for (int e = 0; e < epochs.size(); e++) {
            if (predicted[e].length != labels.length || probability[e].length != labels.length) {
                throw new IllegalArgumentException("epoch " + epochs.get(e) + " has predictions for "
                        + predicted[e].length + " images, not " + labels.length);
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** How many images the network of the {@code e}-th epoch (as {@link #epochs}) got wrong. */
    public int wrong(int e) {
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            wrong += predicted[e][i] == labels[i] ? 0 : 1;
        }
        return wrong;
    }
}

package dev.layerscope.train;

import dev.layerscope.kernel.ArtifactKey;

/**
 * The trained network's softmax output for every test image, in the order of the test split.
 *
 * @param probabilities row-major, {@code size() x classes}
 * @param classes       the number of classes
 * @param labels        the true class of each image
 * @param testIndices   each image's position in the test file
 */
public record Predictions(float[] probabilities, int classes, int[] labels, int[] testIndices) {

    public static final ArtifactKey<Predictions> ARTIFACT = ArtifactKey.of("predictions", Predictions.class);

    public int size() {
        return labels.length;
    }

    public float probability(int image, int cls) {
        return probabilities[image * classes + cls];
    }

    /** The most probable class of an image; the lower class wins a tie. */
    public int predicted(int image) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (probability(image, c) > probability(image, best)) {
                best = c;
            }
        }
        return best;
    }
}

package dev.layerscope.attribution;

import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.hardneg.HardNegatives;
import dev.layerscope.kernel.ArtifactKey;
import java.util.List;

/**
 * What the attribution stage hands on: which images it mapped, by which methods, the maps, how complete integrated
 * gradients were, and the sanity check (the files: {@link AttributionFiles}).
 *
 * @param methods   the methods, in the order of the maps
 * @param gradCam   why Grad-CAM is not among them, or empty when it is
 * @param images    the mapped images, in the order of the maps
 * @param maps      the maps, an image's row its {@link Image#row}
 * @param sanity    the cascading randomisation's lines, by method, then layers randomised; empty when skipped
 * @param flagged   the methods whose maps did not change enough (see {@link CascadingRandomisation#flagged})
 * @param threshold the rank correlation above which a method is flagged
 */
public record AttributionResults(List<Method> methods, String gradCam, List<Image> images, Attribution.Maps maps,
                                 List<CascadingRandomisation.Line> sanity, List<Method> flagged, double threshold) {

    public static final ArtifactKey<AttributionResults> ARTIFACT =
            ArtifactKey.of("attribution", AttributionResults.class);

    public AttributionResults {
        methods = List.copyOf(methods);
        images = List.copyOf(images);
        sanity = List.copyOf(sanity);
        flagged = List.copyOf(flagged);
        if (maps.images() != images.size() || !maps.methods().equals(methods)) {
            throw new IllegalArgumentException("maps of " + maps.images() + " images by " + maps.methods()
                    + " for " + images.size() + " images by " + methods);
        }
    }

    /**
     * One mapped image.
     *
     * @param row               its row in maps.npy
     * @param kind              the hardneg ranking it comes from
     * @param testIndex         its position in the test file
     * @param targetClass       the class whose logit the maps explain
     * @param completenessError integrated gradients' relative completeness error; NaN without them
     * @param pngs              the heatmaps' file names in the stage's folder, one per method in {@code methods}'
     *                          order
     */
    public record Image(int row, HardNegatives.Kind kind, int trueClass, int testIndex, int predicted,
                        int targetClass, double completenessError, List<String> pngs) {

        public Image {
            pngs = List.copyOf(pngs);
        }
    }
}

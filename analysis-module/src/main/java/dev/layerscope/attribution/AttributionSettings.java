package dev.layerscope.attribution;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.util.List;
import java.util.Optional;

/**
 * The {@code attribution} section, and what {@link Attribution#measure} takes. Defaults are in analysis-module's
 * reference.conf.
 *
 * @param methods         the maps made of every image, in this order; empty: every method the network allows
 *                        (saliency and integrated gradients, and Grad-CAM when it has a convolution layer)
 * @param target          whose score the maps explain: the class the network predicted, or the true class
 * @param steps           integrated gradients' steps: the midpoint Riemann sum of the gradient along the straight
 *                        path from the black image to the image, at {@code (k + 1/2) / steps} of the way
 * @param correctPerClass how many of the hardneg stage's most confident correct images of each class are mapped
 *                        beside the hard negatives, for contrast; absent: as many as it ranks (hardneg.per-class),
 *                        which also caps a number given
 * @param imageScale      each pixel of a heatmap PNG becomes an {@code imageScale x imageScale} block
 * @param sanity          the cascading randomisation check
 */
@Settings("attribution")
public record AttributionSettings(List<Method> methods, Target target, @Range(min = 1) int steps,
                                  @Range(min = 0) Optional<Integer> correctPerClass,
                                  @Range(min = 1, max = 64) int imageScale, Sanity sanity) {

    public AttributionSettings {
        methods = List.copyOf(methods);
        if (methods.stream().distinct().count() != methods.size()) {
            throw new InvalidSetting("methods", "names a method twice: " + methods.stream()
                    .map(Method::key).toList());
        }
    }

    /** An attribution method. */
    public enum Method {
        /** The gradient of the target class's logit with respect to the pixels (Simonyan et al. 2014). */
        SALIENCY,
        /**
         * The pixels times the mean gradient along the straight path from the black image (Sundararajan et al.
         * 2017); they sum to the logit's change from the black image, up to the Riemann sum's error.
         */
        INTEGRATED_GRADIENTS,
        /**
         * The last convolution's channels weighted by the mean gradient of the target logit over each channel, summed
         * and clipped at zero (Selvaraju et al. 2017), stretched to the image's size; convolutional networks only.
         */
        GRAD_CAM;

        /** The method's name in settings and files. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Whose score the maps explain. */
    public enum Target {
        /** The class the network predicted (for a hard negative, the wrong one). */
        PREDICTED,
        /** The image's true class. */
        TRUE
    }

    /**
     * The sanity check of Adebayo et al. 2018: the network's layers with parameters re-initialised one more at a
     * time from the output layer down, every map made again after each, and compared with the trained network's.
     *
     * @param images    the mapped images the check makes again, a seeded subset ({@code SeededRows.uniform}); 0
     *                  skips the check
     * @param seed      draws the subset and, through a number derived from it, the re-initialised weights
     * @param threshold a method whose mean rank correlation with its trained maps stays above this after every
     *                  step, all layers randomised included, is flagged: its maps do not depend on what the
     *                  network learnt
     */
    public record Sanity(@Range(min = 0) int images, long seed, @Range(min = -1, max = 1) double threshold) {
    }

    /** The methods to use with a network that has, or has not, a convolution layer. */
    public List<Method> methodsFor(boolean convolutional) {
        if (!methods.isEmpty()) {
            return methods;
        }
        return convolutional ? List.of(Method.values()) : List.of(Method.SALIENCY, Method.INTEGRATED_GRADIENTS);
    }
}

package dev.layerscope.collapse;

import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;

/**
 * The {@code collapse} section, and what {@link NeuralCollapse#measure} takes. Defaults are in analysis-module's
 * reference.conf.
 *
 * @param layer         the layer whose features are measured: empty for the penultimate layer, the last hidden
 *                      dense, convolution or pooling layer before the output; a name must be a layer from which
 *                      the output layer is reached through dropout and batch-norm layers only, so that the output
 *                      layer classifies what is measured
 * @param rankTolerance the relative cut-off of the pseudo-inverse of the between-class covariance: eigenvalues at
 *                      most {@code rankTolerance} times the largest count as zero (the centred class means span at
 *                      most C - 1 dimensions, so one of the C eigenvalues is zero but for rounding)
 */
@Settings("collapse")
public record CollapseSettings(String layer, @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true)
                               double rankTolerance) {

    /** Whether {@code layer} names a layer, rather than leaving it to the network's penultimate one. */
    public boolean namesLayer() {
        return !layer.isEmpty();
    }
}

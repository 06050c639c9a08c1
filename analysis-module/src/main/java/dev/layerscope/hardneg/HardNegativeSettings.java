package dev.layerscope.hardneg;

import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;

/**
 * The {@code hardneg} section. Defaults are in analysis-module's reference.conf.
 *
 * @param perClass   how many test images of each true class every ranking keeps (hard negatives, most confident
 *                   correct, least confident)
 * @param imageScale each pixel of an image becomes an {@code imageScale x imageScale} block of its PNG; capped
 *                   because the PNG grows with its square (a 28x28 image at 64 is 1792x1792)
 */
@Settings("hardneg")
public record HardNegativeSettings(@Range(min = 1) int perClass, @Range(min = 1, max = 64) int imageScale) {
}

package dev.layerscope.capture;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.util.List;

/**
 * The {@code capture} section: which layers' activations to record, for which splits.
 *
 * @param layers    layer names as the model names them, plus {@code input} for the raw pixels; empty means the
 *                  input and every hidden layer at most {@code maxWidth} values wide
 * @param splits    the splits to capture
 * @param perClass  a seeded stratified subset of this many images per class of each split; 0 captures all
 * @param seed      draws the subset
 * @param batchSize images per forward pass: the memory a capture holds at once
 * @param maxWidth  the widest layer captured by default (a 26x26x32 feature map is 21,632 values per image, 4 GB for
 *                  50,000 images); naming a layer in {@code layers} captures it whatever its width
 */
@Settings("capture")
public record CaptureSettings(List<String> layers, List<SplitName> splits, @Range(min = 0) int perClass, long seed,
                              @Range(min = 1) int batchSize, @Range(min = 1) int maxWidth) {

    /** The pseudo-layer of the raw input pixels. */
    public static final String INPUT = "input";

    public enum SplitName { TRAIN, VALIDATION, TEST }

    public CaptureSettings {
        layers = List.copyOf(layers);
        splits = List.copyOf(splits);
        if (splits.isEmpty()) {
            throw new InvalidSetting("splits", "name at least one split: train, validation "
                    + "or test");
        }
        if (splits.stream().distinct().count() != splits.size()) {
            throw new InvalidSetting("splits", "names a split twice: " + splits);
        }
    }
}

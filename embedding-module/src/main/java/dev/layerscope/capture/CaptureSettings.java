package dev.layerscope.capture;

import dev.layerscope.data.DataShape;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.train.LayerSpec;
import dev.layerscope.train.NetworkShapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    /**
     * The layers captured of a network, as {@link NetworkShapes} walked it: those named in {@code layers}, or by
     * default the input and every hidden layer that computes a representation (dense, convolution, pooling; not
     * dropout, batch norm, flatten or the output) no wider than {@code maxWidth}. A layer whose width is not known
     * (the walk had no image size) counts as narrow enough.
     */
    public List<String> chosenLayers(List<NetworkShapes.Layer> walked) {
        if (!layers.isEmpty()) {
            return layers;
        }
        List<String> chosen = new ArrayList<>(List.of(INPUT));
        for (NetworkShapes.Layer layer : walked.subList(0, walked.size() - 1)) {
            if (representation(layer) && layer.width() <= maxWidth) {
                chosen.add(layer.name());
            }
        }
        return chosen;
    }

    /** Whether the default capture takes a layer of this kind, if it is narrow enough. */
    public static boolean representation(NetworkShapes.Layer layer) {
        return layer.spec() instanceof LayerSpec.Dense || layer.spec() instanceof LayerSpec.Conv2d
                || layer.spec() instanceof LayerSpec.Maxpool;
    }

    /**
     * Throws, with the key's full path, when a stage that needs the train and test splits captured (saying so in
     * {@code why}) would not get one of them.
     */
    public void requireTrainAndTest(String why) {
        for (SplitName needed : List.of(SplitName.TRAIN, SplitName.TEST)) {
            if (!splits.contains(needed)) {
                throw new InvalidSetting("capture.splits", why + "; add " + needed.name().toLowerCase(Locale.ROOT)
                        + " to capture.splits");
            }
        }
    }

    /** How many images of a split with these counts are captured: all, or at most {@code perClass} per class. */
    public int rows(DataShape.ClassCounts split) {
        return split.atMostPerClass(perClass);
    }
}

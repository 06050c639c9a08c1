package dev.layerscope.capture;

import dev.layerscope.data.DataShape;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.train.NetworkLayout;
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

    /** The splits. */
    public enum SplitName {
        TRAIN, VALIDATION, TEST;

        /** The split's name as the data set, the files and the artifacts spell it: {@code train}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

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
     * The layers captured of a network: those named in {@code layers}, or by default the input and every hidden
     * layer that computes a representation (dense, convolution, pooling; not dropout, batch norm or the output) no
     * wider than {@code maxWidth}. A layer whose width is not known yet (no image size at planning) counts as narrow
     * enough.
     */
    public List<String> chosenLayers(NetworkLayout network) {
        if (!layers.isEmpty()) {
            return layers;
        }
        List<String> chosen = new ArrayList<>(List.of(INPUT));
        representations(network).stream().filter(layer -> layer.width() <= maxWidth)
                .forEach(layer -> chosen.add(layer.name()));
        return chosen;
    }

    /** The hidden layers the default capture leaves out as wider than {@code maxWidth}. */
    public List<NetworkLayout.Layer> tooWide(NetworkLayout network) {
        return layers.isEmpty() ? representations(network).stream().filter(layer -> layer.width() > maxWidth)
                .toList() : List.of();
    }

    /** The hidden layers (not the last) that compute a representation of their own. */
    private static List<NetworkLayout.Layer> representations(NetworkLayout network) {
        List<NetworkLayout.Layer> all = network.layers();
        return all.subList(0, Math.max(0, all.size() - 1)).stream().filter(layer -> layer.kind().representation())
                .toList();
    }

    /** How the layers are chosen, for messages of the stages that read them. */
    public String describeChoice() {
        return layers.isEmpty() ? "by default the input and the hidden dense, convolution and pooling layers at most "
                + "capture.max-width = " + maxWidth + " values wide; name others in capture.layers" : "capture.layers";
    }

    /** How many images of a split with these counts are captured: all, or at most {@code perClass} per class. */
    public int rows(DataShape.ClassCounts split) {
        return split.atMostPerClass(perClass);
    }
}

package dev.layerscope.capture;

import dev.layerscope.data.DataShape;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import dev.layerscope.kernel.Settings;
import dev.layerscope.train.NetworkLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code capture} section: which layers' activations to record, for which splits, and the per-epoch record.
 *
 * @param layers     layer names as the model names them, plus {@code input} for the raw pixels, each captured whole;
 *                   empty means the input and every hidden layer, those wider than {@code maxWidth} through the
 *                   random {@code projection}
 * @param splits     the splits to capture
 * @param perClass   a seeded stratified subset of this many images per class of each split; 0 captures all
 * @param seed       draws the subset
 * @param batchSize  images per forward pass: the memory a capture holds at once
 * @param maxWidth   the widest layer captured whole by default (a 26x26x32 feature map is 21,632 values per image,
 *                   4 GB for 50,000 images); a wider one is captured through the projection, unless {@code layers}
 *                   names it
 * @param projection the random projection of the layers wider than {@code maxWidth}, the same in the final capture
 *                   and in the per-epoch record
 * @param epochs     the per-epoch record: every captured hidden layer of a seeded subset of test images, for the
 *                   network before training and after every epoch
 * @param outputs    whether to record the network's output (its softmax) for every captured image of every split,
 *                   in the same forward pass ({@link NetworkOutputs}), for the report's explorer
 */
@Settings("capture")
public record CaptureSettings(List<String> layers, List<SplitName> splits, @Range(min = 0) int perClass, long seed,
                              @Range(min = 1) int batchSize, @Range(min = 1) int maxWidth,
                              RandomProjection.Options projection, Epochs epochs, boolean outputs) {

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
        if (projection.width() > maxWidth) {
            throw new InvalidSetting("max-width", "max-width = " + maxWidth + " is below projection.width = "
                    + projection.width() + ": a layer wider than max-width is projected to projection.width values, "
                    + "which must be fewer than its own; raise max-width or lower projection.width");
        }
    }

    /**
     * The per-epoch record.
     *
     * @param images test images recorded, a seeded subset of the test split ({@link
     *               dev.layerscope.linalg.SeededRows#uniform}): when absent {@link #DEFAULT_IMAGES}, or the whole
     *               split when it is smaller; a number given is taken exactly (more than the split is an error);
     *               0 records none
     * @param seed   draws the subset
     */
    public record Epochs(@Range(min = 0) Optional<Integer> images, long seed) {

        /** The record's images when none are given: enough for TwoNN and a probe per epoch, 2 s of capture. */
        public static final int DEFAULT_IMAGES = 2000;

        public Epochs {
            SettingRules.check(Epochs.class, images, seed);
        }

        /** The images recorded of a test split of {@code testSize}. */
        public int images(int testSize) {
            return images.orElse(Math.min(DEFAULT_IMAGES, testSize));
        }
    }

    /**
     * The layers captured of a network: those named in {@code layers}, or by default the input and every hidden
     * layer that computes a representation (dense, convolution, pooling; not dropout, batch norm or the output).
     */
    public List<String> chosenLayers(NetworkLayout network) {
        if (!layers.isEmpty()) {
            return layers;
        }
        List<String> chosen = new ArrayList<>(List.of(INPUT));
        representations(network).forEach(layer -> chosen.add(layer.name()));
        return chosen;
    }

    /**
     * What the capture does to a chosen layer of {@code width} values per image: a layer wider than {@code maxWidth}
     * chosen by default goes through the projection, any other is captured whole. A width not known yet (no image
     * size at planning) counts as narrow enough.
     */
    public LayerReduction reduction(long width) {
        return layers.isEmpty() && width > maxWidth ? LayerReduction.projected(width, projection)
                : LayerReduction.whole(width);
    }

    /** The hidden layers (not the last) that compute a representation of their own. */
    private static List<NetworkLayout.Layer> representations(NetworkLayout network) {
        List<NetworkLayout.Layer> all = network.layers();
        return all.subList(0, Math.max(0, all.size() - 1)).stream().filter(layer -> layer.kind().representation())
                .toList();
    }

    /** How the layers are chosen, for messages of the stages that read them. */
    public String describeChoice() {
        return layers.isEmpty() ? "by default the input and the hidden dense, convolution and pooling layers, those "
                + "wider than capture.max-width = " + maxWidth + " through a random projection to "
                + projection.width() + " values" : "capture.layers";
    }

    /** How many images of a split with these counts are captured: all, or at most {@code perClass} per class. */
    public int rows(DataShape.ClassCounts split) {
        return split.atMostPerClass(perClass);
    }
}

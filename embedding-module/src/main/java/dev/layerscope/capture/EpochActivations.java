package dev.layerscope.capture;

import dev.layerscope.data.Npy;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The capture stage's per-epoch record: every captured hidden layer of one fixed, seeded subset of test images, for
 * the network before training (epoch 0) and after every epoch trained, through the same reductions as the final
 * capture ({@link Activations#reductions()}), so the kept epoch's rows are the final capture's rows of those images.
 * Each layer is one float32 file, epochs x images x width, on disk; {@link #load} reads one epoch of one layer.
 *
 * <p>Empty ({@link #recorded()} false, no layers, no epochs) when {@code capture.epochs.images} is 0 or the train
 * stage kept no parameters of its epochs.
 *
 * @param dir         the folder of the files, {@code capture/epochs/} where the capture stage is published
 * @param layers      the layers recorded, in network order (the captured ones but {@code input})
 * @param widths      values per image of each layer, as captured
 * @param reductions  what the capture did to each layer
 * @param epochs      the epochs recorded: 0 (before training), 1, ..., the last trained
 * @param keptEpoch   the epoch the trained model is: the last, or with early stopping the best (later epochs, trained
 *                    before training stopped, are recorded too); -1 when nothing is recorded
 * @param labels      each recorded image's class
 * @param sourceIndex each recorded image's position in the test file
 */
public record EpochActivations(Path dir, List<String> layers, Map<String, Integer> widths,
                               Map<String, LayerReduction> reductions, List<Integer> epochs, int keptEpoch,
                               int[] labels, int[] sourceIndex) {

    public static final ArtifactKey<EpochActivations> ARTIFACT = ArtifactKey.of("epoch-activations",
            EpochActivations.class);

    public EpochActivations {
        layers = List.copyOf(layers);
        widths = Map.copyOf(widths);
        reductions = Map.copyOf(reductions);
        epochs = List.copyOf(epochs);
        if (labels.length != sourceIndex.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + sourceIndex.length + " images");
        }
    }

    /** No record: {@code why} is logged by the stage, not kept. */
    static EpochActivations none(Path dir) {
        return new EpochActivations(dir, List.of(), Map.of(), Map.of(), List.of(), -1, new int[0], new int[0]);
    }

    /** Whether there is a record at all. */
    public boolean recorded() {
        return !epochs.isEmpty() && !layers.isEmpty();
    }

    /** The images recorded. */
    public int size() {
        return labels.length;
    }

    /** The file of one layer: epochs x images x width, float32. */
    public static String fileName(String layer) {
        return layer + ".npy";
    }

    /** One layer at one epoch: one row per recorded image, in the order of {@link #sourceIndex}. */
    public FloatMatrix load(String layer, int epoch) throws IOException {
        if (!layers.contains(layer)) {
            throw new IllegalArgumentException("no layer `" + layer + "` in the per-epoch record; it has " + layers);
        }
        int at = epochs.indexOf(epoch);
        if (at < 0) {
            throw new IllegalArgumentException("no epoch " + epoch + " in the per-epoch record; it has " + epochs);
        }
        Npy.Floats floats = Npy.readFloats(dir.resolve(fileName(layer)), at, 1);
        return new FloatMatrix((int) floats.shape()[1], (int) floats.shape()[2], floats.values());
    }
}

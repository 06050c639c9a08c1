package dev.layerscope.capture;

import dev.layerscope.data.Npy;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The network's output (its output layer's activations: the class probabilities of the softmax output layer a model
 * of {@code model.layers} ends with) for every image the capture stage captured, a float32 file per split, rows in
 * the capture's order. Written in the capture's own forward pass, beside the layers but not one of them: the stages
 * that map, search or score the captured layers ({@link Activations}) never see it. The train stage keeps the
 * output of the test split alone ({@code train/predictions.npy}); this is what gives the training points of the
 * report's explorer their predictions.
 *
 * <p>Empty ({@link #recorded()} false) when {@code capture.outputs = false}.
 *
 * @param dir    the capture stage's folder in the run (where it is published)
 * @param splits each recorded split's rows, the same as {@link Activations#splits()}: labels and positions in the
 *               source file
 */
public record NetworkOutputs(Path dir, Map<String, Activations.SplitRows> splits) {

    public static final ArtifactKey<NetworkOutputs> ARTIFACT = ArtifactKey.of("network-outputs",
            NetworkOutputs.class);

    public NetworkOutputs {
        splits = Map.copyOf(splits);
    }

    /** No outputs recorded. */
    static NetworkOutputs none(Path dir) {
        return new NetworkOutputs(dir, Map.of());
    }

    /** Whether the capture recorded the network's output at all. */
    public boolean recorded() {
        return !splits.isEmpty();
    }

    /**
     * The file of one split's outputs: named like the split's labels and positions ({@code train-labels.npy}), so
     * that no layer's file ({@code <layer>-<split>.npy}) can have its name.
     */
    public static String fileName(String split) {
        return split + "-outputs.npy";
    }

    /** Reads one split's outputs: a row per captured image, in the order of {@link #splits()}' rows. */
    public FloatMatrix load(String split) throws IOException {
        Activations.SplitRows rows = splits.get(split);
        if (rows == null) {
            throw new IllegalArgumentException("the network's output of split `" + split + "` is not recorded; the "
                    + "capture recorded it for " + splits.keySet().stream().sorted().toList());
        }
        Npy.Floats floats = Npy.readFloats(dir.resolve(fileName(split)));
        if (floats.shape()[0] != rows.size()) {
            throw new IllegalStateException(dir.resolve(fileName(split)) + " holds " + floats.shape()[0]
                    + " rows for the " + rows.size() + " images captured of split `" + split + "`");
        }
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }
}

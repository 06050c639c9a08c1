package dev.layerscope.train;

import dev.layerscope.data.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Keeps the network's parameters before training and after every epoch, during training, for {@link
 * EpochParameters}. A copy of the parameters is all an epoch costs (the reference CNN's 1.2 million floats, 4.8 MB):
 * held in memory until training ends, then written as one file.
 */
final class EpochCheckpoints {

    private final MultiLayerNetwork network;
    private final List<float[]> epochs = new ArrayList<>();
    private long nanos;
    private int keptEpoch = -1;

    EpochCheckpoints(MultiLayerNetwork network) {
        this.network = network;
    }

    /** Keeps the parameters as they are now: before training, then after each epoch, in order. */
    void keep() {
        long start = System.nanoTime();
        epochs.add(network.params().toFloatVector());
        nanos += System.nanoTime() - start;
    }

    /** Says which epoch's parameters the trained network keeps (early stopping's best); by default the last. */
    void modelIsEpoch(int epoch) {
        keptEpoch = epoch;
    }

    int keptEpoch() {
        return keptEpoch < 0 ? epochs.size() - 1 : keptEpoch;
    }

    /** The time spent keeping parameters during training, in seconds. */
    double seconds() {
        return nanos / 1e9;
    }

    /**
     * Writes the epochs kept as one {@code epochs x parameters} float32 array into {@code file}; returns what it
     * holds, at {@code published}, where the file is once the stage completes.
     */
    EpochParameters write(Path file, Path published) throws IOException {
        long start = System.nanoTime();
        int parameters = epochs.getFirst().length;
        try (Npy.FloatWriter writer = Npy.floatWriter(file, epochs.size(), parameters)) {
            for (float[] epoch : epochs) {
                writer.write(epoch, 0, parameters);
            }
        }
        nanos += System.nanoTime() - start;
        return new EpochParameters(published, epochs.size() - 1, keptEpoch(), parameters);
    }
}

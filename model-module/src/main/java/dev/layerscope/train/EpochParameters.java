package dev.layerscope.train;

import dev.layerscope.data.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network's parameters before training (epoch 0) and after every epoch trained, which the train stage keeps so
 * that a later stage can run the network of any epoch again (the capture stage's per-epoch activations): parameters
 * only, no updater state, in one float32 {@code .npy} file of epochs x parameters, each row in DL4J's flattened
 * order ({@link MultiLayerNetwork#params()}, batch norm's running statistics included).
 *
 * @param file       the {@code .npy} file
 * @param lastEpoch  the last epoch trained: the file holds epochs 0 to this one
 * @param keptEpoch  the epoch whose parameters the trained model has: the last one, or with early stopping the one
 *                   of the lowest validation loss (the epochs after it, trained before training stopped, are in the
 *                   file too)
 * @param parameters parameters of the network, values per row
 */
public record EpochParameters(Path file, int lastEpoch, int keptEpoch, long parameters) {

    public EpochParameters {
        if (lastEpoch < 0 || keptEpoch < 0 || keptEpoch > lastEpoch) {
            throw new IllegalArgumentException("kept epoch " + keptEpoch + " is not among epochs 0 to " + lastEpoch);
        }
    }

    /** The epochs held, 0 (before training) to the last trained. */
    public List<Integer> epochs() {
        return IntStream.rangeClosed(0, lastEpoch).boxed().toList();
    }

    /** One epoch's parameters, read from the file alone. */
    public float[] load(int epoch) throws IOException {
        if (epoch < 0 || epoch > lastEpoch) {
            throw new IllegalArgumentException("epoch " + epoch + " is not among the epochs kept, 0 to " + lastEpoch);
        }
        return Npy.readFloats(file, epoch, 1).values();
    }

    /**
     * A network to put epochs' parameters into ({@link #setEpoch}): a copy of {@code trained}, with the same helpers
     * (oneDNN for convolutions where available, as the train stage gives its network), so that at the kept epoch it
     * computes what the trained network computes, by the same code.
     */
    public MultiLayerNetwork copyOf(MultiLayerNetwork trained) {
        if (trained.numParams() != parameters) {
            throw new IllegalArgumentException("the network has " + trained.numParams() + " parameters, the epochs "
                    + "kept " + parameters);
        }
        MultiLayerNetwork copy = trained.clone();
        OneDnn.attach(copy);
        return copy;
    }

    /** Puts the parameters of {@code epoch} into {@code network}, a {@link #copyOf} the trained network. */
    public void setEpoch(MultiLayerNetwork network, int epoch) throws IOException {
        float[] values = load(epoch);
        try (INDArray row = Nd4j.create(values, new long[] {1, values.length}, 'c')) {
            network.setParams(row);
        }
    }
}

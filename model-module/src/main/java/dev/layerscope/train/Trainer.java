package dev.layerscope.train;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.Progress;
import dev.layerscope.kernel.StageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop. The whole training split is one array in native memory; each epoch shuffles it once and
 * trains on contiguous row views of it, so a step copies nothing and no listener runs between steps. After each
 * epoch: validation loss and accuracy, accuracy on a fixed training sample, a bottleneck snapshot, and a copy of the
 * parameters.
 */
final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Training accuracy is measured on this many training images after each epoch. */
    static final int TRAIN_SAMPLE = 10_000;
    private static final int CHUNK = 2_000;

    /** What training produced. */
    record Result(List<EpochRecord> history, Predictions predictions, Trajectory trajectory) {
    }

    private final ModelSettings settings;
    private final StageContext context;
    private final MemoryUse memory;

    Trainer(ModelSettings settings, StageContext context, MemoryUse memory) {
        this.settings = settings;
        this.context = context;
        this.memory = memory;
    }

    /**
     * Trains {@code network} on the dataset's training split; {@code checkpoints} keeps its parameters before
     * training and after every epoch.
     */
    Result train(MultiLayerNetwork network, Dataset dataset, int penultimate, String penultimateName,
                 EpochCheckpoints checkpoints) {
        // the faster ReLU gradient for the steps, DL4J's own back in the configuration before anything saves it
        try (ReluBackprop backprop = ReluBackprop.install(network)) {
            return trainInstalled(network, dataset, penultimate, penultimateName, checkpoints);
        }
    }

    private Result trainInstalled(MultiLayerNetwork network, Dataset dataset, int penultimate,
                                  String penultimateName, EpochCheckpoints checkpoints) {
        int classes = dataset.classCount();
        INDArray x = features(dataset.train());
        INDArray y = oneHot(dataset.train(), classes);
        Split validation = dataset.validation();
        INDArray validationX = features(validation);
        int[] trainSample = sample(dataset.train().size(), TRAIN_SAMPLE, settings.seed());
        INDArray trainSampleX = Nd4j.pullRows(x, 1, trainSample);
        int[] trainSampleLabels = IntStream.of(trainSample).map(i -> dataset.train().label(i)).toArray();

        BottleneckRecorder bottleneck = new BottleneckRecorder(network, penultimate, penultimateName,
                dataset.test(), classes, settings.bottleneck());
        bottleneck.record();
        checkpoints.keep();

        Random shuffle = new Random(settings.seed());
        Augmenter augmenter = new Augmenter(settings.augment(), dataset.rows(), dataset.cols(), settings.seed() + 1);
        List<EpochRecord> history = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        INDArray bestParams = null;
        int sinceBest = 0;
        int n = dataset.train().size();
        int batches = (n + settings.batchSize() - 1) / settings.batchSize();
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            long start = System.nanoTime();
            int[] order = permutation(n, shuffle);
            // augmented batches are made image by image; otherwise one shuffled copy serves every batch as a view
            INDArray xs = augmenter.active() ? null : Nd4j.pullRows(x, 1, order);
            INDArray ys = Nd4j.pullRows(y, 1, order);
            double lossSum = 0;
            try (Progress progress = context.progress("epoch " + epoch + "/" + settings.epochs(), batches)) {
                for (int from = 0; from < n; from += settings.batchSize()) {
                    int to = Math.min(n, from + settings.batchSize());
                    INDArray batch = xs == null ? augmenter.batch(dataset.train(), order, from, to)
                            : rows(xs, from, to);
                    network.fit(new DataSet(batch, rows(ys, from, to)));
                    lossSum += network.score() * (to - from);
                    progress.advance(1);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // the shuffled copies are native memory the garbage collector would free only when the heap fills
            if (xs != null) {
                xs.close();
            }
            ys.close();
            Scores validationScores = score(network, validationX, labels(validation));
            Scores trainScores = score(network, trainSampleX, trainSampleLabels);
            EpochRecord record = new EpochRecord(epoch, lossSum / n, trainScores.accuracy(), validationScores.loss(),
                    validationScores.accuracy(), seconds, NetworkFactory.learningRate(settings, epoch - 1));
            history.add(record);
            bottleneck.record();
            checkpoints.keep();
            memory.sample();
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d: loss %.4f, accuracy %.4f | validation loss %.4f, "
                            + "accuracy %.4f | %.1f s, learning rate %.3g, ETA %s", epoch, settings.epochs(),
                    record.trainLoss(), record.trainAccuracy(), record.validationLoss(),
                    record.validationAccuracy(), seconds, record.learningRate(),
                    Progress.seconds((long) (seconds * 1e9 * (settings.epochs() - epoch)))));

            if (settings.earlyStopping() > 0 && validation.size() > 0) {
                if (record.validationLoss() < bestLoss) {
                    bestLoss = record.validationLoss();
                    bestParams = network.params().dup();
                    sinceBest = 0;
                } else if (++sinceBest >= settings.earlyStopping()) {
                    LOG.info("Early stopping: validation loss has not improved for {} epochs; keeping epoch {}",
                            sinceBest, epoch - sinceBest);
                    network.setParams(bestParams);
                    checkpoints.modelIsEpoch(epoch - sinceBest);
                    break;
                }
            }
        }
        Predictions predictions = predict(network, dataset.test(), classes);
        return new Result(List.copyOf(history), predictions, bottleneck.trajectory());
    }

    /** Softmax outputs for every image of a split. */
    static Predictions predict(MultiLayerNetwork network, Split split, int classes) {
        float[] probabilities = new float[split.size() * classes];
        INDArray all = features(split);
        for (int from = 0; from < split.size(); from += CHUNK) {
            int to = Math.min(split.size(), from + CHUNK);
            float[] chunk = network.output(rows(all, from, to), false).data().asFloat();
            System.arraycopy(chunk, 0, probabilities, from * classes, chunk.length);
        }
        int[] indices = IntStream.range(0, split.size()).map(split::sourceIndex).toArray();
        return new Predictions(probabilities, classes, labels(split), indices);
    }

    /** Mean cross-entropy and accuracy of the network on images {@code x} with {@code labels}. */
    static Scores score(MultiLayerNetwork network, INDArray x, int[] labels) {
        if (labels.length == 0) {
            return new Scores(Double.NaN, Double.NaN);
        }
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < labels.length; from += CHUNK) {
            int to = Math.min(labels.length, from + CHUNK);
            INDArray out = network.output(rows(x, from, to), false);
            int classes = (int) out.size(1);
            float[] p = out.data().asFloat();
            for (int i = 0; i < to - from; i++) {
                int label = labels[from + i];
                loss -= Math.log(Math.max(p[i * classes + label], 1e-12f));
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (p[i * classes + c] > p[i * classes + best]) {
                        best = c;
                    }
                }
                correct += best == label ? 1 : 0;
            }
        }
        return new Scores(loss / labels.length, (double) correct / labels.length);
    }

    /** Loss and accuracy. */
    record Scores(double loss, double accuracy) {
    }

    /** A split's images as one {@code n x pixels} float array, scaled to [0, 1]. */
    static INDArray features(Split split) {
        int pixels = split.source().pixelsPerImage();
        float[] values = new float[split.size() * pixels];
        for (int i = 0; i < split.size(); i++) {
            split.copyScaled(i, values, i * pixels);
        }
        return Nd4j.create(values, new long[] {split.size(), pixels}, 'c');
    }

    static INDArray oneHot(Split split, int classes) {
        float[] values = new float[split.size() * classes];
        for (int i = 0; i < split.size(); i++) {
            values[i * classes + split.label(i)] = 1;
        }
        return Nd4j.create(values, new long[] {split.size(), classes}, 'c');
    }

    static int[] labels(Split split) {
        return IntStream.range(0, split.size()).map(split::label).toArray();
    }

    static INDArray rows(INDArray array, int from, int to) {
        return array.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private static int[] permutation(int n, Random random) {
        int[] order = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** {@code size} distinct indices below {@code n} (all of them when n is smaller), ascending, seeded. */
    private static int[] sample(int n, int size, long seed) {
        int[] order = permutation(n, new Random(seed));
        return IntStream.of(order).limit(Math.min(size, n)).sorted().toArray();
    }
}

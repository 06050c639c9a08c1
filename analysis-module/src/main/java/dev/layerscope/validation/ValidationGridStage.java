package dev.layerscope.validation;

import dev.layerscope.data.DataShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.train.EpochParameters;
import dev.layerscope.train.EpochPlan;
import dev.layerscope.train.TrainedModel;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predictions on validation images, as the reference notebook showed them in TensorBoard: a seeded sample of the
 * validation split, and for the trained model and each chosen epoch (replayed from the parameters the train stage
 * kept) every image's predicted class and its probability. The report draws them as grids, the wrong ones marked.
 */
public final class ValidationGridStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(ValidationGridStage.class);
    /** Images per forward pass: the sample may be the whole validation split. */
    private static final int BATCH = 256;

    private final ValidationGridSettings settings;

    @Inject
    ValidationGridStage(ValidationGridSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, TrainedModel.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(ValidationGrid.ARTIFACT);
    }

    /**
     * An empty validation split, as soon as its size is known (a sample larger than a split that has images is
     * clamped to it, see {@link ValidationGridSettings#sampleSize}), and the epochs against those trained, as soon as
     * they are known (at planning from the train stage's preview, in a run from the trained model).
     */
    @Override
    public void check(Artifacts available) {
        List<InvalidSetting> problems = new ArrayList<>();
        DataShape.in(available).ifPresent(data -> {
            if (data.validation().size() == 0) {
                problems.add(new InvalidSetting("data.validation-fraction", "the validation split is empty, so "
                        + "validation-grid has no image to show; hold some out (data.validation-fraction above 0) "
                        + "or take validation-grid out of the pipeline"));
            }
        });
        EpochPlan.lastEpoch(available).ifPresent(last -> {
            try {
                settings.resolve(last, last);
            } catch (InvalidSetting problem) {
                problems.add(problem);
            }
        });
        InvalidSettings.throwIfAny(problems);
    }

    /** The runner has called {@link #check} with the dataset and the trained model just before. */
    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        Split validation = dataset.validation();
        int sample = settings.sampleSize(validation.size());
        if (sample < settings.images()) {
            LOG.info("validation-grid.images = {}, but the validation split has {} images: the grid shows all {}",
                    settings.images(), validation.size(), sample);
        }
        int[] rows = SeededRows.uniform(validation.size(), sample, settings.seed());
        int kept = model.trainedEpoch();
        List<Integer> epochs = model.epochs().isPresent()
                ? settings.resolve(model.epochs().get().lastEpoch(), kept) : List.of(kept);
        if (model.epochs().isEmpty()) {
            LOG.info("The train stage kept no parameters of its epochs: the grid shows the trained model alone");
        }
        int pixels = validation.source().pixelsPerImage();
        float[] images = new float[Math.multiplyExact(rows.length, pixels)];
        for (int i = 0; i < rows.length; i++) {
            validation.copyScaled(rows[i], images, i * pixels);
        }
        int[][] predicted = new int[epochs.size()][];
        float[][] probability = new float[epochs.size()][];
        MultiLayerNetwork replay = null;
        try {
            for (int e = 0; e < epochs.size(); e++) {
                MultiLayerNetwork network = model.network();
                if (epochs.get(e) != kept) {
                    EpochParameters parameters = model.epochs().orElseThrow();
                    if (replay == null) {
                        replay = parameters.copyOf(model.network());
                    }
                    parameters.setEpoch(replay, epochs.get(e));
                    network = replay;
                }
                predicted[e] = new int[rows.length];
                probability[e] = new float[rows.length];
                predict(network, images, rows.length, pixels, predicted[e], probability[e]);
            }
        } finally {
            if (replay != null) {
                // the copy's parameters are native memory the garbage collector would free only when the heap fills
                replay.close();
            }
        }
        ValidationGrid grid = new ValidationGrid(epochs, kept, rows, IntStream.of(rows).map(validation::sourceIndex)
                .toArray(), IntStream.of(rows).map(validation::label).toArray(), predicted, probability);
        ValidationGridFiles.write(context.outputDir(), grid, settings.images(), settings.seed());
        Map<String, Integer> wrong = new LinkedHashMap<>();
        for (int e = 0; e < epochs.size(); e++) {
            wrong.put(Integer.toString(epochs.get(e)), grid.wrong(e));
        }
        LOG.info("{} validation images; wrong per epoch (the model is epoch {}): {}", rows.length, kept, wrong);
        context.metric("images", rows.length);
        context.metric("images-asked", settings.images());
        context.metric("epochs", epochs);
        context.metric("kept-epoch", kept);
        context.metric("wrong", wrong);
        context.write(ValidationGrid.ARTIFACT, grid);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        context.write(ValidationGrid.ARTIFACT, ValidationGridFiles.read(context.outputDir()));
    }

    /** Each image's most probable class (the lower wins a tie) and its probability. */
    private static void predict(MultiLayerNetwork network, float[] images, int count, int pixels, int[] predicted,
                                float[] probability) {
        for (int from = 0; from < count; from += BATCH) {
            int to = Math.min(count, from + BATCH);
            float[] batch = new float[(to - from) * pixels];
            System.arraycopy(images, from * pixels, batch, 0, batch.length);
            try (INDArray input = Nd4j.create(batch, new long[] {to - from, pixels}, 'c');
                 INDArray output = network.output(input, false)) {
                float[] softmax = Nd4j.toFlattened('c', output).toFloatVector();
                int classes = (int) output.size(1);
                for (int i = 0; i < to - from; i++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (softmax[i * classes + c] > softmax[i * classes + best]) {
                            best = c;
                        }
                    }
                    predicted[from + i] = best;
                    probability[from + i] = softmax[i * classes + best];
                }
            }
        }
    }
}

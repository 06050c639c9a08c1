package dev.layerscope.hardneg;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Settings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.train.Predictions;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Set;

/**
 * A stand-in for the train stage in tests: predictions of the test split with known answers, so that hardneg runs
 * in a pipeline without training. The first test image of each class is predicted as the next class with
 * probability 0.9; every other image is predicted right, with a confidence that grows with its row. A fault
 * spoils the predictions in one way. Named in test pipelines by its class name.
 */
public final class PlantedPredictionsStage implements Stage {

    public enum Fault { NONE, NAN, EXTRA_CLASS, UNKNOWN_INDEX }

    @Settings("planted")
    public record PlantedSettings(Fault fault) {
    }

    private final PlantedSettings settings;

    @Inject
    PlantedPredictionsStage(PlantedSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Predictions.ARTIFACT);
    }

    @Override
    public void run(StageContext context) {
        context.write(Predictions.ARTIFACT, predictions(context.read(Dataset.ARTIFACT), settings.fault()));
    }

    static Predictions predictions(Dataset dataset, Fault fault) {
        Split test = dataset.test();
        int classes = dataset.classCount() + (fault == Fault.EXTRA_CLASS ? 1 : 0);
        float[] probabilities = new float[test.size() * classes];
        int[] labels = new int[test.size()];
        int[] indices = new int[test.size()];
        boolean[] planted = new boolean[classes];
        for (int row = 0; row < test.size(); row++) {
            labels[row] = test.label(row);
            indices[row] = test.sourceIndex(row);
            boolean wrong = !planted[labels[row]];
            planted[labels[row]] = true;
            int predicted = wrong ? (labels[row] + 1) % dataset.classCount() : labels[row];
            float top = wrong ? 0.9f : 0.5f + 0.4f * row / test.size();
            Arrays.fill(probabilities, row * classes, (row + 1) * classes, (1 - top) / (classes - 1));
            probabilities[row * classes + predicted] = top;
        }
        switch (fault) {
            case NAN -> probabilities[probabilities.length - 1] = Float.NaN;
            case UNKNOWN_INDEX -> indices[0] = test.source().count();
            case NONE, EXTRA_CLASS -> {
            }
        }
        return new Predictions(probabilities, classes, labels, indices);
    }
}

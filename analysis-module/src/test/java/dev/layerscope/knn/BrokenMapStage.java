package dev.layerscope.knn;

import dev.layerscope.capture.Activations;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Settings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.reduce.Embeddings;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for the reduce stage in tests that makes one faulty map of the last captured layer: its first two
 * columns, with a NaN among the test points or a class label the dataset does not have.
 */
public final class BrokenMapStage implements Stage {

    @Settings("broken-map")
    public record BrokenMapSettings(Fault fault) {
        public enum Fault { NAN, UNKNOWN_CLASS }
    }

    private final BrokenMapSettings settings;

    @Inject
    BrokenMapStage(BrokenMapSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Activations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Embeddings.ARTIFACT);
    }

    @Override
    public void run(StageContext context) throws IOException {
        Activations activations = context.read(Activations.ARTIFACT);
        String layer = activations.layers().getLast();
        FloatMatrix train = firstTwoColumns(activations.load(layer, "train"));
        FloatMatrix test = firstTwoColumns(activations.load(layer, "test"));
        Activations.SplitRows trainRows = activations.splits().get("train");
        if (settings.fault() == BrokenMapSettings.Fault.NAN) {
            test.set(7, 1, Float.NaN);
        } else {
            int[] labels = trainRows.labels().clone();
            labels[3] = 99;
            trainRows = new Activations.SplitRows(labels, trainRows.sourceIndex());
        }
        context.write(Embeddings.ARTIFACT, new Embeddings(List.of(new Embeddings.Embedding(layer, "broken",
                "transform", train, test, trainRows, activations.splits().get("test"), Map.of(), Map.of()))));
    }

    private static FloatMatrix firstTwoColumns(FloatMatrix points) {
        FloatMatrix firstTwo = FloatMatrix.zeros(points.rows(), 2);
        for (int i = 0; i < points.rows(); i++) {
            firstTwo.set(i, 0, points.get(i, 0));
            firstTwo.set(i, 1, points.get(i, 1));
        }
        return firstTwo;
    }
}

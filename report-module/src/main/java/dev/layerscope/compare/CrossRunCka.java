package dev.layerscope.compare;

import dev.layerscope.capture.SharedRows;
import dev.layerscope.cka.Cka;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.SeededRows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Linear CKA ({@link Cka}, the biased estimator, as the cka stage's default) between every layer of one run and every
 * layer of another, on the test images both captured, matched by their position in the test file: at most
 * {@value #IMAGES} of them, a seeded subset ({@link SeededRows#uniform}, seed {@value #SEED}, the cka stage's
 * defaults) when they share more.
 */
final class CrossRunCka {

    static final int IMAGES = 5000;
    static final long SEED = 42;
    static final Cka.Estimator ESTIMATOR = Cka.Estimator.LINEAR_BIASED;

    private CrossRunCka() {
    }

    /** One comparison, a line of {@code cka.csv}. */
    record Line(String runA, String layerA, String runB, String layerB, int epoch, double cka, int n) {
    }

    /**
     * Every layer of {@code a} against every layer of {@code b}, {@code a}'s layers outer; empty when they share
     * fewer than 4 captured test images or either captured none.
     */
    static List<Line> between(RunFolder a, RunFolder b) throws IOException {
        int[] indexA = a.capturedTestIndex();
        int[] indexB = b.capturedTestIndex();
        if (indexA == null || indexB == null) {
            return List.of();
        }
        SharedRows shared = SharedRows.of(indexA, indexB);
        if (shared.size() < 4) {
            return List.of();
        }
        SharedRows picked = shared.pick(SeededRows.uniform(shared.size(), IMAGES, SEED));
        int[] rowsA = picked.ourRows();
        int[] rowsB = picked.theirRows();
        List<Cka.Representation> representationsB = new ArrayList<>();
        List<String> layersB = b.layers();
        for (String layer : layersB) {
            FloatMatrix captured = b.capturedTest(layer);
            representationsB.add(captured == null ? null : Cka.Representation.of(captured.rows(rowsB)));
        }
        int epoch = a.trainedEpoch();
        List<Line> lines = new ArrayList<>();
        for (String layerA : a.layers()) {
            FloatMatrix captured = a.capturedTest(layerA);
            if (captured == null) {
                continue;
            }
            Cka.Representation representationA = Cka.Representation.of(captured.rows(rowsA));
            for (int l = 0; l < layersB.size(); l++) {
                if (representationsB.get(l) != null) {
                    lines.add(new Line(a.name(), layerA, b.name(), layersB.get(l), epoch,
                            Cka.linear(representationA, representationsB.get(l), ESTIMATOR), picked.size()));
                }
            }
        }
        return lines;
    }
}

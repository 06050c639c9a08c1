package dev.layerscope.report.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sentences follow the numbers: other numbers, other sentences. */
class LayerFindingsTest {

    private static LayerScorecard.Row row(String layer, int width, double knn, double probe, double dimension) {
        return new LayerScorecard.Row(layer, width, knn, probe, dimension, "t-SNE", knn - 0.004);
    }

    private static double[][] cka(double... byEpoch) {
        double[][] points = new double[byEpoch.length][];
        for (int e = 0; e < byEpoch.length; e++) {
            points[e] = new double[] {e + 1, byEpoch[e]};
        }
        return points;
    }

    @Test
    void aScorecardLikeTheDefaultMlpsIsDescribedFromItsNumbers() {
        Map<String, double[][]> settling = new LinkedHashMap<>();
        settling.put("dense1", cka(0.7, 0.92, 0.95, 1));
        settling.put("dense2", cka(0.5, 0.8, 0.93, 1));
        LayerScorecard scorecard = new LayerScorecard(List.of(row("input", 784, 0.855, 0.842, 14.0),
                row("dense1", 256, 0.879, 0.884, 19.5), row("dense2", 64, 0.875, 0.889, 9.0)), settling,
                Optional.of(new LayerScorecard.Collapse("dense2", new double[][] {{1, 4.5}, {4, 1.25}}, -0.105,
                        -1.0 / 9, 0.987)));

        String text = String.join("\n", LayerFindings.of(scorecard));

        assertTrue(text.contains("best from `dense2` (test accuracy 0.889) and worst from `input` (0.842)"), text);
        assertTrue(text.contains("In `input` the classes are separable by neighbours more than linearly (kNN 0.855, "
                + "the probe 0.842)"), text);
        assertTrue(text.contains("in `dense2` a linear probe beats kNN (0.889 against 0.875)"), text);
        assertTrue(text.contains("rises, then falls across the layers, as Ansuini et al. (2019) report"), text);
        assertTrue(text.contains("`input` 14.0, `dense1` 19.5, `dense2` 9.0"), text);
        assertTrue(text.contains("The layers settle bottom-up") && text.contains("in `dense1` at epoch 2, in `dense2` "
                + "at epoch 3"), text);
        assertTrue(text.contains("NC1 of `dense2` falls from 4.50 after epoch 1 to 1.25 after epoch 4"), text);

        LayerScorecard onTheRecord = new LayerScorecard(scorecard.rows(), Map.of(), Optional.of(
                new LayerScorecard.Collapse("dense2", new double[][] {{0, 4.0}, {3, 4.5}}, -0.1, -1.0 / 9, 0.9,
                        "the per-epoch record's test images")));
        assertTrue(String.join("\n", LayerFindings.of(onTheRecord)).contains("NC1 of `dense2` (on the per-epoch "
                + "record's test images) rises from 4.00 after epoch 0 to 4.50 after epoch 3: its classes do "
                + "not draw in"));
        assertTrue(text.contains("average -0.105 (a simplex frame: -0.111)") && text.contains("98.7% of the test"),
                text);
    }

    @Test
    void otherNumbersGiveOtherSentences() {
        Map<String, double[][]> settling = new LinkedHashMap<>();
        settling.put("conv1", cka(0.5, 0.6, 0.7, 1));
        settling.put("dense1", cka(0.95, 0.97, 0.99, 1));
        LayerScorecard scorecard = new LayerScorecard(List.of(row("input", 784, 0.85, 0.851, 30.0),
                row("conv1", 1024, 0.90, 0.905, 20.0), row("dense1", 128, 0.91, 0.909, 8.0)), settling,
                Optional.empty());

        String text = String.join("\n", LayerFindings.of(scorecard));

        assertTrue(text.contains("The linear probe and kNN agree within a point in every layer."), text);
        assertTrue(text.contains("falls from layer to layer, without the rise"), text);
        assertTrue(text.contains("do not settle bottom-up") && text.contains("in `conv1` at epoch 4, in `dense1` at "
                + "epoch 1"), text);
        assertTrue(!text.contains("NC1"), text);
    }

    /** A dimension that rises above both ends says where it peaked; one that only falls does not. */
    @Test
    void theIntrinsicDimensionOverTrainingIsStatedPerLayer() {
        Map<String, double[][]> dimensions = new LinkedHashMap<>();
        dimensions.put("dense1", new double[][] {{0, 20.0}, {1, 26.0}, {2, 22.0}, {3, 18.0}});
        dimensions.put("dense2", new double[][] {{0, 15.0}, {1, 12.0}, {2, Double.NaN}, {3, 9.0}});
        LayerScorecard scorecard = new LayerScorecard(List.of(row("dense1", 256, 0.88, 0.88, 18.0)), Map.of(),
                Optional.empty(), dimensions);

        String text = String.join("\n", LayerFindings.of(scorecard));

        assertTrue(text.contains("Over training the intrinsic dimension moves in `dense1` from 20.0 after epoch 0 to "
                + "18.0 after epoch 3, highest 26.0 after epoch 1; in `dense2` from 15.0 after epoch 0 to 9.0 after "
                + "epoch 3."), text);
    }

    @Test
    void missingMeasuresLeaveTheirSentencesOut() {
        LayerScorecard knnOnly = new LayerScorecard(List.of(new LayerScorecard.Row("input", 784, 0.85, Double.NaN,
                Double.NaN, "", Double.NaN)), Map.of(), Optional.empty());
        assertEquals(List.of(), LayerFindings.of(knnOnly));
    }
}

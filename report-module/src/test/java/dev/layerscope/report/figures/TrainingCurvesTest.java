package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.train.EpochRecord;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingCurvesTest {

    static List<EpochRecord> history(int epochs) {
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            history.add(new EpochRecord(e, 1.2 / e, 1 - 0.5 / e, 1.3 / e + 0.02 * e, 0.95 - 0.55 / e, 3.0, 1e-3));
        }
        return history;
    }

    @ParameterizedTest
    @ValueSource(strings = {"loss", "accuracy"})
    void drawsBothSplitsInTheirColours(String which) throws IOException {
        Function<List<EpochRecord>, BufferedImage> draw =
                which.equals("loss") ? TrainingCurves::loss : TrainingCurves::accuracy;
        BufferedImage image = Pictures.written(draw.apply(history(6)), "curves-" + which, TrainingCurves.WIDTH,
                TrainingCurves.HEIGHT);
        // each epoch is a marked point of each curve: at least a few markers' worth of each colour
        for (var colour : List.of(TrainingCurves.TRAIN, TrainingCurves.VALIDATION)) {
            int pixels = Pictures.count(image, colour, 0, 0, 0, image.getWidth(), image.getHeight());
            assertTrue(pixels > 6 * 10, "only " + pixels + " pixels of " + colour);
        }
    }

    @Test
    void anyMeasureGetsACurvePerSeriesInItsColourAndNanPointsAreLeftOut() throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (int layer = 0; layer < 3; layer++) {
            double[][] points = new double[8][];
            for (int e = 0; e < 8; e++) {
                points[e] = new double[] {e, e == 3 ? Double.NaN : 1 - 0.5 / (e + 1 + layer)};
            }
            series.put("layer " + layer, points);
        }
        BufferedImage image = Pictures.written(TrainingCurves.byEpoch("Probe accuracy per epoch", "accuracy",
                series), "curves-by-epoch", TrainingCurves.WIDTH, TrainingCurves.HEIGHT);
        for (int layer = 0; layer < 3; layer++) {
            int pixels = Pictures.count(image, Figures.classColor(layer), 0, 0, 0, image.getWidth(),
                    image.getHeight());
            assertTrue(pixels > 7 * 10, "only " + pixels + " pixels of layer " + layer + "'s colour");
        }
        assertThrows(IllegalArgumentException.class, () -> TrainingCurves.byEpoch("none", "x",
                Map.of("empty", new double[][] {{1, Double.NaN}})));
    }
}

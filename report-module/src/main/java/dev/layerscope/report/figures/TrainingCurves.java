package dev.layerscope.report.figures;

import dev.layerscope.train.EpochRecord;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import smile.plot.swing.Figure;
import smile.plot.swing.Line;
import smile.plot.swing.LinePlot;
import smile.plot.swing.Legend;

/**
 * Curves per epoch, {@value #WIDTH} x {@value #HEIGHT} pixels, drawn whole by smile-plot (lines, axes, title and
 * legend): train against validation loss and accuracy, and any measure per epoch with a curve per layer.
 */
public final class TrainingCurves {

    static final int WIDTH = 900;
    static final int HEIGHT = 600;
    static final Color TRAIN = Figures.classColor(0);
    static final Color VALIDATION = Figures.classColor(1);

    private TrainingCurves() {
    }

    /** Train against validation loss per epoch. */
    public static BufferedImage loss(List<EpochRecord> history) {
        return curves(history, "Loss per epoch", "cross-entropy", EpochRecord::trainLoss, EpochRecord::validationLoss);
    }

    /** Train against validation accuracy per epoch. */
    public static BufferedImage accuracy(List<EpochRecord> history) {
        return curves(history, "Accuracy per epoch", "accuracy", EpochRecord::trainAccuracy,
                EpochRecord::validationAccuracy);
    }

    private static BufferedImage curves(List<EpochRecord> history, String title, String measure,
                                        ToDoubleFunction<EpochRecord> train,
                                        ToDoubleFunction<EpochRecord> validation) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("no epochs to draw");
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("train", points(history, train));
        series.put("validation", points(history, validation));
        return byEpoch(title, measure, series);
    }

    /**
     * One curve per series, {@code (epoch, value)} points each, in the class colours in order ({@link #TRAIN},
     * {@link #VALIDATION}, ...), with a legend of the series' names; each point marked, since a short run has only
     * a few. NaN points are left out.
     */
    public static BufferedImage byEpoch(String title, String measure, Map<String, double[][]> series) {
        List<Line> lines = new ArrayList<>();
        List<Legend> legends = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, double[][]> entry : series.entrySet()) {
            Color color = Figures.classColor(index++);
            double[][] points = Arrays.stream(entry.getValue()).filter(p -> !Double.isNaN(p[1]))
                    .toArray(double[][]::new);
            if (points.length > 0) {
                lines.add(new Line(points, Line.Style.SOLID, '@', color));
                legends.add(new Legend(entry.getKey(), color));
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no points to draw in " + title);
        }
        Figure figure = new LinePlot(lines.toArray(Line[]::new), legends.toArray(Legend[]::new)).figure();
        figure.setTitle(title).setTitleFont(Figures.TITLE_FONT).setAxisLabels("epoch", measure);
        return Figures.render(figure, WIDTH, HEIGHT).image();
    }

    private static double[][] points(List<EpochRecord> history, ToDoubleFunction<EpochRecord> value) {
        return history.stream().map(record -> new double[] {record.epoch(), value.applyAsDouble(record)})
                .toArray(double[][]::new);
    }
}

package dev.layerscope.report.figures;

import dev.layerscope.train.EpochRecord;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.ToDoubleFunction;
import smile.plot.swing.Figure;
import smile.plot.swing.Line;
import smile.plot.swing.LinePlot;
import smile.plot.swing.Legend;

/**
 * Train and validation curves per epoch, {@value #WIDTH} x {@value #HEIGHT} pixels, drawn whole by smile-plot (lines,
 * axes, title and its legend of the two splits).
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
        Line[] lines = {line(history, train, TRAIN), line(history, validation, VALIDATION)};
        Legend[] legends = {new Legend("train", TRAIN), new Legend("validation", VALIDATION)};
        Figure figure = new LinePlot(lines, legends).figure();
        figure.setTitle(title).setTitleFont(Figures.TITLE_FONT).setAxisLabels("epoch", measure);
        return Figures.render(figure, WIDTH, HEIGHT).image();
    }

    /** One split's curve; each epoch marked, since a short run has only a few. */
    private static Line line(List<EpochRecord> history, ToDoubleFunction<EpochRecord> value, Color color) {
        double[][] points = history.stream()
                .map(record -> new double[] {record.epoch(), value.applyAsDouble(record)})
                .toArray(double[][]::new);
        return new Line(points, Line.Style.SOLID, '@', color);
    }
}

package dev.layerscope.report.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import smile.plot.swing.Figure;
import smile.plot.swing.Heatmap;

/**
 * The confusion matrix, {@value #SIZE} x {@value #SIZE} pixels: true class down, predicted class across, cells
 * shaded white to dark blue by count. smile-plot draws the cells, the class names on both axes and the colour bar;
 * Java2D writes each cell's count, which smile's heatmap cannot.
 */
public final class ConfusionHeatmap {

    static final int SIZE = 800;
    private static final int SHADES = 64;
    /** Cells darker than this share of the scale get white counts. */
    private static final double DARK = 0.55;

    private ConfusionHeatmap() {
    }

    /** The heatmap of {@code counts} (rows: true class, columns: predicted class). */
    public static BufferedImage of(long[][] counts, List<String> classNames) {
        int classes = classNames.size();
        if (counts.length != classes) {
            throw new IllegalArgumentException(counts.length + " rows of counts for " + classes + " classes");
        }
        double[][] z = new double[classes][classes];
        long max = 1;
        for (int i = 0; i < classes; i++) {
            if (counts[i].length != classes) {
                throw new IllegalArgumentException("row " + i + " has " + counts[i].length + " counts for "
                        + classes + " classes");
            }
            for (int j = 0; j < classes; j++) {
                z[i][j] = counts[i][j];
                max = Math.max(max, counts[i][j]);
            }
        }
        // cell (i, j) centred at x = j + 0.5, y = classes - i - 0.5 (row 0 on top), in a figure spanning exactly
        // [0, classes]: smile's own label constructor centres cells on the bounds and clips the outer halves
        double[] x = new double[classes];
        double[] y = new double[classes];
        for (int k = 0; k < classes; k++) {
            x[k] = k + 0.5;
            y[k] = classes - k - 0.5;
        }
        Figure figure = new Figure(new double[] {0, 0}, new double[] {classes, classes}, false);
        figure.add(new Heatmap(x, y, z, blues()));
        String[] names = classNames.toArray(String[]::new);
        // rotated before the ticks are set: smile turns the tick labels as they are made
        figure.getAxis(0).setRotation(-Math.PI / 2).setTicks(names, x).setGridVisible(false);
        figure.getAxis(1).setTicks(names, y).setGridVisible(false);
        // a wider margin than smile's 0.15 keeps the colour bar's labels inside the image
        figure.setMargin(0.17).setTitle("Confusion matrix").setTitleFont(Figures.TITLE_FONT)
                .setAxisLabels("predicted class", "true class");
        Figures.Rendered rendered = Figures.render(figure, SIZE, SIZE);
        writeCounts(rendered, counts, max);
        return rendered.image();
    }

    /** Writes each count at the centre of its cell. */
    private static void writeCounts(Figures.Rendered rendered, long[][] counts, long max) {
        int classes = counts.length;
        Graphics2D g = Figures.graphics(rendered.image());
        int cell = rendered.pixel(1, 0)[0] - rendered.pixel(0, 0)[0];
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(16, cell / 4))));
        int rise = (g.getFontMetrics().getAscent() - g.getFontMetrics().getDescent()) / 2;
        for (int i = 0; i < classes; i++) {
            for (int j = 0; j < classes; j++) {
                int[] centre = rendered.pixel(j + 0.5, classes - i - 0.5);
                g.setColor((double) counts[i][j] / max > DARK ? Color.WHITE : Color.BLACK);
                Figures.drawCentred(g, Long.toString(counts[i][j]), centre[0], centre[1] + rise);
            }
        }
        g.dispose();
    }

    /** White to dark blue, so that the empty off-diagonal cells recede. */
    private static Color[] blues() {
        Color light = new Color(0xF7FBFF);
        Color dark = new Color(0x08306B);
        Color[] palette = new Color[SHADES];
        for (int k = 0; k < SHADES; k++) {
            palette[k] = Figures.mix(light, dark, (double) k / (SHADES - 1));
        }
        return palette;
    }
}

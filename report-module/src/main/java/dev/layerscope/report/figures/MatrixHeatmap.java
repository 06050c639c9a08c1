package dev.layerscope.report.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import smile.plot.swing.Figure;
import smile.plot.swing.Heatmap;

/**
 * A matrix as a heatmap with each cell's value written in it, {@value #SIZE} x {@value #SIZE} pixels: the confusion
 * matrix (counts, true class down, predicted class across) and the layers' similarity (CKA, 0 to 1). Cells are
 * shaded white to dark blue; smile-plot draws the cells, the names on both axes and the colour bar; Java2D writes
 * each cell's value, which smile's heatmap cannot.
 */
public final class MatrixHeatmap {

    static final int SIZE = 800;
    private static final int SHADES = 64;
    /** Cells darker than this share of the scale get white text. */
    private static final double DARK = 0.55;

    private MatrixHeatmap() {
    }

    /** The confusion matrix: {@code counts} rows are true classes, columns predicted ones. */
    public static BufferedImage confusion(long[][] counts, List<String> classNames) {
        int classes = classNames.size();
        if (counts.length != classes) {
            throw new IllegalArgumentException(counts.length + " rows of counts for " + classes + " classes");
        }
        double[][] z = new double[classes][];
        String[][] text = new String[classes][classes];
        double max = 1;
        for (int i = 0; i < classes; i++) {
            if (counts[i].length != classes) {
                throw new IllegalArgumentException("row " + i + " has " + counts[i].length + " counts for "
                        + classes + " classes");
            }
            z[i] = new double[classes];
            for (int j = 0; j < classes; j++) {
                z[i][j] = counts[i][j];
                text[i][j] = Long.toString(counts[i][j]);
                max = Math.max(max, counts[i][j]);
            }
        }
        return draw(z, text, 0, max, classNames, classNames, "Confusion matrix", "predicted class", "true class");
    }

    /**
     * A similarity matrix on the fixed scale 0 to 1 (so that two figures compare), each value written to two
     * decimals; NaN cells are left blank.
     */
    public static BufferedImage similarity(double[][] values, List<String> rowNames, List<String> columnNames,
                                           String title, String columnAxis, String rowAxis) {
        if (values.length != rowNames.size()) {
            throw new IllegalArgumentException(values.length + " rows for " + rowNames.size() + " row names");
        }
        String[][] text = new String[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != columnNames.size()) {
                throw new IllegalArgumentException("row " + i + " has " + values[i].length + " values for "
                        + columnNames.size() + " columns");
            }
            text[i] = new String[values[i].length];
            for (int j = 0; j < values[i].length; j++) {
                text[i][j] = Double.isNaN(values[i][j]) ? "" : String.format(Locale.ROOT, "%.2f", values[i][j]);
            }
        }
        return draw(values, text, 0, 1, rowNames, columnNames, title, columnAxis, rowAxis);
    }

    private static BufferedImage draw(double[][] z, String[][] text, double low, double high, List<String> rowNames,
                                      List<String> columnNames, String title, String columnAxis, String rowAxis) {
        int rows = rowNames.size();
        int columns = columnNames.size();
        // cell (i, j) centred at x = j + 0.5, y = rows - i - 0.5 (row 0 on top), in a figure spanning exactly
        // [0, columns] x [0, rows]: smile's own label constructor centres cells on the bounds and clips the outer
        // halves
        double[] x = new double[columns];
        double[] y = new double[rows];
        for (int k = 0; k < columns; k++) {
            x[k] = k + 0.5;
        }
        for (int k = 0; k < rows; k++) {
            y[k] = rows - k - 0.5;
        }
        Figure figure = new Figure(new double[] {0, 0}, new double[] {columns, rows}, false);
        double[][] shaded = clamped(z, low, high);
        figure.add(new Heatmap(x, y, shaded, blues(low, high, shaded)));
        // rotated before the ticks are set: smile turns the tick labels as they are made
        figure.getAxis(0).setRotation(-Math.PI / 2).setTicks(columnNames.toArray(String[]::new), x)
                .setGridVisible(false);
        figure.getAxis(1).setTicks(rowNames.toArray(String[]::new), y).setGridVisible(false);
        // a wider margin than smile's 0.15 keeps the colour bar's labels inside the image
        figure.setMargin(0.17).setTitle(title).setTitleFont(Figures.TITLE_FONT).setAxisLabels(columnAxis, rowAxis);
        Figures.Rendered rendered = Figures.render(figure, SIZE, SIZE);
        writeValues(rendered, z, text, low, high);
        return rendered.image();
    }

    /** The values within the scale; NaN becomes its low end. */
    private static double[][] clamped(double[][] z, double low, double high) {
        double[][] out = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            out[i] = new double[z[i].length];
            for (int j = 0; j < z[i].length; j++) {
                out[i][j] = Double.isNaN(z[i][j]) ? low : Math.clamp(z[i][j], low, high);
            }
        }
        return out;
    }

    /** Writes each cell's text at its centre. */
    private static void writeValues(Figures.Rendered rendered, double[][] z, String[][] text, double low,
                                    double high) {
        int rows = z.length;
        Graphics2D g = Figures.graphics(rendered.image());
        int cell = Math.min(rendered.pixel(1, 0)[0] - rendered.pixel(0, 0)[0],
                rendered.pixel(0, 0)[1] - rendered.pixel(0, 1)[1]);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(16, cell / 4))));
        int rise = (g.getFontMetrics().getAscent() - g.getFontMetrics().getDescent()) / 2;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < z[i].length; j++) {
                int[] centre = rendered.pixel(j + 0.5, rows - i - 0.5);
                g.setColor((z[i][j] - low) / (high - low) > DARK ? Color.WHITE : Color.BLACK);
                Figures.drawCentred(g, text[i][j], centre[0], centre[1] + rise);
            }
        }
        g.dispose();
    }

    /**
     * White (at {@code low}) to dark blue (at {@code high}), so that the small values recede. smile spreads its
     * palette over the data's own range, so the palette given covers only that part of the scale: a value has the
     * same shade in every figure of the same scale.
     */
    private static Color[] blues(double low, double high, double[][] z) {
        double least = Double.POSITIVE_INFINITY;
        double most = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            for (double value : row) {
                least = Math.min(least, value);
                most = Math.max(most, value);
            }
        }
        Color light = new Color(0xF7FBFF);
        Color dark = new Color(0x08306B);
        Color[] palette = new Color[SHADES];
        for (int k = 0; k < SHADES; k++) {
            double value = least + (most - least) * k / (SHADES - 1);
            palette[k] = Figures.mix(light, dark, (value - low) / (high - low));
        }
        return palette;
    }
}

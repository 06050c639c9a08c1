package dev.layerscope.report.figures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import smile.plot.swing.Figure;
import smile.plot.swing.Legend;
import smile.plot.swing.Line;
import smile.plot.swing.LinePlot;
import smile.plot.swing.Point;
import smile.plot.swing.ScatterPlot;

/**
 * The figures of the comparison report across runs ({@code dev.layerscope.compare}): a measure per layer with a line
 * per run, maps of several runs side by side on the same axes, and a grid of thumbnails.
 */
public final class ComparisonFigures {

    static final int WIDTH = 900;
    static final int HEIGHT = 600;
    static final int THUMBNAIL_GAP = 4;

    private ComparisonFigures() {
    }

    /**
     * A measure per layer, one line per series (a run), the layers in order along x; NaN values (a layer a run does
     * not have) are left out of its line.
     */
    public static BufferedImage byLayer(String title, String measure, List<String> layers,
                                        Map<String, double[]> series) {
        List<Line> lines = new ArrayList<>();
        List<Legend> legends = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, double[]> entry : series.entrySet()) {
            Color color = Figures.classColor(index++);
            List<double[]> points = new ArrayList<>();
            double[] values = entry.getValue();
            for (int l = 0; l < values.length; l++) {
                if (!Double.isNaN(values[l])) {
                    points.add(new double[] {l, values[l]});
                }
            }
            if (!points.isEmpty()) {
                lines.add(new Line(points.toArray(double[][]::new), Line.Style.SOLID, '@', color));
                legends.add(new Legend(entry.getKey(), color));
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no points to draw in " + title);
        }
        Figure figure = new LinePlot(lines.toArray(Line[]::new), legends.toArray(Legend[]::new)).figure();
        double[] at = new double[layers.size()];
        for (int l = 0; l < at.length; l++) {
            at[l] = l;
        }
        // a little room either side, so that the first and last layers' marks are not on the frame
        double[] lower = figure.getLowerBounds();
        double[] upper = figure.getUpperBounds();
        figure.setBound(new double[] {-0.25, lower[1]}, new double[] {layers.size() - 0.75, upper[1]});
        figure.getAxis(0).setTicks(layers.toArray(String[]::new), at).setGridVisible(false);
        figure.setTitle(title).setTitleFont(Figures.TITLE_FONT).setAxisLabels("layer", measure);
        return Figures.render(figure, WIDTH, HEIGHT).image();
    }

    /**
     * Training curves of several runs: one colour per run, its training curve solid and its validation curve
     * dashed, {@code (epoch, value)} points each; NaN points (no validation split) are left out.
     *
     * @param train      per run (the legend's name), its training curve
     * @param validation per run, its validation curve
     */
    public static BufferedImage byEpochPerRun(String title, String measure, Map<String, double[][]> train,
                                              Map<String, double[][]> validation) {
        List<Line> lines = new ArrayList<>();
        List<Legend> legends = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, double[][]> run : train.entrySet()) {
            Color color = Figures.classColor(index++);
            boolean drawn = false;
            for (double[][] curve : new double[][][] {run.getValue(), validation.get(run.getKey())}) {
                double[][] points = curve == null ? new double[0][]
                        : Arrays.stream(curve).filter(p -> !Double.isNaN(p[1])).toArray(double[][]::new);
                if (points.length > 0) {
                    lines.add(new Line(points, curve == run.getValue() ? Line.Style.SOLID : Line.Style.DASH, '@',
                            color));
                    drawn = true;
                }
            }
            if (drawn) {
                legends.add(new Legend(run.getKey(), color));
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no points to draw in " + title);
        }
        Figure figure = new LinePlot(lines.toArray(Line[]::new), legends.toArray(Legend[]::new)).figure();
        figure.setTitle(title).setTitleFont(Figures.TITLE_FONT).setAxisLabels("epoch", measure);
        return Figures.render(figure, WIDTH, HEIGHT).image();
    }

    /**
     * Maps of the same points, one panel each ({@link EmbeddingGrid#PANEL} pixels square), side by side on the same
     * axes, coloured by class, with one legend of class names on the right.
     *
     * @param titles each panel's title
     * @param maps   each panel's points, n x 2 each, the same n
     * @param labels each point's class
     */
    public static BufferedImage sideBySide(String title, List<String> titles, List<double[][]> maps, int[] labels,
                                           List<String> classNames) {
        if (maps.isEmpty() || maps.size() != titles.size()) {
            throw new IllegalArgumentException(maps.size() + " maps for " + titles.size() + " titles");
        }
        double[] lower = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] upper = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[][] map : maps) {
            for (double[] point : map) {
                for (int d = 0; d < 2; d++) {
                    lower[d] = Math.min(lower[d], point[d]);
                    upper[d] = Math.max(upper[d], point[d]);
                }
            }
        }
        int panel = EmbeddingGrid.PANEL;
        int legendLeft = maps.size() * panel + 10;
        BufferedImage image = new BufferedImage(legendLeft + Figures.legendWidth(classNames),
                EmbeddingGrid.HEADER + panel, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Figures.graphics(image);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int m = 0; m < maps.size(); m++) {
            g.drawImage(panel(maps.get(m), labels, titles.get(m), lower, upper), m * panel, EmbeddingGrid.HEADER,
                    null);
        }
        g.setColor(Color.BLACK);
        g.setFont(Figures.TITLE_FONT);
        Figures.drawCentred(g, title, maps.size() * panel / 2, EmbeddingGrid.HEADER - 12);
        Figures.drawLegend(g, classNames, legendLeft, EmbeddingGrid.HEADER + 40);
        g.dispose();
        return image;
    }

    private static BufferedImage panel(double[][] points, int[] labels, String title, double[] lower,
                                       double[] upper) {
        if (points.length != labels.length) {
            throw new IllegalArgumentException(points.length + " points for " + labels.length + " labels");
        }
        List<List<double[]>> byClass = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            while (byClass.size() <= labels[i]) {
                byClass.add(new ArrayList<>());
            }
            byClass.get(labels[i]).add(points[i]);
        }
        List<Point> classPoints = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            if (!byClass.get(c).isEmpty()) {
                classPoints.add(new Point(byClass.get(c).toArray(double[][]::new), '@',
                        Figures.classColor(c, EmbeddingGrid.ALPHA)));
            }
        }
        Figure figure = new ScatterPlot(classPoints.toArray(Point[]::new)).figure();
        figure.setBound(lower.clone(), upper.clone());
        figure.setTitle(title).setTitleFont(Figures.TEXT_FONT).setLegendVisible(false).setMargin(0.08);
        return Figures.render(figure, EmbeddingGrid.PANEL, EmbeddingGrid.PANEL).image();
    }

    /** Images of the same size in a grid of {@code columns}, with a small white gap between them. */
    public static BufferedImage grid(List<BufferedImage> images, int columns) {
        if (images.isEmpty() || columns < 1) {
            throw new IllegalArgumentException(images.size() + " images in " + columns + " columns");
        }
        int width = images.getFirst().getWidth();
        int height = images.getFirst().getHeight();
        int used = Math.min(columns, images.size());
        int rows = (images.size() + columns - 1) / columns;
        BufferedImage out = new BufferedImage(used * (width + THUMBNAIL_GAP) - THUMBNAIL_GAP,
                rows * (height + THUMBNAIL_GAP) - THUMBNAIL_GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(images.get(i), (i % columns) * (width + THUMBNAIL_GAP), (i / columns) * (height
                    + THUMBNAIL_GAP), null);
        }
        g.dispose();
        return out;
    }
}

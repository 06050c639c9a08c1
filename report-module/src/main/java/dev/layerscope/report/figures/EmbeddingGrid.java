package dev.layerscope.report.figures;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.reduce.Embeddings;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import smile.plot.swing.Figure;
import smile.plot.swing.Point;
import smile.plot.swing.ScatterPlot;

/**
 * The 2-D maps of one method: a row per input, the training split on the left and the test split on the right. Each
 * panel is {@value #PANEL} x {@value #PANEL} pixels drawn by smile-plot (points, axes, title); Java2D places the
 * panels on one image under a header and draws one legend of class names on the right for all of them, as smile's
 * own legend sits in each panel's margin and would repeat per panel.
 */
public final class EmbeddingGrid {

    static final int PANEL = 420;
    static final int HEADER = 40;
    /** Point alpha: dense clusters stay readable where thousands of points overlap. */
    static final int ALPHA = 190;
    /** Above this many points in a panel, one pixel per point; below, a small disc. */
    private static final int DOT_LIMIT = 5000;

    private EmbeddingGrid() {
    }

    /**
     * One method's maps, in the given order; {@code knnAccuracyByInput} may lack an input (its panels then show no
     * kNN accuracy). The image is {@code 2 * PANEL + legend} wide and {@code HEADER + maps * PANEL} high.
     */
    public static BufferedImage of(String method, List<Embeddings.Embedding> maps, List<String> classNames,
                                   Map<String, Double> knnAccuracyByInput) {
        if (maps.isEmpty()) {
            throw new IllegalArgumentException("no " + method + " maps to draw");
        }
        int legendLeft = 2 * PANEL + 10;
        BufferedImage image = new BufferedImage(legendLeft + Figures.legendWidth(classNames),
                HEADER + maps.size() * PANEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Figures.graphics(image);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int row = 0; row < maps.size(); row++) {
            Embeddings.Embedding map = maps.get(row);
            Double knn = knnAccuracyByInput.get(map.input());
            String accuracy = knn == null ? "" : String.format(Locale.ROOT, ", kNN accuracy %.3f", knn);
            g.drawImage(panel(map.train(), map.trainRows().labels(), map.input() + " - train" + accuracy), 0,
                    HEADER + row * PANEL, null);
            g.drawImage(panel(map.test(), map.testRows().labels(), map.input() + " - test" + accuracy), PANEL,
                    HEADER + row * PANEL, null);
        }
        g.setColor(Color.BLACK);
        g.setFont(Figures.TITLE_FONT);
        Figures.drawCentred(g, method + " maps", PANEL, HEADER - 12);
        Figures.drawLegend(g, classNames, legendLeft, HEADER + 40);
        g.dispose();
        return image;
    }

    /** One split's map: a scatter plot per class, so each keeps its colour. */
    static BufferedImage panel(FloatMatrix points, int[] labels, String title) {
        if (points.cols() != 2 || points.rows() != labels.length) {
            throw new IllegalArgumentException("a map needs n x 2 points and n labels, got " + points.rows() + "x"
                    + points.cols() + " and " + labels.length);
        }
        char mark = points.rows() > DOT_LIMIT ? '.' : '@';
        List<List<double[]>> byClass = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            while (byClass.size() <= labels[i]) {
                byClass.add(new ArrayList<>());
            }
            byClass.get(labels[i]).add(new double[] {points.get(i, 0), points.get(i, 1)});
        }
        List<Point> classPoints = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            if (!byClass.get(c).isEmpty()) {
                classPoints.add(new Point(byClass.get(c).toArray(double[][]::new), mark,
                        Figures.classColor(c, ALPHA)));
            }
        }
        Figure figure = new ScatterPlot(classPoints.toArray(Point[]::new)).figure();
        figure.setTitle(title).setTitleFont(Figures.TEXT_FONT).setLegendVisible(false).setMargin(0.08);
        return Figures.render(figure, PANEL, PANEL).image();
    }
}

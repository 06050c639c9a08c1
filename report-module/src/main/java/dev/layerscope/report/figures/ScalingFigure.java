package dev.layerscope.report.figures;

import dev.layerscope.compare.CsvTable;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import smile.plot.swing.Figure;
import smile.plot.swing.Line;
import smile.plot.swing.LinePlot;

/**
 * How cost grows with the data (bench/scaling-bench.sh): seconds against the number of points per stage, method and
 * input, on log-log axes, and the exponent {@code b} of {@code seconds = a n^b} fitted by least squares on the
 * logarithms, which is the slope of each line. Run as
 * {@code java ... ScalingFigure scaling.csv scaling.png}: draws the figure and prints the Markdown table.
 */
public final class ScalingFigure {

    static final int PLOT_WIDTH = 900;
    static final int HEIGHT = 650;

    private ScalingFigure() {
    }

    /** The times of one stage, method and input at each size. */
    public record Series(String name, long[] points, double[] seconds, double[] peakMegabytes) {

        public Series {
            if (points.length != seconds.length || points.length != peakMegabytes.length || points.length == 0) {
                throw new IllegalArgumentException(name + ": as many sizes, times and peaks, at least one");
            }
        }

        /** The exponent of time against size: NaN with fewer than two sizes or a time that is not positive. */
        public double exponent() {
            return ScalingFigure.exponent(points, seconds);
        }
    }

    /**
     * The least-squares slope of {@code log seconds} against {@code log n}: {@code b} in {@code seconds = a n^b}.
     * NaN when there are fewer than two distinct sizes or a time is not positive (log undefined).
     */
    public static double exponent(long[] n, double[] seconds) {
        int count = n.length;
        if (count < 2 || new TreeSet<>(Arrays.stream(n).boxed().toList()).size() < 2) {
            return Double.NaN;
        }
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < count; i++) {
            if (!(seconds[i] > 0) || n[i] <= 0) {
                return Double.NaN;
            }
            meanX += Math.log(n[i]) / count;
            meanY += Math.log(seconds[i]) / count;
        }
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < count; i++) {
            double dx = Math.log(n[i]) - meanX;
            covariance += dx * (Math.log(seconds[i]) - meanY);
            variance += dx * dx;
        }
        return covariance / variance;
    }

    /**
     * The series of a scaling.csv ({@code n, stage, method, input, seconds, peak_mb}), each named
     * {@code stage[ method] input}, sorted by size, in the file's order of first appearance.
     */
    public static List<Series> read(Path csv) throws IOException {
        Map<String, TreeMap<Long, double[]>> bySeries = new LinkedHashMap<>();
        for (Map<String, String> row : CsvTable.read(csv).records()) {
            String method = row.get("method");
            String name = row.get("stage") + (method == null || method.isEmpty() ? "" : " " + method) + " "
                    + row.get("input");
            double[] previous = bySeries.computeIfAbsent(name, k -> new TreeMap<>()).put(Long.parseLong(row.get("n")),
                    new double[] {Double.parseDouble(row.get("seconds")), Double.parseDouble(row.get("peak_mb"))});
            if (previous != null) {
                throw new IOException(csv + ": two rows of " + name + " at n = " + row.get("n"));
            }
        }
        List<Series> series = new ArrayList<>();
        bySeries.forEach((name, rows) -> series.add(new Series(name,
                rows.keySet().stream().mapToLong(Long::longValue).toArray(),
                rows.values().stream().mapToDouble(v -> v[0]).toArray(),
                rows.values().stream().mapToDouble(v -> v[1]).toArray())));
        return series;
    }

    /**
     * Log-log lines, one per series, in a plot {@value #PLOT_WIDTH} wide, and beside it a legend naming each series
     * with its fitted exponent (drawn here: smile-plot's own legend cuts long names).
     */
    public static BufferedImage draw(List<Series> series) {
        List<Line> lines = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int index = 0;
        for (Series s : series) {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < s.points().length; i++) {
                if (s.seconds()[i] > 0) {
                    points.add(new double[] {Math.log10(s.points()[i]), Math.log10(s.seconds()[i])});
                }
            }
            Color color = Figures.classColor(index++);
            names.add(s.name() + exponentLabel(s.exponent()));
            if (!points.isEmpty()) {
                lines.add(new Line(points.toArray(double[][]::new), Line.Style.SOLID, '@', color));
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no positive times to draw");
        }
        Figure figure = new LinePlot(lines.toArray(Line[]::new)).figure();
        figure.setTitle("Seconds against points (log-log; the slope is the exponent)")
                .setTitleFont(Figures.TITLE_FONT).setLegendVisible(false).setAxisLabels("log10 points",
                        "log10 seconds");
        return Figures.withLegend(figure, PLOT_WIDTH, HEIGHT, names, PLOT_WIDTH, 80);
    }

    private static String exponentLabel(double exponent) {
        return Double.isNaN(exponent) ? "" : String.format(Locale.ROOT, " (n^%.2f)", exponent);
    }

    /** The Markdown table: seconds at each size, the exponent, and the peak memory at the largest size. */
    public static String table(List<Series> series) {
        List<Long> sizes = series.stream().flatMapToLong(s -> Arrays.stream(s.points())).boxed()
                .distinct().sorted().toList();
        StringBuilder out = new StringBuilder("| stage | ");
        sizes.forEach(n -> out.append(String.format(Locale.ROOT, "n = %,d | ", n)));
        out.append("exponent | peak resident MB at the largest n |\n|---|");
        sizes.forEach(n -> out.append("---:|"));
        out.append("---:|---:|\n");
        for (Series s : series) {
            out.append("| ").append(s.name()).append(" | ");
            for (long n : sizes) {
                int at = Arrays.binarySearch(s.points(), n);
                out.append(at >= 0 ? String.format(Locale.ROOT, "%.1f", s.seconds()[at]) : "-").append(" | ");
            }
            double exponent = s.exponent();
            out.append(Double.isNaN(exponent) ? "-" : String.format(Locale.ROOT, "%.2f", exponent)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", s.peakMegabytes()[s.points().length - 1]))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** {@code ScalingFigure <scaling.csv> <scaling.png>}: writes the figure and prints the table. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ScalingFigure <scaling.csv> <scaling.png>");
            System.exit(2);
        }
        List<Series> series = read(Path.of(args[0]));
        series.sort(Comparator.comparing(Series::name));
        Figures.writePng(draw(series), Path.of(args[1]));
        System.out.print(table(series));
    }
}

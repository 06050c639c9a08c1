package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaling benchmark's exponents, table and figure, on times whose exponents are known. */
class ScalingFigureTest {

    @TempDir
    Path dir;

    @Test
    void theExponentIsTheSlopeOfTheLogarithms() {
        long[] n = {10_000, 20_000, 50_000, 100_000};
        double[] quadratic = new double[n.length];
        double[] nLogN = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            quadratic[i] = 3e-9 * n[i] * (double) n[i];
            nLogN[i] = 1e-6 * n[i] * Math.log(n[i]);
        }
        assertEquals(2.0, ScalingFigure.exponent(n, quadratic), 1e-12);
        double slope = ScalingFigure.exponent(n, nLogN);
        assertTrue(slope > 1.0 && slope < 1.15, "n log n over 10k-100k grows as about n^1.1: " + slope);
        assertTrue(Double.isNaN(ScalingFigure.exponent(new long[] {10_000}, new double[] {1})), "one size");
        assertTrue(Double.isNaN(ScalingFigure.exponent(new long[] {10, 20}, new double[] {1, 0})), "log 0");
    }

    @Test
    void theCsvBecomesOneSeriesPerStageMethodAndInputWithItsExponentInTheTable() throws IOException {
        Path csv = dir.resolve("scaling.csv");
        Files.writeString(csv, """
                n,stage,method,input,seconds,peak_mb
                10000,capture,,input+dense2,1.0,900
                10000,reduce,umap,dense2,2.0,1500
                20000,capture,,input+dense2,2.0,1000
                20000,reduce,umap,dense2,8.0,2500
                """);

        List<ScalingFigure.Series> series = ScalingFigure.read(csv);

        assertEquals(List.of("capture input+dense2", "reduce umap dense2"),
                series.stream().map(ScalingFigure.Series::name).toList());
        assertEquals(1.0, series.get(0).exponent(), 1e-12);
        assertEquals(2.0, series.get(1).exponent(), 1e-12);
        String table = ScalingFigure.table(series);
        assertTrue(table.contains("| reduce umap dense2 | 2.0 | 8.0 | 2.00 | 2500 |"), table);
        assertTrue(table.contains("n = 10,000") && table.contains("n = 20,000"), table);
        BufferedImage image = ScalingFigure.draw(series);
        assertTrue(image.getWidth() > ScalingFigure.PLOT_WIDTH, "the legend is beside the plot");
        assertEquals(ScalingFigure.HEIGHT, image.getHeight());
    }

    @Test
    void aSizeMeasuredTwiceForOneSeriesIsAnError() throws IOException {
        Path csv = dir.resolve("twice.csv");
        Files.writeString(csv, """
                n,stage,method,input,seconds,peak_mb
                10000,knn,,all maps,1.0,900
                10000,knn,,all maps,1.5,900
                """);
        IOException e = assertThrows(IOException.class, () -> ScalingFigure.read(csv));
        assertTrue(e.getMessage().contains("knn all maps"), e.getMessage());
    }
}

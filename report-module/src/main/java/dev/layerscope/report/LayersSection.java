package dev.layerscope.report;

import dev.layerscope.cka.CkaResults;
import dev.layerscope.collapse.CollapseResults;
import dev.layerscope.intrinsic.IntrinsicDimensions;
import dev.layerscope.knn.KnnResults;
import dev.layerscope.probe.ProbeResults;
import dev.layerscope.report.ReportDocument.Heading;
import dev.layerscope.report.ReportDocument.Image;
import dev.layerscope.report.ReportDocument.Paragraph;
import dev.layerscope.report.ReportDocument.Table;
import dev.layerscope.report.figures.Figures;
import dev.layerscope.report.figures.MatrixHeatmap;
import dev.layerscope.report.figures.TrainingCurves;
import dev.layerscope.report.layers.LayerFindings;
import dev.layerscope.report.layers.LayerScorecard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The report's "Layers" section: each captured layer measured in its own space (kNN, intrinsic dimension), the
 * layers' similarity (CKA) as a heatmap with its values, the penultimate layer's neural collapse, what these
 * numbers show in a few sentences ({@link LayerFindings}), and, when the capture kept a per-epoch record, a curve
 * per layer and epoch of each measure. Each part is there when its stage ran.
 */
final class LayersSection {

    private LayersSection() {
    }

    /** The scorecard's measures a run may have, each present when its stage ran. */
    record Measures(KnnResults knn, Optional<ProbeResults> probes, Optional<CkaResults> cka,
                    Optional<IntrinsicDimensions> dimensions, Optional<CollapseResults> collapse) {

        boolean any() {
            return probes.isPresent() || cka.isPresent() || dimensions.isPresent() || collapse.isPresent();
        }
    }

    static void add(ReportDocument document, Path dir, String figures, Measures measures) throws IOException {
        if (!measures.any()) {
            return;
        }
        LayerScorecard scorecard = scorecard(measures);
        document.add(new Heading(2, "Layers"))
                .add(new Paragraph("Each captured layer measured in its own space: kNN accuracy of the test images "
                        + "among the training images (the largest k), a linear probe's test accuracy (Alain and "
                        + "Bengio 2016: separable by neighbours against linearly separable), the intrinsic dimension "
                        + "(TwoNN, Facco et al. 2017) and the best 2-D map by kNN accuracy."))
                .add(table(scorecard));
        for (String sentence : LayerFindings.of(scorecard)) {
            document.add(new Paragraph(sentence));
        }
        if (measures.cka().isPresent()) {
            similarity(document, dir, figures, measures.cka().get());
        }
        measures.collapse().ifPresent(collapse -> document.add(collapseTable(collapse)));
        byEpoch(document, dir, figures, measures, scorecard);
    }

    /**
     * The per-epoch curves, one figure per measure with a curve per layer, from the stages' per-epoch results (on
     * the capture's per-epoch record); nothing when there are none.
     */
    private static void byEpoch(ReportDocument document, Path dir, String figures, Measures measures,
                                LayerScorecard scorecard) throws IOException {
        Map<String, double[][]> probes = new LinkedHashMap<>();
        measures.probes().ifPresent(p -> p.epochLayers().forEach(layer -> probes.put(layer, p.byEpoch(layer))));
        Map<String, double[][]> dimensions = scorecard.dimensionsByEpoch();
        Map<String, double[][]> nc1 = new LinkedHashMap<>();
        scorecard.collapse().filter(c -> c.nc1ByEpoch().length > 1)
                .ifPresent(c -> nc1.put(c.layer(), c.nc1ByEpoch()));
        List<Curves> curves = List.of(
                new Curves("layers-cka-by-epoch.png", "CKA of each layer with its state after the last epoch",
                        "CKA with the final state", scorecard.settling()),
                new Curves("layers-probe-by-epoch.png", "Linear probe accuracy per epoch", "probe accuracy "
                        + "(held-out half of the record)", probes),
                new Curves("layers-id-by-epoch.png", "Intrinsic dimension per epoch", "intrinsic dimension (TwoNN)",
                        dimensions),
                new Curves("layers-nc1-by-epoch.png", "Neural collapse NC1 per epoch", "NC1", nc1));
        if (curves.stream().allMatch(c -> c.series().isEmpty())) {
            return;
        }
        document.add(new Heading(3, "Per epoch"))
                .add(new Paragraph("Each measure after each epoch (0: before training) on the capture's per-epoch "
                        + "record, a fixed seeded subset of test images: CKA of each layer with its own state after "
                        + "the last epoch (Raghu et al. 2017), a linear probe's accuracy (fitted on a seeded half of "
                        + "the images with the strength the layer's final probe chose, scored on the other half), "
                        + "the intrinsic dimension, and NC1 of the measured layer with class means from those "
                        + "images."));
        for (Curves curve : curves) {
            if (curve.series().isEmpty()) {
                continue;
            }
            Figures.writePng(TrainingCurves.byEpoch(curve.title(), curve.measure(), curve.series()),
                    dir.resolve(figures + "/" + curve.file()));
            document.add(new Image(figures + "/" + curve.file(), curve.title()));
        }
    }

    /** One figure of per-epoch curves: a series of {@code (epoch, value)} points per layer. */
    private record Curves(String file, String title, String measure, Map<String, double[][]> series) {
    }

    /** The numbers of the section, for its table and {@link LayerFindings}. */
    static LayerScorecard scorecard(Measures measures) {
        KnnResults knn = measures.knn();
        int largestK = knn.accuracies().stream().mapToInt(KnnResults.Accuracy::k).max().orElse(0);
        Set<String> layers = new LinkedHashSet<>();
        knn.accuracies().forEach(a -> layers.add(a.input()));
        measures.probes().ifPresent(p -> p.layers().forEach(layer -> layers.add(layer.layer())));
        measures.dimensions().ifPresent(d -> d.layers().forEach(layer -> layers.add(layer.layer())));
        List<LayerScorecard.Row> rows = new ArrayList<>();
        for (String layer : layers) {
            List<KnnResults.Accuracy> atK = knn.accuracies().stream()
                    .filter(a -> a.input().equals(layer) && a.k() == largestK).toList();
            Optional<KnnResults.Accuracy> own = atK.stream()
                    .filter(a -> a.method().equals(KnnResults.HIGH_DIMENSIONAL)).findFirst();
            Optional<KnnResults.Accuracy> bestMap = atK.stream()
                    .filter(a -> !a.method().equals(KnnResults.HIGH_DIMENSIONAL))
                    .max(Comparator.comparingDouble(KnnResults.Accuracy::accuracy));
            double dimension = measures.dimensions().flatMap(d -> d.layers().stream()
                    .filter(l -> l.layer().equals(layer)).findFirst()).map(IntrinsicDimensions.Layer::id)
                    .orElse(Double.NaN);
            Optional<ProbeResults.LayerProbe> probe = measures.probes().flatMap(p -> p.layers().stream()
                    .filter(l -> l.layer().equals(layer)).findFirst());
            int width = own.or(() -> atK.stream().findFirst()).map(KnnResults.Accuracy::dimensions)
                    .or(() -> probe.map(ProbeResults.LayerProbe::dimensions)).orElse(0);
            rows.add(new LayerScorecard.Row(layer, width, own.map(KnnResults.Accuracy::accuracy).orElse(Double.NaN),
                    probe.map(p -> p.test().accuracy()).orElse(Double.NaN), dimension, bestMap.map(KnnResults.Accuracy::method).orElse(""),
                    bestMap.map(KnnResults.Accuracy::accuracy).orElse(Double.NaN)));
        }
        Optional<LayerScorecard.Collapse> collapse = measures.collapse().flatMap(LayersSection::collapse);
        Map<String, double[][]> settling = new LinkedHashMap<>();
        measures.cka().ifPresent(cka -> cka.settlingLayers().forEach(layer -> settling.put(layer,
                cka.settling(layer))));
        Map<String, double[][]> dimensionsByEpoch = new LinkedHashMap<>();
        measures.dimensions().ifPresent(d -> d.epochLayers().forEach(layer -> dimensionsByEpoch.put(layer,
                d.byEpoch(layer))));
        return new LayerScorecard(rows, settling, collapse, dimensionsByEpoch);
    }

    /**
     * The last-measured layer's collapse: NC1 by epoch from the per-epoch lines (on the per-epoch record) when there
     * are any, else from the trained network's lines; NC2 and NC4 of the trained network.
     */
    private static Optional<LayerScorecard.Collapse> collapse(CollapseResults results) {
        if (results.lines().isEmpty()) {
            return Optional.empty();
        }
        CollapseResults.Line last = results.lines().stream()
                .max(Comparator.comparingInt(CollapseResults.Line::epoch)).orElseThrow();
        List<CollapseResults.Line> history = results.byEpoch().isEmpty() ? results.lines() : results.byEpoch();
        double[][] nc1 = history.stream().filter(line -> line.layer().equals(last.layer()))
                .sorted(Comparator.comparingInt(CollapseResults.Line::epoch))
                .map(line -> new double[] {line.epoch(), line.measures().nc1()}).toArray(double[][]::new);
        // the per-epoch lines are on the record's test images, not the training split of the table's line
        String images = results.byEpoch().isEmpty() ? "" : "the per-epoch record's test images";
        return Optional.of(new LayerScorecard.Collapse(last.layer(), nc1, last.measures().nc2CosMean(),
                results.equiangularCosine(), last.measures().nc4(), images));
    }

    private static Table table(LayerScorecard scorecard) {
        List<List<String>> lines = new ArrayList<>();
        for (LayerScorecard.Row row : scorecard.rows()) {
            lines.add(List.of("`" + row.layer() + "`", row.width() == 0 ? "" : String.format(Locale.ROOT, "%,d",
                    row.width()), number(row.knn(), "%.4f"), number(row.probe(), "%.4f"),
                    number(row.dimension(), "%.1f"),
                    row.bestMap().isEmpty() ? "" : row.bestMap() + " " + number(row.bestMapKnn(), "%.4f")));
        }
        return new Table(List.of("layer", "width", "kNN in the layer", "linear probe", "intrinsic dimension",
                "best 2-D map (kNN)"), lines);
    }

    /** This run's layers against each other, then against each compared run's, each as a heatmap with values. */
    private static void similarity(ReportDocument document, Path dir, String figures, CkaResults cka)
            throws IOException {
        Map<String, List<CkaResults.Similarity>> byRun = new LinkedHashMap<>();
        cka.similarities().forEach(s -> byRun.computeIfAbsent(s.runB(), run -> new ArrayList<>()).add(s));
        int index = 0;
        for (Map.Entry<String, List<CkaResults.Similarity>> run : byRun.entrySet()) {
            List<String> rowLayers = run.getValue().stream().map(CkaResults.Similarity::layerA).distinct().toList();
            List<String> columnLayers = run.getValue().stream().map(CkaResults.Similarity::layerB).distinct()
                    .toList();
            double[][] values = new double[rowLayers.size()][columnLayers.size()];
            for (CkaResults.Similarity s : run.getValue()) {
                values[rowLayers.indexOf(s.layerA())][columnLayers.indexOf(s.layerB())] = s.cka();
            }
            boolean self = run.getKey().equals(cka.run());
            CkaResults.Similarity first = run.getValue().getFirst();
            String file = figures + "/cka" + (self ? "" : "-" + index) + ".png";
            String title = self ? "CKA between the layers" : "CKA with " + run.getKey();
            Figures.writePng(MatrixHeatmap.similarity(values, rowLayers, columnLayers, title,
                    self ? "layer" : "layer of " + run.getKey(), "layer of this run"), dir.resolve(file));
            document.add(new Image(file, String.format(Locale.ROOT, "linear CKA (%s) on %,d test images",
                    first.estimator().key(), first.n())));
            index++;
        }
    }

    private static Table collapseTable(CollapseResults collapse) {
        List<List<String>> lines = new ArrayList<>();
        for (CollapseResults.Line line : collapse.lines()) {
            var m = line.measures();
            lines.add(List.of("`" + line.layer() + "`", Integer.toString(line.epoch()), number(m.nc1(), "%.4f"),
                    number(m.nc2NormCv(), "%.4f"), number(m.nc2CosMean(), "%.4f") + " ± " + number(m.nc2CosStd(),
                            "%.4f"), number(m.nc3(), "%.4f"), number(m.nc4(), "%.4f")));
        }
        return new Table(List.of("neural collapse", "epoch", "NC1", "NC2 norm CV", String.format(Locale.ROOT,
                "NC2 cosines (simplex %.4f)", collapse.equiangularCosine()), "NC3", "NC4"), lines);
    }

    private static String number(double value, String format) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, format, value);
    }
}

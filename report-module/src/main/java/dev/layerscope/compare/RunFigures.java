package dev.layerscope.compare;

import com.typesafe.config.ConfigFactory;
import dev.layerscope.knn.KnnResults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every figure of one run that the comparison puts side by side: test accuracy ({@code train/evaluation.json}),
 * kNN accuracy per input, method and k and the maps' quality ({@code knn/}), the chosen linear probe's test accuracy
 * per layer ({@code probe/probes.csv}), the trained network's intrinsic dimension per layer
 * ({@code intrinsic/intrinsic_dimension.csv}, its first line per layer) and NC1 ({@code collapse/collapse.csv}, the
 * trained network's line). A file the run lacks gives no figures, and {@link #missing} names it.
 *
 * @param figures the figures, in the files' order
 * @param missing the files the run lacks, of those above
 */
record RunFigures(List<Figure> figures, List<String> missing) {

    static final String TEST_ACCURACY = "test accuracy";
    static final String KNN = "kNN accuracy";
    static final String PROBE = "probe accuracy";
    static final String TRUSTWORTHINESS = "trustworthiness";
    static final String CONTINUITY = "continuity";
    static final String INTRINSIC = "intrinsic dimension";
    static final String NC1 = "NC1";

    /**
     * One figure.
     *
     * @param kind   {@link #TEST_ACCURACY}, {@link #KNN}, {@code trustworthiness}, {@code continuity},
     *               {@code silhouette}, {@link #PROBE}, {@link #INTRINSIC} or {@link #NC1}
     * @param layer  the layer (the input of a map), empty for test accuracy
     * @param method the map's method ({@code high-dimensional} for the layer itself), empty where none
     * @param k      kNN's k, 0 where none
     * @param value  the figure
     */
    record Figure(String kind, String layer, String method, int k, double value) {

        /** The figure's name in the tables and CSVs, e.g. {@code kNN accuracy dense2 umap k=10}. */
        String name() {
            StringBuilder name = new StringBuilder(kind);
            if (!layer.isEmpty()) {
                name.append(' ').append(layer);
            }
            if (!method.isEmpty()) {
                name.append(' ').append(method);
            }
            if (k > 0) {
                name.append(" k=").append(k);
            }
            return name.toString();
        }
    }

    static RunFigures of(RunFolder run) throws IOException {
        List<Figure> figures = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (run.has("train/evaluation.json")) {
            figures.add(new Figure(TEST_ACCURACY, "", "", 0, ConfigFactory
                    .parseFile(run.file("train/evaluation.json").toFile()).getDouble("accuracy")));
        } else {
            missing.add("train/evaluation.json");
        }
        if (run.has("knn/knn.csv")) {
            for (Map<String, String> row : CsvTable.read(run.file("knn/knn.csv")).records()) {
                figures.add(new Figure(KNN, row.get("input"), row.get("method"), Integer.parseInt(row.get("k")),
                        RunFolder.number(row.get("accuracy"))));
            }
        } else {
            missing.add("knn/knn.csv");
        }
        if (run.has("knn/quality.csv")) {
            for (Map<String, String> row : CsvTable.read(run.file("knn/quality.csv")).records()) {
                for (String score : List.of(TRUSTWORTHINESS, CONTINUITY, "silhouette")) {
                    figures.add(new Figure(score, row.get("input"), row.get("method"), 0,
                            RunFolder.number(row.get(score))));
                }
            }
        } else {
            missing.add("knn/quality.csv");
        }
        if (run.has("probe/probes.csv")) {
            // the chosen strength's line on the test split: the probe of the trained network, once per layer
            for (Map<String, String> row : CsvTable.read(run.file("probe/probes.csv")).records()) {
                if (RunFolder.TEST.equals(row.get("split")) && "true".equals(row.get("chosen"))) {
                    figures.add(new Figure(PROBE, row.get("layer"), "", 0, RunFolder.number(row.get("accuracy"))));
                }
            }
        } else {
            missing.add("probe/probes.csv");
        }
        if (run.has("intrinsic/intrinsic_dimension.csv")) {
            // the trained network's line comes first per layer; the per-epoch record's follow
            Set<String> seen = new HashSet<>();
            for (Map<String, String> row : CsvTable.read(run.file("intrinsic/intrinsic_dimension.csv")).records()) {
                if (seen.add(row.get("layer"))) {
                    figures.add(new Figure(INTRINSIC, row.get("layer"), "", 0, RunFolder.number(row.get("id"))));
                }
            }
        } else {
            missing.add("intrinsic/intrinsic_dimension.csv");
        }
        if (run.has("collapse/collapse.csv")) {
            for (Map<String, String> row : CsvTable.read(run.file("collapse/collapse.csv")).records()) {
                if ("train".equals(row.get("images"))) {
                    figures.add(new Figure(NC1, row.get("layer"), "", 0, RunFolder.number(row.get("nc1"))));
                }
            }
        } else {
            missing.add("collapse/collapse.csv");
        }
        return new RunFigures(List.copyOf(figures), List.copyOf(missing));
    }

    /** The largest k of the kNN figures, 0 when there are none: the k the claims and curves use. */
    int largestK() {
        return figures.stream().filter(f -> f.kind().equals(KNN)).mapToInt(Figure::k).max().orElse(0);
    }

    /** The value of the figure named {@code name}, NaN when the run has none. */
    double value(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).mapToDouble(Figure::value).findFirst()
                .orElse(Double.NaN);
    }

    static String format(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }

    /** The name of the high-dimensional kNN reference: the layer itself, not a map. */
    static String highDimensional() {
        return KnnResults.HIGH_DIMENSIONAL;
    }
}

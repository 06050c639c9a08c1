package dev.layerscope.report.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a run's layer scorecard shows, in a few sentences made from its numbers: where a linear probe reads the class
 * best and how it compares with neighbours, how the intrinsic dimension runs across the layers, whether the layers
 * settle bottom-up, how each layer's intrinsic dimension moves over training, and how far the penultimate layer
 * collapsed. A sentence is left out when its numbers are
 * missing.
 */
public final class LayerFindings {

    /** A layer counts as settled once its CKA with its own final state reaches this. */
    static final double SETTLED = 0.9;
    /** Two accuracies closer than this (one point) are said to agree. */
    private static final double AGREE = 0.01;
    /** An intrinsic dimension counts as rising or falling when it changes by more than this share. */
    private static final double STEP = 0.05;

    private LayerFindings() {
    }

    public static List<String> of(LayerScorecard scorecard) {
        List<String> sentences = new ArrayList<>();
        probes(scorecard.rows()).ifPresent(sentences::add);
        probeAgainstNeighbours(scorecard.rows()).ifPresent(sentences::add);
        dimensions(scorecard.rows()).ifPresent(sentences::add);
        bestMap(scorecard.rows()).ifPresent(sentences::add);
        settling(scorecard.settling()).ifPresent(sentences::add);
        dimensionsByEpoch(scorecard.dimensionsByEpoch()).ifPresent(sentences::add);
        scorecard.collapse().flatMap(LayerFindings::collapse).ifPresent(sentences::add);
        return sentences;
    }

    private static Optional<String> probes(List<LayerScorecard.Row> rows) {
        List<LayerScorecard.Row> probed = rows.stream().filter(row -> !Double.isNaN(row.probe())).toList();
        if (probed.isEmpty()) {
            return Optional.empty();
        }
        LayerScorecard.Row best = probed.stream().max(Comparator.comparingDouble(LayerScorecard.Row::probe))
                .orElseThrow();
        LayerScorecard.Row worst = probed.stream().min(Comparator.comparingDouble(LayerScorecard.Row::probe))
                .orElseThrow();
        if (probed.size() == 1 || best.probe() - worst.probe() < AGREE / 10) {
            return Optional.of(format("A linear probe reads the class from %s with test accuracy %.3f%s.",
                    names(probed), best.probe(), probed.size() > 1 ? " in each" : ""));
        }
        return Optional.of(format("A linear probe reads the class best from `%s` (test accuracy %.3f) and worst "
                + "from `%s` (%.3f).", best.layer(), best.probe(), worst.layer(), worst.probe()));
    }

    private static Optional<String> probeAgainstNeighbours(List<LayerScorecard.Row> rows) {
        List<LayerScorecard.Row> both = rows.stream()
                .filter(row -> !Double.isNaN(row.probe()) && !Double.isNaN(row.knn())).toList();
        if (both.isEmpty()) {
            return Optional.empty();
        }
        LayerScorecard.Row neighbours = both.stream()
                .max(Comparator.comparingDouble(row -> row.knn() - row.probe())).orElseThrow();
        LayerScorecard.Row linear = both.stream()
                .max(Comparator.comparingDouble(row -> row.probe() - row.knn())).orElseThrow();
        List<String> parts = new ArrayList<>();
        if (neighbours.knn() - neighbours.probe() > AGREE) {
            parts.add(format("in `%s` the classes are separable by neighbours more than linearly (kNN %.3f, the "
                    + "probe %.3f)", neighbours.layer(), neighbours.knn(), neighbours.probe()));
        }
        if (linear.probe() - linear.knn() > AGREE) {
            parts.add(format("in `%s` a linear probe beats kNN (%.3f against %.3f)", linear.layer(),
                    linear.probe(), linear.knn()));
        }
        if (parts.isEmpty()) {
            return Optional.of("The linear probe and kNN agree within a point in every layer.");
        }
        String sentence = String.join("; ", parts);
        return Optional.of(Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1) + ".");
    }

    private static Optional<String> dimensions(List<LayerScorecard.Row> rows) {
        List<LayerScorecard.Row> estimated = rows.stream().filter(row -> !Double.isNaN(row.dimension())).toList();
        if (estimated.size() < 2) {
            return Optional.empty();
        }
        StringBuilder values = new StringBuilder();
        for (LayerScorecard.Row row : estimated) {
            values.append(values.isEmpty() ? "" : ", ").append(format("`%s` %.1f", row.layer(), row.dimension()));
        }
        int rises = 0;
        int falls = 0;
        boolean fallAfterRise = false;
        for (int i = 1; i < estimated.size(); i++) {
            double before = estimated.get(i - 1).dimension();
            double change = (estimated.get(i).dimension() - before) / Math.abs(before);
            if (change > STEP) {
                rises++;
            } else if (change < -STEP) {
                falls++;
                fallAfterRise |= rises > 0;
            }
        }
        String shape;
        if (rises > 0 && falls > 0 && fallAfterRise && peakInside(estimated)) {
            shape = "rises, then falls across the layers, as Ansuini et al. (2019) report for trained networks";
        } else if (rises == 0 && falls > 0) {
            shape = "falls from layer to layer, without the rise before the fall that Ansuini et al. (2019) report";
        } else if (falls == 0 && rises > 0) {
            shape = "rises from layer to layer";
        } else if (rises == 0) {
            shape = "stays within 5% from layer to layer";
        } else {
            shape = "goes up and down across the layers, with no single trend";
        }
        return Optional.of("The intrinsic dimension (TwoNN) " + shape + ": " + values + ".");
    }

    /** Whether the largest dimension is neither the first layer's nor the last's. */
    private static boolean peakInside(List<LayerScorecard.Row> estimated) {
        int peak = 0;
        for (int i = 1; i < estimated.size(); i++) {
            if (estimated.get(i).dimension() > estimated.get(peak).dimension()) {
                peak = i;
            }
        }
        return peak > 0 && peak < estimated.size() - 1;
    }

    private static Optional<String> bestMap(List<LayerScorecard.Row> rows) {
        return rows.stream().filter(row -> !row.bestMap().isEmpty() && !Double.isNaN(row.knn()))
                .max(Comparator.comparingDouble(LayerScorecard.Row::bestMapKnn))
                .map(row -> format("The best 2-D map, %s of `%s`, classifies the test images by neighbours with "
                        + "accuracy %.3f, against %.3f in the layer's own %,d dimensions.", row.bestMap(),
                        row.layer(), row.bestMapKnn(), row.knn(), row.width()));
    }

    private static Optional<String> settling(Map<String, double[][]> settling) {
        if (settling.size() < 2) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        int previous = Integer.MIN_VALUE;
        boolean bottomUp = true;
        for (Map.Entry<String, double[][]> layer : settling.entrySet()) {
            int settled = firstSettledEpoch(layer.getValue());
            parts.add(settled < 0 ? format("in `%s` not before the end", layer.getKey())
                    : format("in `%s` at epoch %d", layer.getKey(), settled));
            int epoch = settled < 0 ? Integer.MAX_VALUE : settled;
            bottomUp &= epoch >= previous;
            previous = epoch;
        }
        return Optional.of(format("%s: each layer's CKA with its own final state reaches %.1f %s.", bottomUp
                ? "The layers settle bottom-up, as Raghu et al. (2017) report"
                : "The layers do not settle bottom-up, unlike what Raghu et al. (2017) report", SETTLED,
                String.join(", ", parts)));
    }

    /**
     * Per layer, its intrinsic dimension before and after training and, when the highest lies between them, where:
     * the rise-then-fall over training that Ansuini et al. (2019) report shows there.
     */
    private static Optional<String> dimensionsByEpoch(Map<String, double[][]> byEpoch) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, double[][]> layer : byEpoch.entrySet()) {
            double[][] points = Arrays.stream(layer.getValue()).filter(p -> !Double.isNaN(p[1]))
                    .toArray(double[][]::new);
            if (points.length < 2) {
                continue;
            }
            double[] first = points[0];
            double[] last = points[points.length - 1];
            double[] highest = Arrays.stream(points).max(Comparator.comparingDouble(p -> p[1]))
                    .orElseThrow();
            String peak = highest[1] > Math.max(first[1], last[1]) * (1 + STEP)
                    ? format(", highest %.1f after epoch %d", highest[1], (int) highest[0]) : "";
            parts.add(format("in `%s` from %.1f after epoch %d to %.1f after epoch %d%s", layer.getKey(), first[1],
                    (int) first[0], last[1], (int) last[0], peak));
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Over training the intrinsic dimension moves " + String.join("; ", parts) + ".");
    }

    /** The first epoch whose CKA with the final state reaches {@link #SETTLED}; -1 for none. */
    private static int firstSettledEpoch(double[][] points) {
        for (double[] point : points) {
            if (point[1] >= SETTLED) {
                return (int) point[0];
            }
        }
        return -1;
    }

    private static Optional<String> collapse(LayerScorecard.Collapse collapse) {
        double[][] nc1 = collapse.nc1ByEpoch();
        if (nc1.length == 0) {
            return Optional.empty();
        }
        double[] last = nc1[nc1.length - 1];
        StringBuilder sentence = new StringBuilder();
        if (nc1.length > 1) {
            double[] first = nc1[0];
            sentence.append(format("NC1 of `%s`%s %s from %.3g after epoch %d to %.3g after epoch %d", collapse.layer(),
                    collapse.nc1Images().isEmpty() ? "" : " (on " + collapse.nc1Images() + ")",
                    last[1] < first[1] ? "falls" : "rises", first[1], (int) first[0], last[1], (int) last[0]))
                    .append(last[1] < first[1] ? ": its classes draw in toward their means (Papyan et al. 2020)"
                            : ": its classes do not draw in toward their means");
        } else {
            sentence.append(format("NC1 of `%s` is %.3g after epoch %d", collapse.layer(), last[1], (int) last[0]));
        }
        sentence.append(format("; the cosines between its centred class means average %.3f (a simplex frame: "
                + "%.3f), and the nearest class mean agrees with the network on %.1f%% of the test images.",
                collapse.cosineMean(), collapse.equiangular(), 100 * collapse.nearestMeanAgreement()));
        return Optional.of(sentence.toString());
    }

    private static String names(List<LayerScorecard.Row> rows) {
        return String.join(", ", rows.stream().map(row -> "`" + row.layer() + "`").toList());
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}

package dev.layerscope.compare;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import smile.stat.hypothesis.TTest;

/**
 * The runs grouped by everything but their seeds, and what holds across the seeds of a group. Runs whose settings
 * differ only in seed keys (every key whose last path element is {@code seed}) form a group; per group, the mean and
 * standard deviation of each figure, and the claims a reader cares about, each tested over the group's seeds with a
 * paired t-test (Smile's {@link TTest#testPaired}): layer against the next layer for each method's kNN accuracy, and
 * method against method for each layer's maps.
 */
final class SeedGroups {

    /** The significance level below which a claim holds. */
    static final double LEVEL = 0.05;
    private static final String SEED = "seed";

    private SeedGroups() {
    }

    /**
     * A group of runs that differ only in seeds.
     *
     * @param name the settings that set this group apart from the others ({@code all runs} when they are one group)
     * @param runs indices into the runs compared, in their order
     */
    record Group(String name, List<Integer> runs) {
    }

    /** Mean, sample standard deviation (n - 1) and count of a figure over a group's runs that have it. */
    record Spread(String group, String figure, double mean, double std, int n) {
    }

    /**
     * A claim tested over seeds: {@code higher}'s figure against {@code lower}'s, oriented so that the mean
     * difference is not negative.
     *
     * @param group          the group's name
     * @param claim          the claim as a sentence's subject, e.g. {@code dense2's umap kNN accuracy (k=10) is
     *                       higher than dense1's}
     * @param meanDifference the mean of the paired differences, higher minus lower
     * @param t              the paired t statistic; NaN when no test is possible
     * @param p              its two-sided p-value; NaN when no test is possible
     * @param n              the seeds with both figures
     */
    record Claim(String group, String claim, double meanDifference, double t, double p, int n) {

        boolean holds() {
            return n >= 2 && p < LEVEL;
        }

        /** The claim and its verdict in a plain sentence. */
        String sentence() {
            if (n < 2) {
                return claim + ": no test is possible with " + n + " seed" + (n == 1 ? "" : "s");
            }
            return claim + ": " + (holds() ? "holds across the " + n + " seeds" : "does not hold") + " (p = "
                    + pValue(p) + ")";
        }
    }

    /** Whether {@code key}'s last path element is {@code seed}. */
    static boolean isSeed(String key) {
        return key.equals(SEED) || key.endsWith("." + SEED);
    }

    /** The runs grouped by their settings other than seeds, in the order of each group's first run. */
    static List<Group> groups(List<RunFolder> runs, Set<String> differing) {
        Map<SortedMap<String, String>, List<Integer>> byRest = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            SortedMap<String, String> rest = new TreeMap<>(runs.get(i).settings());
            rest.keySet().removeIf(SeedGroups::isSeed);
            byRest.computeIfAbsent(rest, key -> new ArrayList<>()).add(i);
        }
        List<String> apart = differing.stream().filter(key -> !isSeed(key)).toList();
        List<Group> groups = new ArrayList<>();
        for (List<Integer> members : byRest.values()) {
            SortedMap<String, String> settings = runs.get(members.getFirst()).settings();
            List<String> parts = apart.stream().map(key -> key + "=" + settings.getOrDefault(key, "(none)"))
                    .toList();
            groups.add(new Group(parts.isEmpty() ? "all runs" : String.join(" ", parts), List.copyOf(members)));
        }
        return groups;
    }

    /** Each figure's spread over each group's runs, in the order the figures first appear. */
    static List<Spread> spreads(List<Group> groups, List<RunFigures> figures) {
        List<Spread> spreads = new ArrayList<>();
        for (Group group : groups) {
            Set<String> names = new LinkedHashSet<>();
            group.runs().forEach(run -> figures.get(run).figures().forEach(f -> names.add(f.name())));
            for (String name : names) {
                double[] values = group.runs().stream().mapToDouble(run -> figures.get(run).value(name))
                        .filter(v -> !Double.isNaN(v)).toArray();
                spreads.add(new Spread(group.name(), name, mean(values), std(values), values.length));
            }
        }
        return spreads;
    }

    /**
     * The claims of each group: for each method (the layer itself, {@code high-dimensional}, among them) each pair of
     * adjacent layers, and for each layer each pair of map methods, on kNN accuracy at the largest k.
     *
     * @param layers the layers in order, input first
     */
    static List<Claim> claims(List<Group> groups, List<RunFigures> figures, List<String> layers) {
        List<Claim> claims = new ArrayList<>();
        for (Group group : groups) {
            List<RunFigures> members = group.runs().stream().map(figures::get).toList();
            int k = members.getFirst().largestK();
            List<String> methods = members.getFirst().figures().stream()
                    .filter(f -> f.kind().equals(RunFigures.KNN)).map(RunFigures.Figure::method).distinct().toList();
            for (String method : methods) {
                for (int l = 0; l + 1 < layers.size(); l++) {
                    String earlier = layers.get(l);
                    String later = layers.get(l + 1);
                    claims.add(claim(group.name(), members, knn(later, method, k), knn(earlier, method, k),
                            later + "'s", earlier + "'s", method + " kNN accuracy (k=" + k + ")"));
                }
            }
            List<String> maps = methods.stream().filter(m -> !m.equals(RunFigures.highDimensional())).toList();
            for (String layer : layers) {
                for (int a = 0; a < maps.size(); a++) {
                    for (int b = a + 1; b < maps.size(); b++) {
                        claims.add(claim(group.name(), members, knn(layer, maps.get(a), k),
                                knn(layer, maps.get(b), k), maps.get(a), maps.get(b),
                                "kNN accuracy (k=" + k + ") on " + layer));
                    }
                }
            }
        }
        claims.removeIf(claim -> claim == null);
        return claims;
    }

    private static String knn(String layer, String method, int k) {
        return new RunFigures.Figure(RunFigures.KNN, layer, method, k, 0).name();
    }

    /**
     * The claim that {@code first}'s figure is higher than {@code second}'s (or the reverse, whichever the mean
     * says), tested over the runs with both; null when no run has both.
     */
    private static Claim claim(String group, List<RunFigures> members, String first, String second,
                               String firstLabel, String secondLabel, String what) {
        List<double[]> pairs = new ArrayList<>();
        for (RunFigures run : members) {
            double a = run.value(first);
            double b = run.value(second);
            if (!Double.isNaN(a) && !Double.isNaN(b)) {
                pairs.add(new double[] {a, b});
            }
        }
        if (pairs.isEmpty()) {
            return null;
        }
        double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
        double[] differences = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            differences[i] = x[i] - y[i];
        }
        double mean = mean(differences);
        boolean reversed = mean < 0;
        String claim = (reversed ? sentence(secondLabel, firstLabel, what) : sentence(firstLabel, secondLabel, what));
        double t = Double.NaN;
        double p = Double.NaN;
        if (x.length >= 2) {
            if (std(differences) == 0) {
                // every seed differs by the same amount: no spread to test against; the difference is certain when
                // it is not zero, and there is none when it is
                t = mean == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
                p = mean == 0 ? 1 : 0;
            } else {
                TTest test = TTest.testPaired(x, y);
                t = Math.abs(test.t());
                p = test.pvalue();
            }
        }
        return new Claim(group, claim, Math.abs(mean), t, p, x.length);
    }

    /**
     * {@code dense2's umap kNN accuracy (k=10) is higher than dense1's} (layers) or {@code umap's kNN accuracy
     * (k=10) on dense2 is higher than tsne's} (methods).
     */
    private static String sentence(String higher, String lower, String what) {
        return higher.endsWith("'s") ? higher + " " + what + " is higher than " + lower
                : higher + "'s " + what + " is higher than " + lower + "'s";
    }

    static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The sample standard deviation (n - 1); NaN for fewer than two values. */
    static double std(double[] values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }

    /** A p-value to two significant digits, as a sentence gives it: 0.003, 0.41. */
    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "undefined";
        }
        if (p == 0) {
            return "0";
        }
        return new BigDecimal(p).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }

    static String format(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }
}

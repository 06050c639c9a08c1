package dev.layerscope.compare;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import smile.stat.hypothesis.TTest;

/**
 * The runs grouped by everything but their seeds, and what holds across the seeds of a group. Runs whose settings
 * differ only in seed keys (every key whose last path element is {@code seed}) form a group; per group, the mean and
 * standard deviation of each figure, and the claims a reader cares about, each tested over the group's seeds with a
 * paired t-test (Smile's {@link TTest#testPaired}): layer against the next layer (kNN accuracy per method, probe
 * accuracy, intrinsic dimension), and method against method for each layer's maps (kNN accuracy, trustworthiness,
 * continuity).
 *
 * <p>A group tests dozens of claims at once, so at p &lt; 0.05 a few of them would hold by chance alone. A claim
 * holds only when its p-value, adjusted by Holm's step-down method over the claims of its group (the family), is
 * below the level: this keeps the chance of any false claim in the group below 5 %, whatever the claims' dependence,
 * and rejects no less than Bonferroni's correction does.
 */
final class SeedGroups {

    /** The significance level below which a claim holds. */
    static final double LEVEL = 0.05;
    /**
     * Differences whose standard deviation is below this share of their mean (or of 1) have no spread: the same
     * figures summed in another order differ in the last bits, which would otherwise make an enormous t.
     */
    static final double NO_SPREAD = 1e-12;
    private static final String SEED = "seed";
    /** A setting's value in a group's name is cut to this many characters. */
    private static final int GROUP_VALUE = 40;

    private SeedGroups() {
    }

    /**
     * A group of runs that differ only in seeds.
     *
     * @param name the settings that set this group apart from the others, long values cut ({@code all runs} when
     *             they are one group)
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
     * @param t              the paired t statistic (its absolute value); NaN when no test is possible: fewer than 2
     *                       seeds, or the same difference in every seed
     * @param p              its two-sided p-value; NaN when no test is possible
     * @param holmP          {@code p} adjusted by Holm's method over the tested claims of the group; NaN when no
     *                       test is possible
     * @param family         how many claims of the group were tested, the size of Holm's family
     * @param n              the seeds with both figures
     */
    record Claim(String group, String claim, double meanDifference, double t, double p, double holmP, int family,
                 int n) {

        boolean holds() {
            return n >= 2 && !Double.isNaN(holmP) && holmP < LEVEL;
        }

        /** Whether the claim's own p-value, uncorrected, is below the level. */
        boolean holdsAlone() {
            return n >= 2 && !Double.isNaN(p) && p < LEVEL;
        }

        private Claim adjusted(double holmP, int family) {
            return new Claim(group, claim, meanDifference, t, p, holmP, family, n);
        }

        /** The claim and its verdict in a plain sentence. */
        String sentence() {
            if (n < 2) {
                return claim + ": no test is possible with " + n + " seed" + (n == 1 ? "" : "s");
            }
            if (Double.isNaN(p)) {
                return claim + ": the same difference in all " + n + " seeds, so no test is possible (no spread)";
            }
            String verdict = holds() ? "holds across the " + n + " seeds"
                    : holdsAlone() ? "does not hold once corrected for the group's " + family + " tests"
                    : "does not hold";
            return claim + ": " + verdict + " (p = " + pValue(p) + ", Holm-adjusted " + pValue(holmP) + ")";
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
        // the description is prose that follows the rest; a long value (a layer list) is cut, settings.csv has it whole
        List<String> apart = differing.stream().filter(key -> !isSeed(key) && !key.equals("description")).toList();
        List<Group> groups = new ArrayList<>();
        for (List<Integer> members : byRest.values()) {
            SortedMap<String, String> settings = runs.get(members.getFirst()).settings();
            List<String> parts = apart.stream().map(key -> key + "=" + shortened(settings.getOrDefault(key,
                    "(not set)"))).toList();
            groups.add(new Group(parts.isEmpty() ? "all runs" : String.join(" ", parts), List.copyOf(members)));
        }
        return groups;
    }

    private static String shortened(String value) {
        return value.length() > GROUP_VALUE ? value.substring(0, GROUP_VALUE - 3) + "..." : value;
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
     * The claims of each group. Layer against the next layer: each method's kNN accuracy at the largest k (the
     * layer itself, {@code high-dimensional}, among the methods), the linear probe's accuracy and the intrinsic
     * dimension. Method against method, for each layer's maps: kNN accuracy at the largest k, trustworthiness and
     * continuity. A claim no run of the group has both figures of is left out.
     *
     * @param layersOfGroups per group, its runs' layers in order, input first (the runs of a group have the same
     *                       settings, so the same network)
     */
    static List<Claim> claims(List<Group> groups, List<RunFigures> figures, List<List<String>> layersOfGroups) {
        List<Claim> claims = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            List<String> layers = layersOfGroups.get(g);
            List<RunFigures> members = group.runs().stream().map(figures::get).toList();
            int k = members.getFirst().largestK();
            List<String> methods = members.getFirst().figures().stream()
                    .filter(f -> f.kind().equals(RunFigures.KNN)).map(RunFigures.Figure::method).distinct().toList();
            // per layer: the figure's name of a layer, and how a claim names the figure
            Map<String, Function<String, String>> layerMeasures = new LinkedHashMap<>();
            for (String method : methods) {
                layerMeasures.put(method + " kNN accuracy (k=" + k + ")", layer -> knn(layer, method, k));
            }
            layerMeasures.put("probe accuracy", layer -> figure(RunFigures.PROBE, layer, ""));
            layerMeasures.put("intrinsic dimension", layer -> figure(RunFigures.INTRINSIC, layer, ""));
            for (Map.Entry<String, Function<String, String>> measure : layerMeasures.entrySet()) {
                for (int l = 0; l + 1 < layers.size(); l++) {
                    String earlier = layers.get(l);
                    String later = layers.get(l + 1);
                    claims.add(claim(group.name(), members, measure.getValue().apply(later),
                            measure.getValue().apply(earlier), later + "'s", earlier + "'s", measure.getKey()));
                }
            }
            List<String> maps = methods.stream().filter(m -> !m.equals(RunFigures.highDimensional())).toList();
            Map<String, BiFunction<String, String, String>> mapMeasures = new LinkedHashMap<>();
            mapMeasures.put("kNN accuracy (k=" + k + ")", (layer, method) -> knn(layer, method, k));
            for (String score : List.of(RunFigures.TRUSTWORTHINESS, RunFigures.CONTINUITY)) {
                mapMeasures.put(score, (layer, method) -> figure(score, layer, method));
            }
            for (Map.Entry<String, BiFunction<String, String, String>> measure
                    : mapMeasures.entrySet()) {
                for (String layer : layers) {
                    for (int a = 0; a < maps.size(); a++) {
                        for (int b = a + 1; b < maps.size(); b++) {
                            claims.add(claim(group.name(), members, measure.getValue().apply(layer, maps.get(a)),
                                    measure.getValue().apply(layer, maps.get(b)), maps.get(a), maps.get(b),
                                    measure.getKey() + " on " + layer));
                        }
                    }
                }
            }
        }
        claims.removeIf(claim -> claim == null);
        return holm(claims);
    }

    /**
     * The claims with their p-values adjusted by Holm's step-down method, within each group: the i-th smallest of a
     * group's m p-values becomes the largest of {@code min(1, (m - j + 1) p_(j))} over j up to i. Claims without a
     * test are not part of the family.
     */
    static List<Claim> holm(List<Claim> claims) {
        Map<String, List<Integer>> tested = new LinkedHashMap<>();
        for (int i = 0; i < claims.size(); i++) {
            if (!Double.isNaN(claims.get(i).p())) {
                tested.computeIfAbsent(claims.get(i).group(), group -> new ArrayList<>()).add(i);
            }
        }
        List<Claim> adjusted = new ArrayList<>(claims);
        for (List<Integer> family : tested.values()) {
            List<Integer> byP = new ArrayList<>(family);
            byP.sort(Comparator.comparingDouble(i -> claims.get(i).p()));
            int m = byP.size();
            double running = 0;
            for (int rank = 0; rank < m; rank++) {
                int i = byP.get(rank);
                running = Math.max(running, Math.min(1, (m - rank) * claims.get(i).p()));
                adjusted.set(i, claims.get(i).adjusted(running, m));
            }
        }
        return adjusted;
    }

    private static String figure(String kind, String layer, String method) {
        return new RunFigures.Figure(kind, layer, method, 0, 0).name();
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
            // without spread in the differences (a figure no seed changes, or the same run twice) t is undefined:
            // no test, which the sentence says, rather than a certainty the seeds did not show
            if (std(differences) > NO_SPREAD * Math.max(1, Math.abs(mean))) {
                TTest test = TTest.testPaired(x, y);
                t = Math.abs(test.t());
                p = test.pvalue();
            }
        }
        return new Claim(group, claim, Math.abs(mean), t, p, Double.NaN, 0, x.length);
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

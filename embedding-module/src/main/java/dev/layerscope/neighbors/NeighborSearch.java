package dev.layerscope.neighbors;

import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SeededRows;
import java.util.Locale;

/**
 * The one k-nearest-neighbour search every stage calls: exact ({@link ExactNeighbors}, brute force as BLAS
 * products, O(n^2)) up to {@link Options#exactUpTo} points (queries from another set: while either set holds at most
 * that many points), approximate above ({@link NnDescent}, about
 * O(n^1.1)), where the exact search's cost outgrows the approximate one's at the recall it needs. An approximate
 * result carries its recall against exact neighbours, measured on a seeded sample of its query points.
 */
public final class NeighborSearch {

    private NeighborSearch() {
    }

    /**
     * The search's settings: where it hands over to the approximate search and how that one runs. One record for
     * every stage that searches neighbours ({@code reduce.neighbors.search}, {@code knn.search},
     * {@code intrinsic.search}).
     *
     * @param exactUpTo      sets of at most this many points are searched exactly for their own neighbours, and
     *                       queries onto a set while either holds at most as many; the rest by NN-descent. 0
     *                       searches everything approximately
     * @param seed           the approximate search's trees, samples and query starts
     * @param trees          random projection trees whose leaves start the NN-descent graph
     * @param leafSize       the most points in a tree's leaf (at least k + 1 are taken)
     * @param maxCandidates  the new and the old neighbours each point joins per round, at most
     * @param iterations     the most rounds of local joins
     * @param stop           a round that improves fewer than stop x n x k entries is the last
     * @param searchEpsilon  a query's walk goes on through points up to (1 + searchEpsilon) times its current k-th
     *                       distance
     * @param recallSample   query points whose exact neighbours measure an approximate search's recall; 0 measures none
     */
    public record Options(@Range(min = 0) int exactUpTo, long seed, @Range(min = 1, max = 256) int trees,
                          @Range(min = 2) int leafSize, @Range(min = 2) int maxCandidates,
                          @Range(min = 1, max = 1000) int iterations, @Range(min = 0, max = 1) double stop,
                          @Range(min = 0, max = 10) double searchEpsilon, @Range(min = 0) int recallSample) {

        public Options {
            SettingRules.check(Options.class, exactUpTo, seed, trees, leafSize, maxCandidates, iterations, stop,
                    searchEpsilon, recallSample);
        }

        /** The defaults of reference.conf. */
        public static Options defaults() {
            return new Options(DEFAULT_EXACT_UP_TO, 42, 8, 30, 30, 20, 0.001, 0.1, 1000);
        }

        /** Whether a set of {@code points} is searched approximately for the neighbours of its own points. */
        public boolean approximate(int points) {
            return points > exactUpTo;
        }

        /**
         * Whether the neighbours of {@code queries} points among {@code references} others are searched
         * approximately: only when both sets are larger than {@code exact-up-to}. The exact search of a fixed set of
         * queries grows linearly with the reference set, while the approximate one first builds a graph of the
         * whole reference set, which costs as much as the reference set's own search: 10,000 test points onto
         * 1,000,001 training points of 64 columns took 375 s that way (docs/performance.md, "How cost grows with
         * the data"), and the same queries exactly take seconds.
         */
        public boolean approximateQuery(int references, int queries) {
            return queries > exactUpTo && references > exactUpTo;
        }
    }

    /** Where the exact search hands over by default (measured: docs/performance.md, "Neighbour search"). */
    public static final int DEFAULT_EXACT_UP_TO = 100_000;

    /**
     * A search's neighbours and how they were found.
     *
     * @param graph       the neighbours, nearest first
     * @param approximate whether the approximate search ran
     * @param recall      the share of the sampled query points' exact k nearest that the graph holds; NaN when exact
     * @param sampled     the query points the recall was measured on
     */
    public record Found(NeighborGraph graph, boolean approximate, double recall, int sampled) {

        /** How it was found, for a log line: "exact" or "approximate, recall 0.9987 on 1000 points". */
        public String describe() {
            if (!approximate) {
                return "exact";
            }
            return sampled == 0 ? "approximate (recall not measured)" : String.format(Locale.ROOT,
                    "approximate (NN-descent), recall %.4f on %d points", recall, sampled);
        }
    }

    /** The {@code k} nearest other points of every row of {@code data}. */
    public static Found of(FloatMatrix data, int k, Options options, Parallel parallel) {
        if (k >= data.rows()) {
            throw new IllegalArgumentException("k = " + k + " neighbours needs more than k points, got " + data.rows());
        }
        if (!options.approximate(data.rows())) {
            return new Found(ExactNeighbors.of(data, k, parallel), false, Double.NaN, 0);
        }
        NeighborGraph graph = NnDescent.graph(data, k, options, parallel);
        return measured(data, data, graph, true, options, parallel);
    }

    /** The {@code k} nearest rows of {@code reference} to every row of {@code queries}. */
    public static Found query(FloatMatrix reference, FloatMatrix queries, int k, Options options, Parallel parallel) {
        if (!options.approximateQuery(reference.rows(), queries.rows())) {
            return new Found(ExactNeighbors.query(reference, queries, k, parallel), false, Double.NaN, 0);
        }
        if (reference.cols() != queries.cols()) {
            throw new IllegalArgumentException("queries have " + queries.cols() + " columns, the reference set "
                    + reference.cols());
        }
        if (k > reference.rows() - 1) {
            throw new IllegalArgumentException("k = " + k + " neighbours of a set of " + reference.rows() + " points");
        }
        NeighborGraph graph = NnDescent.query(reference, queries, k, options, parallel);
        return measured(reference, queries, graph, false, options, parallel);
    }

    private static Found measured(FloatMatrix reference, FloatMatrix queries, NeighborGraph graph, boolean self,
                                  Options options, Parallel parallel) {
        int[] sample = SeededRows.uniform(queries.rows(), options.recallSample(), options.seed());
        if (sample.length == 0) {
            return new Found(graph, true, Double.NaN, 0);
        }
        return new Found(graph, true, recall(reference, queries, graph, self, sample, parallel), sample.length);
    }

    /**
     * The recall of {@code graph} (neighbours of {@code queries} among {@code reference}'s rows; of a set onto
     * itself when {@code self}) against the exact neighbours, on the query rows {@code sample}: the share of their
     * listed neighbours that are among the exact k nearest. Only the sample is searched exactly, so it is cheap at any
     * size. A listed neighbour as near as the exact k-th counts: with equal distances either is right.
     */
    public static double recall(FloatMatrix reference, FloatMatrix queries, NeighborGraph graph, boolean self,
                                int[] sample, Parallel parallel) {
        int k = graph.k();
        FloatMatrix sampled = queries.rows(sample);
        // one more than k for a set onto itself (the point finds itself), and room for the BLAS products' rounding
        int extra = self ? 1 : 0;
        int candidates = Math.min(reference.rows(), 2 * k + extra);
        NeighborGraph exactCandidates = ExactNeighbors.query(reference, sampled, candidates, parallel);
        long hits = 0;
        for (int s = 0; s < sample.length; s++) {
            int query = sample[s];
            NearestHeap nearest = new NearestHeap(k);
            for (int r = 0; r < candidates; r++) {
                int j = exactCandidates.neighbor(s, r);
                if (!(self && j == query)) {
                    nearest.offer(queries.squaredDistance(query, reference, j), j);
                }
            }
            double[] exact = new double[k];
            nearest.drain(null, exact, 0);
            double kth = exact[k - 1];
            for (int r = 0; r < k; r++) {
                int j = graph.neighbor(query, r);
                if (queries.squaredDistance(query, reference, j) <= kth * (1 + 1e-9)) {
                    hits++;
                }
            }
        }
        return (double) hits / ((long) sample.length * k);
    }
}

package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.neighbors.NeighborSearch;
import dev.layerscope.neighbors.RankedCandidates;
import dev.layerscope.reduce.pca.Pca;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reduce stage's neighbour search: the neighbours each graph of an input must hold, the most any chosen method
 * needs (of the training split onto itself, of the test split onto the training split, and of the test split onto
 * itself; 0: not needed), and those graphs, searched once per input for all its maps.
 */
final class NeighborPlan {

    /** Logged as the stage's own lines, as they always were. */
    private static final Logger LOG = LoggerFactory.getLogger(ReduceStage.class);
    /**
     * Candidates taken from the projected space before ranking by exact distance: {@link #candidates}. Measured on
     * 50,000 Fashion-MNIST images, 100 principal components, recall against the exact neighbours among the 784
     * pixels (docs/performance.md, "Neighbour search"): k = 15 needs 60 candidates for 0.995 (30 gave 0.946), k = 90
     * needs 225 for 0.995 (180 gave 0.986).
     */
    private static final double CANDIDATES_PER_NEIGHBOR = 2.5;
    private static final int LEAST_CANDIDATES = 60;

    private final int trainK;
    private final int testToTrainK;
    private final int testK;
    private final int projection;
    private final NeighborSearch.Options options;

    /**
     * @param neighbors inputs wider than its {@code projection} are searched in their leading principal components
     *                  first (0: in the input itself); its {@code search} says where the exact search hands over to
     *                  the approximate one
     */
    NeighborPlan(List<ReduceMethod> methods, int trainRows, int testRows, ReduceSettings.Neighbors neighbors) {
        int train = 0;
        int testToTrain = 0;
        int test = 0;
        for (ReduceMethod method : methods) {
            Reducer reducer = method.reducer();
            train = Math.max(train, reducer.neighbors(trainRows));
            if (method.separate()) {
                test = Math.max(test, reducer.neighbors(testRows));
            } else {
                testToTrain = Math.max(testToTrain, reducer.neighbors(trainRows));
            }
        }
        this.trainK = train;
        this.testToTrainK = testToTrain;
        this.testK = test;
        this.projection = neighbors.projection();
        this.options = neighbors.search();
    }

    /**
     * The neighbour graphs of an input, searched once for all its maps: of the training split onto itself, of the
     * test split onto the training split, and of the test split onto itself (null: no method needs it). Each map
     * takes the {@code k} it needs: exactly the nearest, or, when the search ran among the leading principal
     * components, the nearest by exact distance among its own {@link #candidates} nearest candidates (the
     * candidates' exact distances computed once, for every map). So a map's graph does not depend on the other
     * methods of the run, and a map is reused when only another method's settings change. The recalls are those of
     * the approximate search against exact neighbours in the space it searched (NaN when the search was exact).
     */
    record Graphs(FloatMatrix train, FloatMatrix test, Found trainFound, Found testToTrainFound, Found testFound,
                  double trainSeconds, double testSeconds, double trainRecall, double testToTrainRecall,
                  double testRecall) {

        NeighborGraph ofTrain(int k) {
            return take(trainFound, k);
        }

        NeighborGraph ofTestToTrain(int k) {
            return take(testToTrainFound, k);
        }

        NeighborGraph ofTest(int k) {
            return take(testFound, k);
        }

        private static NeighborGraph take(Found found, int k) {
            return k == 0 ? null : found.take(k);
        }
    }

    /** One graph of an input as searched, from which each map takes the {@code k} nearest it needs. */
    private interface Found {
        NeighborGraph take(int k);
    }

    /** Neighbours searched in the input itself: each map takes the first k. */
    private record Exact(NeighborGraph graph) implements Found {
        @Override
        public NeighborGraph take(int k) {
            return graph.truncate(k);
        }
    }

    /** Candidates searched among principal components and ranked by exact distance: each map ranks its own. */
    private record Projected(RankedCandidates ranked) implements Found {
        @Override
        public NeighborGraph take(int k) {
            return ranked.nearest(k, Math.min(candidates(k), ranked.count()));
        }
    }

    /** An input's splits without neighbours, for a method that needs none (PCA). */
    static Graphs unsearched(FloatMatrix train, FloatMatrix test) {
        return new Graphs(train, test, null, null, null, 0, 0, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Whether {@code method} needs any of an input's neighbour graphs. */
    static boolean searches(ReduceMethod method, int trainRows, int testRows) {
        Reducer reducer = method.reducer();
        return reducer.neighbors(trainRows) > 0 || method.separate() && reducer.neighbors(testRows) > 0;
    }

    Graphs search(FloatMatrix train, FloatMatrix test, Parallel parallel, String input) {
        boolean project = projection > 0 && train.cols() > projection;
        if (trainK == 0 && testK == 0) {
            return unsearched(train, test);
        }
        long start = System.nanoTime();
        Pca pca = project ? Pca.fit(train, projection, parallel) : null;
        FloatMatrix trainSpace = project ? pca.transform(train, parallel) : train;
        FloatMatrix testSpace = project ? pca.transform(test, parallel) : test;
        NeighborSearch.Found trainFound = search(trainSpace, trainSpace, trainK, project, options, parallel);
        Found trainGraph = found(trainFound, train, train, project, parallel);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        NeighborSearch.Found testToTrainFound = search(trainSpace, testSpace, testToTrainK, project, options,
                parallel);
        NeighborSearch.Found testFound = search(testSpace, testSpace, testK, project, options, parallel);
        Found testToTrainGraph = found(testToTrainFound, train, test, project, parallel);
        Found testGraph = found(testFound, test, test, project, parallel);
        double testSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: {} nearest neighbours of {} x {}{} in {}, of the test split in {}; {}", input,
                Math.max(trainK, testK), train.rows(), train.cols(), project ? " (candidates from the "
                        + projection + " leading principal components, ranked by exact distance)" : "",
                String.format(Locale.ROOT, "%.1f s", trainSeconds), String.format(Locale.ROOT, "%.1f s", testSeconds),
                describe(trainFound, testToTrainFound, testFound));
        return new Graphs(train, test, trainGraph, testToTrainGraph, testGraph, trainSeconds, testSeconds,
                recall(trainFound), recall(testToTrainFound), recall(testFound));
    }

    /**
     * A graph as the maps take it: the search's own, or, searched among principal components, its candidates
     * ranked by their exact distance between rows of {@code reference} and {@code queries}.
     */
    private static Found found(NeighborSearch.Found found, FloatMatrix reference, FloatMatrix queries,
                               boolean projected, Parallel parallel) {
        if (found == null) {
            return null;
        }
        return projected ? new Projected(ExactNeighbors.rank(reference, queries, found.graph(), parallel))
                : new Exact(found.graph());
    }

    /**
     * The candidates a map of {@code k} neighbours ranks by exact distance when the search ran among principal
     * components: a function of its own k only, so that a map's graph does not depend on the other methods of the
     * run; growing with k, so that the search for the largest k holds every map's candidates.
     */
    static int candidates(int k) {
        return Math.max(LEAST_CANDIDATES, (int) Math.ceil(CANDIDATES_PER_NEIGHBOR * k));
    }

    private static String describe(NeighborSearch.Found... searches) {
        List<String> parts = new ArrayList<>();
        String[] names = {"training split", "test onto training split", "test split"};
        for (int i = 0; i < searches.length; i++) {
            if (searches[i] != null) {
                parts.add(names[i] + " " + searches[i].describe());
            }
        }
        return String.join(", ", parts);
    }

    private static double recall(NeighborSearch.Found found) {
        return found == null ? Double.NaN : found.recall();
    }

    /**
     * The {@code k} nearest rows of {@code reference} to each row of {@code queries} (the same matrix: of a set
     * onto itself), or {@link #candidates} when the space is a projection; null when {@code k} is 0.
     */
    private static NeighborSearch.Found search(FloatMatrix reference, FloatMatrix queries, int k, boolean projected,
                                               NeighborSearch.Options options, Parallel parallel) {
        if (k == 0) {
            return null;
        }
        boolean self = queries == reference;
        int wanted = projected ? Math.min(candidates(k), reference.rows() - (self ? 1 : 0)) : k;
        return self ? NeighborSearch.of(reference, wanted, options, parallel)
                : NeighborSearch.query(reference, queries, wanted, options, parallel);
    }
}

package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.pca.Pca;
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
    /** Candidates per neighbour taken from the projected space before ranking by exact distance. */
    private static final int CANDIDATES = 2;

    private final int trainK;
    private final int testToTrainK;
    private final int testK;
    private final int projection;

    /**
     * @param projection inputs wider than this are searched in their leading principal components first
     *                   ({@code reduce.neighbors.projection}; 0: exactly)
     */
    NeighborPlan(List<ReduceMethod> methods, int trainRows, int testRows, int projection) {
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
        this.projection = projection;
    }

    /**
     * The neighbour graphs of an input, searched once for all its maps: of the training split onto itself, of the
     * test split onto the training split, and of the test split onto itself (null: no method needs it). Each map
     * takes the {@code k} it needs: exactly the nearest, or, when the search ran among the leading principal
     * components, the nearest by exact distance among its own {@code 2k} nearest candidates. So a map's graph does
     * not depend on the other methods of the run, and a map is reused when only another method's settings change.
     */
    record Graphs(FloatMatrix train, FloatMatrix test, boolean projected, NeighborGraph trainFound,
                  NeighborGraph testToTrainFound, NeighborGraph testFound, double trainSeconds, double testSeconds) {

        NeighborGraph ofTrain(int k, Parallel parallel) {
            return take(trainFound, train, train, k, parallel);
        }

        NeighborGraph ofTestToTrain(int k, Parallel parallel) {
            return take(testToTrainFound, train, test, k, parallel);
        }

        NeighborGraph ofTest(int k, Parallel parallel) {
            return take(testFound, test, test, k, parallel);
        }

        private NeighborGraph take(NeighborGraph found, FloatMatrix reference, FloatMatrix queries, int k,
                                   Parallel parallel) {
            if (k == 0) {
                return null;
            }
            if (!projected) {
                return found.truncate(k);
            }
            NeighborGraph candidates = found.truncate(Math.min(CANDIDATES * k, found.k()));
            return ExactNeighbors.refine(reference, queries, candidates, k, parallel);
        }
    }

    Graphs search(FloatMatrix train, FloatMatrix test, Parallel parallel, String input) {
        boolean project = projection > 0 && train.cols() > projection;
        if (trainK == 0 && testK == 0) {
            return new Graphs(train, test, project, null, null, null, 0, 0);
        }
        long start = System.nanoTime();
        Pca pca = project ? Pca.fit(train, projection, parallel) : null;
        FloatMatrix trainSpace = project ? pca.transform(train, parallel) : train;
        FloatMatrix testSpace = project ? pca.transform(test, parallel) : test;
        NeighborGraph trainFound = search(trainSpace, trainSpace, trainK, project, parallel);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        NeighborGraph testToTrainFound = search(trainSpace, testSpace, testToTrainK, project, parallel);
        NeighborGraph testFound = search(testSpace, testSpace, testK, project, parallel);
        double testSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: {} nearest neighbours of {} x {}{} in {}, of the test split in {}", input,
                Math.max(trainK, testK), train.rows(), train.cols(), project ? " (candidates from the "
                        + projection + " leading principal components, ranked by exact distance)" : " (exact)",
                String.format(Locale.ROOT, "%.1f s", trainSeconds), String.format(Locale.ROOT, "%.1f s", testSeconds));
        return new Graphs(train, test, project, trainFound, testToTrainFound, testFound, trainSeconds, testSeconds);
    }

    /**
     * The {@code k} nearest rows of {@code reference} to each row of {@code queries} (the same matrix: of a set
     * onto itself), or twice as many candidates when the space is a projection; null when {@code k} is 0.
     */
    private static NeighborGraph search(FloatMatrix reference, FloatMatrix queries, int k, boolean projected,
                                        Parallel parallel) {
        if (k == 0) {
            return null;
        }
        boolean self = queries == reference;
        int wanted = projected ? Math.min(CANDIDATES * k, reference.rows() - (self ? 1 : 0)) : k;
        return self ? ExactNeighbors.of(reference, wanted, parallel)
                : ExactNeighbors.query(reference, queries, wanted, parallel);
    }
}

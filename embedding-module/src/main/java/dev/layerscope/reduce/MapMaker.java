package dev.layerscope.reduce;

import dev.layerscope.capture.Activations;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one map of an input with one method: fits it on the training split, places the test split as the method's
 * placement says, and times each step (the {@code seconds} of {@code embeddings.csv} and the map's record).
 */
final class MapMaker {

    /** Logged as the stage's own lines, as they always were. */
    private static final Logger LOG = LoggerFactory.getLogger(ReduceStage.class);

    /** The details' key of the approximate neighbour search's recall on the training split. */
    static final String NEIGHBOR_RECALL = "neighbor-recall";
    /** The same for the test split's neighbours (onto the training split, or onto itself when placed separately). */
    static final String TEST_NEIGHBOR_RECALL = "test-neighbor-recall";

    private MapMaker() {
    }

    static Embeddings.Embedding make(String input, ReduceMethod method, NeighborPlan.Graphs graphs, Parallel parallel,
                                     Activations.SplitRows trainRows, Activations.SplitRows testRows) {
        Reducer reducer = method.reducer();
        ReduceSettings.Placement placement = method.placement();
        FloatMatrix train = graphs.train();
        FloatMatrix test = graphs.test();
        long start = System.nanoTime();
        NeighborGraph trainGraph = graphs.ofTrain(reducer.neighbors(train.rows()));
        double rankSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        Reducer.Fitted fitted = reducer.fit(train, trainGraph, parallel);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        NeighborGraph testGraph = method.separate()
                ? graphs.ofTest(reducer.neighbors(test.rows()))
                : graphs.ofTestToTrain(reducer.neighbors(train.rows()));
        double testRankSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        FloatMatrix testPoints = method.separate()
                ? reducer.fit(test, testGraph, parallel).embedding()
                : fitted.transform(test, testGraph, parallel);
        double placeSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{} {}: fitted {} points in {}, placed {} test points ({}) in {}", input, method.name(),
                train.rows(), String.format(Locale.ROOT, "%.1f s", fitSeconds), test.rows(),
                placement.name().toLowerCase(Locale.ROOT), String.format(Locale.ROOT, "%.1f s", placeSeconds));
        Map<String, Double> seconds = new LinkedHashMap<>();
        boolean usesGraph = trainGraph != null;
        seconds.put("neighbors", usesGraph ? graphs.trainSeconds() + rankSeconds : 0);
        seconds.put("fit", fitSeconds);
        seconds.put("test-neighbors", usesGraph ? graphs.testSeconds() + testRankSeconds : 0);
        seconds.put("place-test", placeSeconds);
        Map<String, Object> details = new LinkedHashMap<>(fitted.details());
        if (usesGraph && !Double.isNaN(graphs.trainRecall())) {
            // the approximate search's recall against exact neighbours, on a seeded sample of its points
            details.put(NEIGHBOR_RECALL, graphs.trainRecall());
            double testRecall = method.separate() ? graphs.testRecall() : graphs.testToTrainRecall();
            if (!Double.isNaN(testRecall)) {
                details.put(TEST_NEIGHBOR_RECALL, testRecall);
            }
        }
        return new Embeddings.Embedding(input, method.name(), placement.name().toLowerCase(Locale.ROOT),
                fitted.embedding(), testPoints, trainRows, testRows, seconds, details);
    }
}

package dev.layerscope.neighbors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NeighborSearchTest {

    /** {@code rows} points in {@code clusters} Gaussian clusters of unit spread whose centres are 6 apart or so. */
    private static FloatMatrix clustered(int rows, int cols, int clusters, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[clusters][cols];
        for (float[] centre : centres) {
            for (int c = 0; c < cols; c++) {
                centre[c] = (float) (random.nextGaussian() * 3);
            }
        }
        float[] values = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            float[] centre = centres[random.nextInt(clusters)];
            for (int c = 0; c < cols; c++) {
                values[i * cols + c] = centre[c] + (float) random.nextGaussian();
            }
        }
        return new FloatMatrix(rows, cols, values);
    }

    /** The defaults with the hand-over at {@code exactUpTo} points. */
    private static NeighborSearch.Options handOverAt(int exactUpTo, long seed) {
        NeighborSearch.Options d = NeighborSearch.Options.defaults();
        return new NeighborSearch.Options(exactUpTo, seed, d.trees(), d.leafSize(), d.maxCandidates(),
                d.iterations(), d.stop(), d.searchEpsilon(), d.recallSample());
    }

    private static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Test
    void approximateGraphOfClusteredDataHasRecallAboveNinetyNinePercentAndIsAGraphOfOthers() {
        FloatMatrix data = clustered(4000, 12, 20, 3);
        int k = 15;
        try (Parallel parallel = new Parallel(2)) {
            NeighborSearch.Found found = NeighborSearch.of(data, k, handOverAt(0, 42), parallel);
            assertTrue(found.approximate());
            NeighborGraph graph = found.graph();
            double recall = NeighborSearch.recall(data, data, graph, true, all(data.rows()), parallel);
            assertTrue(recall >= 0.99, "recall " + recall);
            // the sampled recall the search reports estimates the recall of every point
            assertEquals(recall, found.recall(), 0.01);
            assertEquals(1000, found.sampled());
            for (int i = 0; i < data.rows(); i++) {
                for (int r = 0; r < k; r++) {
                    assertNotEquals(i, graph.neighbor(i, r), "point " + i + " is its own neighbour");
                    assertEquals(Math.sqrt(data.squaredDistance(i, data, graph.neighbor(i, r))),
                            graph.distance(i, r), 1e-4);
                    if (r > 0) {
                        assertTrue(graph.distance(i, r - 1) <= graph.distance(i, r), "nearest first");
                    }
                }
            }
        }
    }

    @Test
    void approximateQueriesOfClusteredDataHaveRecallAboveNinetyNinePercent() {
        FloatMatrix reference = clustered(4000, 12, 20, 5);
        FloatMatrix queries = clustered(1000, 12, 20, 5);
        try (Parallel parallel = new Parallel(2)) {
            NeighborSearch.Found found = NeighborSearch.query(reference, queries, 10, handOverAt(0, 42), parallel);
            assertTrue(found.approximate());
            double recall = NeighborSearch.recall(reference, queries, found.graph(), false, all(queries.rows()),
                    parallel);
            assertTrue(recall >= 0.99, "recall " + recall);
            assertEquals(recall, found.recall(), 1e-12, "every query is in the sample of 1000");
        }
    }

    @Test
    void recallCountsTheShareOfTrueNeighboursFound() {
        // points 0, 1, 2, 3 on a line at 0, 1, 3, 6: point 0's two nearest others are 1 and 2
        FloatMatrix line = new FloatMatrix(4, 1, new float[] {0, 1, 3, 6});
        NeighborGraph halfWrong = new NeighborGraph(1, 2, new int[] {1, 3}, new float[] {1, 6});
        NeighborGraph right = new NeighborGraph(1, 2, new int[] {1, 2}, new float[] {1, 3});
        // as queries onto the set, the point at 0 is its own nearest: 1 is right, 2 is not
        FloatMatrix zero = new FloatMatrix(1, 1, new float[] {0});
        NeighborGraph ofZero = new NeighborGraph(1, 2, new int[] {0, 1}, new float[] {0, 1});
        try (Parallel parallel = new Parallel(1)) {
            assertEquals(0.5, NeighborSearch.recall(line, line, halfWrong, true, new int[] {0}, parallel), 1e-12);
            assertEquals(1.0, NeighborSearch.recall(line, line, right, true, new int[] {0}, parallel), 1e-12);
            assertEquals(0.5, NeighborSearch.recall(line, zero, right, false, new int[] {0}, parallel), 1e-12);
            assertEquals(1.0, NeighborSearch.recall(line, zero, ofZero, false, new int[] {0}, parallel), 1e-12);
        }
    }

    @Test
    void atOrBelowTheHandOverTheSearchIsTheExactOne() {
        FloatMatrix data = clustered(800, 9, 5, 7);
        FloatMatrix queries = clustered(100, 9, 5, 8);
        try (Parallel parallel = new Parallel(2)) {
            NeighborSearch.Found self = NeighborSearch.of(data, 8, handOverAt(800, 1), parallel);
            NeighborGraph exact = ExactNeighbors.of(data, 8, parallel);
            assertFalse(self.approximate());
            assertTrue(Double.isNaN(self.recall()));
            assertArrayEquals(exact.indices(), self.graph().indices());
            assertArrayEquals(exact.distances(), self.graph().distances());
            NeighborSearch.Found query = NeighborSearch.query(data, queries, 8, handOverAt(800, 1), parallel);
            NeighborGraph exactQuery = ExactNeighbors.query(data, queries, 8, parallel);
            assertFalse(query.approximate());
            assertArrayEquals(exactQuery.indices(), query.graph().indices());
            assertArrayEquals(exactQuery.distances(), query.graph().distances());
            // one point more and the approximate search takes over
            assertTrue(NeighborSearch.of(data, 8, handOverAt(799, 1), parallel).approximate());
            // queries stay exact while there are no more of them than the hand-over, onto a set of any size: 100
            // queries onto 800 points, with the hand-over at 100 and at 99
            NeighborSearch.Found fewQueries = NeighborSearch.query(data, queries, 8, handOverAt(100, 1), parallel);
            assertFalse(fewQueries.approximate());
            assertArrayEquals(exactQuery.indices(), fewQueries.graph().indices());
            assertTrue(NeighborSearch.query(data, queries, 8, handOverAt(99, 1), parallel).approximate());
            // and while the reference set is no larger than the hand-over, however many queries: 800 onto 100
            NeighborSearch.Found smallSet = NeighborSearch.query(queries, data, 8, handOverAt(100, 1), parallel);
            assertFalse(smallSet.approximate());
            assertArrayEquals(ExactNeighbors.query(queries, data, 8, parallel).indices(), smallSet.graph().indices());
        }
    }

    @Test
    void theSameSeedGivesTheSameGraphOnOneAndTwoThreadsAndAnotherSeedAnother() {
        // more points than a block of joins, so that blocks and chunks are split differently among the threads
        FloatMatrix data = clustered(9000, 6, 30, 11);
        FloatMatrix queries = clustered(700, 6, 30, 12);
        NeighborSearch.Options options = handOverAt(0, 5);
        NeighborGraph oneThread;
        NeighborGraph oneThreadQuery;
        try (Parallel parallel = new Parallel(1)) {
            oneThread = NeighborSearch.of(data, 10, options, parallel).graph();
            oneThreadQuery = NeighborSearch.query(data, queries, 5, options, parallel).graph();
        }
        try (Parallel parallel = new Parallel(2)) {
            NeighborGraph twoThreads = NeighborSearch.of(data, 10, options, parallel).graph();
            assertArrayEquals(oneThread.indices(), twoThreads.indices());
            assertArrayEquals(oneThread.distances(), twoThreads.distances());
            NeighborGraph twoThreadsQuery = NeighborSearch.query(data, queries, 5, options, parallel).graph();
            assertArrayEquals(oneThreadQuery.indices(), twoThreadsQuery.indices());
            NeighborGraph otherSeed = NeighborSearch.of(data, 10, handOverAt(0, 6), parallel).graph();
            assertFalse(Arrays.equals(oneThread.indices(), otherSeed.indices()),
                    "the seed draws the trees and samples");
        }
    }

    @Test
    void badSettingsAreRefusedWithTheirKey() {
        NeighborSearch.Options d = NeighborSearch.Options.defaults();
        InvalidSetting trees = assertThrows(InvalidSetting.class, () -> new NeighborSearch.Options(d.exactUpTo(),
                d.seed(), 0, d.leafSize(), d.maxCandidates(), d.iterations(), d.stop(), d.searchEpsilon(),
                d.recallSample()));
        assertEquals("trees", trees.key());
        InvalidSetting exact = assertThrows(InvalidSetting.class, () -> new NeighborSearch.Options(-1, d.seed(),
                d.trees(), d.leafSize(), d.maxCandidates(), d.iterations(), d.stop(), d.searchEpsilon(),
                d.recallSample()));
        assertEquals("exact-up-to", exact.key());
        InvalidSetting stop = assertThrows(InvalidSetting.class, () -> new NeighborSearch.Options(d.exactUpTo(),
                d.seed(), d.trees(), d.leafSize(), d.maxCandidates(), d.iterations(), 1.5, d.searchEpsilon(),
                d.recallSample()));
        assertEquals("stop", stop.key());
    }
}

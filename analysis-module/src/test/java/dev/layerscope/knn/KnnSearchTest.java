package dev.layerscope.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.neighbors.NeighborSearch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both searches against sorting every training point by (distance, row). */
class KnnSearchTest {

    /** The search with the defaults: exact for every set these tests make. */
    private static final NeighborSearch.Options EXACT = NeighborSearch.Options.defaults();

    private static FloatMatrix gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return new FloatMatrix(rows, cols, values);
    }

    /** Points on a small integer grid: many share a position and many are equally far from a query. */
    private static FloatMatrix grid(int rows, int size, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(size);
        }
        return new FloatMatrix(rows, 2, values);
    }

    private static void assertMatchesBruteForce(FloatMatrix train, FloatMatrix test, NeighborGraph graph, int k) {
        assertEquals(test.rows(), graph.size());
        for (int q = 0; q < test.rows(); q++) {
            int[] expected = BruteForceKnn.nearest(train, test, q, k);
            int[] found = new int[k];
            for (int r = 0; r < k; r++) {
                found[r] = graph.neighbor(q, r);
                assertEquals(Math.sqrt(BruteForceKnn.squaredDistance(test, q, train, found[r])), graph.distance(q, r),
                        1e-5 * (1 + graph.distance(q, r)));
            }
            assertArrayEquals(expected, found, "neighbours of test point " + q);
        }
    }

    @ParameterizedTest(name = "{0} training points, k = {1}, {2} thread(s)")
    @CsvSource({
        "1, 1, 1",
        "13, 13, 1",     // one leaf; every point a neighbour
        "500, 1, 2",
        "500, 10, 3",
        "2000, 25, 2",
    })
    void planeSearchOnAGridWithManyTiesMatchesBruteForce(int trainPoints, int k, int threads) {
        FloatMatrix train = grid(trainPoints, 20, trainPoints);
        FloatMatrix test = grid(300, 22, k);
        try (Parallel parallel = new Parallel(threads)) {
            assertMatchesBruteForce(train, test, KnnSearch.inPlane(train, test, k, parallel), k);
        }
    }

    @Test
    void planeSearchOfScatteredPointsMatchesBruteForce() {
        FloatMatrix train = gaussian(3000, 2, 1);
        FloatMatrix test = gaussian(500, 2, 2);
        try (Parallel parallel = new Parallel(2)) {
            assertMatchesBruteForce(train, test, KnnSearch.inPlane(train, test, 10, parallel), 10);
        }
    }

    @Test
    void equallyFarPointsComeInRowOrderHoweverTheyAreStored() {
        // the twelve integer points at distance 5 from the origin, in a shuffled row order
        List<float[]> onCircle = new ArrayList<>();
        for (int[] p : new int[][] {{5, 0}, {0, 5}, {3, 4}, {4, 3}}) {
            for (int sx : new int[] {1, -1}) {
                for (int sy : new int[] {1, -1}) {
                    float[] point = {sx * p[0], sy * p[1]};
                    if (onCircle.stream().noneMatch(q -> q[0] == point[0] && q[1] == point[1])) {
                        onCircle.add(point);
                    }
                }
            }
        }
        assertEquals(12, onCircle.size());
        Collections.shuffle(onCircle, new Random(4));
        float[] values = new float[24];
        for (int i = 0; i < 12; i++) {
            values[2 * i] = onCircle.get(i)[0];
            values[2 * i + 1] = onCircle.get(i)[1];
        }
        NeighborGraph graph;
        try (Parallel parallel = new Parallel(1)) {
            graph = KnnSearch.inPlane(new FloatMatrix(12, 2, values), new FloatMatrix(1, 2, new float[2]), 7,
                    parallel);
        }
        for (int r = 0; r < 7; r++) {
            assertEquals(r, graph.neighbor(0, r));
            assertEquals(5f, graph.distance(0, r));
        }
    }

    @ParameterizedTest(name = "k = {0}, {1} thread(s)")
    @CsvSource({"1, 1", "10, 2", "40, 3"})
    void highDimensionalSearchMatchesBruteForce(int k, int threads) {
        FloatMatrix train = gaussian(2500, 60, 5);
        FloatMatrix test = gaussian(200, 60, 6);
        try (Parallel parallel = new Parallel(threads)) {
            assertMatchesBruteForce(train, test, KnnSearch.highDimensional(train, test, k, EXACT, parallel).graph(), k);
        }
    }

    @Test
    void highDimensionalDuplicatesComeInRowOrder() {
        // every point three times, at rows i, i + 400 and i + 800: each neighbour is a three-way tie
        FloatMatrix distinct = gaussian(400, 30, 7);
        float[] values = new float[3 * distinct.values().length];
        for (int copy = 0; copy < 3; copy++) {
            System.arraycopy(distinct.values(), 0, values, copy * distinct.values().length,
                    distinct.values().length);
        }
        FloatMatrix train = new FloatMatrix(1200, 30, values);
        FloatMatrix test = gaussian(100, 30, 8);
        try (Parallel parallel = new Parallel(2)) {
            NeighborGraph graph = KnnSearch.highDimensional(train, test, 8, EXACT, parallel).graph();
            assertMatchesBruteForce(train, test, graph, 8);
            for (int q = 0; q < test.rows(); q++) {
                assertEquals(graph.neighbor(q, 0) + 400, graph.neighbor(q, 1), "a tie goes to the lower row");
            }
        }
    }

    @Test
    void aboveTheHandOverTheSearchIsApproximateWithItsRecallMeasured() {
        // 3,000 training points in 10 tight clusters: NN-descent finds nearly every neighbour
        Random random = new Random(21);
        float[][] centres = new float[10][20];
        for (float[] centre : centres) {
            for (int c = 0; c < centre.length; c++) {
                centre[c] = (float) (4 * random.nextGaussian());
            }
        }
        FloatMatrix train = new FloatMatrix(3000, 20, clustered(3000, centres, random));
        FloatMatrix test = new FloatMatrix(300, 20, clustered(300, centres, random));
        NeighborSearch.Options d = NeighborSearch.Options.defaults();
        NeighborSearch.Options handOverAtZero = new NeighborSearch.Options(0, d.seed(), d.trees(), d.leafSize(),
                d.maxCandidates(), d.iterations(), d.stop(), d.searchEpsilon(), d.recallSample());
        try (Parallel parallel = new Parallel(2)) {
            NeighborSearch.Found found = KnnSearch.highDimensional(train, test, 10, handOverAtZero, parallel);
            assertTrue(found.approximate());
            assertEquals(300, found.sampled(), "every test point is in the sample");
            assertTrue(found.recall() >= 0.99, "recall " + found.recall());
            // the recall reported is that of the neighbours handed on
            NeighborGraph exact = KnnSearch.highDimensional(train, test, 10, EXACT, parallel).graph();
            long same = 0;
            for (int q = 0; q < test.rows(); q++) {
                Set<Integer> truth = new HashSet<>();
                for (int r = 0; r < 10; r++) {
                    truth.add(exact.neighbor(q, r));
                }
                for (int r = 0; r < 10; r++) {
                    same += truth.contains(found.graph().neighbor(q, r)) ? 1 : 0;
                }
            }
            assertEquals(same / 3000.0, found.recall(), 1e-9);
        }
    }

    private static float[] clustered(int rows, float[][] centres, Random random) {
        int cols = centres[0].length;
        float[] values = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            float[] centre = centres[random.nextInt(centres.length)];
            for (int c = 0; c < cols; c++) {
                values[i * cols + c] = centre[c] + (float) random.nextGaussian();
            }
        }
        return values;
    }

    @Test
    void moreNeighboursThanTrainingPointsIsRefused() {
        FloatMatrix train = gaussian(5, 2, 9);
        try (Parallel parallel = new Parallel(1)) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> KnnSearch.inPlane(train, train, 6, parallel));
            assertEquals("k = 6 neighbours of 5 training points", error.getMessage());
        }
    }
}

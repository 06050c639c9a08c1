package dev.layerscope.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The kNN decision on points placed by hand, where the answer for each k is known. */
class KnnVoteTest {

    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    /**
     * Around the origin: four points at distance 1 (classes A, B, B, A in row order), then C at 2 and C at 3. The
     * four equal distances are listed in row order, whatever order the tree visits them in.
     */
    private static final FloatMatrix EQUAL_DISTANCES = points(1, 0, -1, 0, 0, 1, 0, -1, 2, 0, 0, 3);
    private static final int[] EQUAL_DISTANCES_LABELS = {A, B, B, A, C, C};

    /** A at 1, B at 1.5 twice, A at 5: A has the nearest point, B the nearer pair. */
    private static final FloatMatrix NEARER_PAIR = points(1, 0, 0, 1.5f, 0, -1.5f, -5, 0);
    private static final int[] NEARER_PAIR_LABELS = {A, B, B, A};

    private static final FloatMatrix ORIGIN = points(0, 0);

    private static FloatMatrix points(float... xy) {
        return new FloatMatrix(xy.length / 2, 2, xy);
    }

    private static int predict(FloatMatrix train, int[] labels, int k) {
        NeighborGraph graph;
        try (Parallel parallel = new Parallel(1)) {
            graph = KnnSearch.inPlane(train, ORIGIN, k, parallel);
        }
        return KnnVote.predict(graph, 0, k, labels, new int[3], new double[3]);
    }

    @Test
    void equalDistancesAreListedInTrainingRowOrder() {
        NeighborGraph graph;
        try (Parallel parallel = new Parallel(1)) {
            graph = KnnSearch.inPlane(EQUAL_DISTANCES, ORIGIN, 6, parallel);
        }
        int[] order = new int[6];
        for (int r = 0; r < 6; r++) {
            order[r] = graph.neighbor(0, r);
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, order);
        assertEquals(1f, graph.distance(0, 3));
        assertEquals(3f, graph.distance(0, 5));
    }

    @ParameterizedTest(name = "k = {0} -> class {1}")
    @CsvSource({
        "1, 0",  // the nearest, row 0, is A
        "2, 0",  // A and B one vote each at equal sums: the class of the nearest neighbour, A (row 0 before row 1)
        "3, 1",  // B has two votes of three
        "4, 0",  // two each at equal sums: A again, its row 0 the first of the tied
        "5, 0",  // A 2, B 2, C 1: A
        "6, 0",  // two each; sums A 2, B 2, C 5: A, the nearest of A and B
    })
    void majorityThenNearestOfTheTied(int k, int expected) {
        assertEquals(expected, predict(EQUAL_DISTANCES, EQUAL_DISTANCES_LABELS, k));
    }

    @ParameterizedTest(name = "k = {0} -> class {1}")
    @CsvSource({
        "1, 0",  // A at 1
        "2, 0",  // one each; sums A 1, B 1.5: A
        "3, 1",  // B has two votes of three
        "4, 1",  // two each; sums A 1 + 5 = 6, B 1.5 + 1.5 = 3: B, though A has the nearest point
    })
    void aTieInVotesGoesToTheClassNearerInSum(int k, int expected) {
        assertEquals(expected, predict(NEARER_PAIR, NEARER_PAIR_LABELS, k));
    }

    @Test
    void countsCorrectPredictionsPerKAndTrueClass() {
        // three test points at the origin, of class A, B and C, and one of class C at (10, 0)
        FloatMatrix test = points(0, 0, 0, 0, 0, 0, 10, 0);
        int[] testLabels = {A, B, C, C};
        NeighborGraph graph;
        try (Parallel parallel = new Parallel(2)) {
            graph = KnnSearch.inPlane(EQUAL_DISTANCES, test, 3, parallel);
        }
        int[][] correct = KnnVote.correct(graph, EQUAL_DISTANCES_LABELS, testLabels, 3, List.of(1, 3));
        // k = 1: the origin points all get A, the far one C (row 4 at distance 8)
        assertArrayEquals(new int[] {1, 0, 1}, correct[0]);
        // k = 3: the origin points get B; the far one's three nearest are C (8), A (9), B (10.05), one vote each:
        // C, the nearest in sum
        assertArrayEquals(new int[] {0, 1, 1}, correct[1]);
    }
}

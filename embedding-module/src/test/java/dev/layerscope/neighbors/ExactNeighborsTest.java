package dev.layerscope.neighbors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ExactNeighborsTest {

    private static FloatMatrix random(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return new FloatMatrix(rows, cols, values);
    }

    /** The k nearest rows of {@code reference} to {@code query} by direct comparison of all distances. */
    private static int[] bruteForce(FloatMatrix reference, FloatMatrix queries, int query, int k, boolean self) {
        return IntStream.range(0, reference.rows())
                .filter(j -> !self || j != query)
                .boxed()
                .sorted(Comparator.comparingDouble(j -> queries.squaredDistance(query, reference, j)))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void selfGraphMatchesBruteForceAndExcludesThePointItself(int threads) {
        FloatMatrix data = random(300, 17, 5);
        int k = 7;
        NeighborGraph graph;
        try (Parallel parallel = new Parallel(threads)) {
            graph = ExactNeighbors.of(data, k, parallel);
        }
        assertEquals(300, graph.size());
        for (int i = 0; i < data.rows(); i++) {
            int[] expected = bruteForce(data, data, i, k, true);
            int[] found = new int[k];
            for (int r = 0; r < k; r++) {
                found[r] = graph.neighbor(i, r);
                assertEquals(Math.sqrt(data.squaredDistance(i, data, found[r])), graph.distance(i, r), 1e-4);
            }
            assertArrayEquals(expected, found, "neighbours of point " + i);
        }
    }

    @Test
    void queriesFindTheirNearestReferenceRowsAcrossBlocks() {
        FloatMatrix reference = random(5000, 8, 6);
        FloatMatrix queries = random(4000, 8, 7);
        NeighborGraph graph;
        try (Parallel parallel = new Parallel(2)) {
            // 2,048 queries a block: two blocks, the second partial
            graph = ExactNeighbors.query(reference, queries, 4, parallel);
        }
        for (int q : new int[] {0, 1, 2047, 2048, 3999}) {
            int[] expected = bruteForce(reference, queries, q, 4, false);
            for (int r = 0; r < 4; r++) {
                assertEquals(expected[r], graph.neighbor(q, r), "query " + q + " rank " + r);
            }
        }
    }

    /**
     * Blocks of queries meet the reference set in tiles of columns (here 37 queries a block and 370 / 37 = 10
     * reference rows a tile, so that neither divides the 200 points): every point's neighbours are still the brute
     * force's, whether a pair's product came from the point's own block or, for a set onto itself, from an earlier
     * block's tile, and whatever the thread count.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void blocksAndTilesGiveTheBruteForceNeighbours(int threads) {
        FloatMatrix data = random(200, 6, 9);
        FloatMatrix queries = random(150, 6, 10);
        try (Parallel parallel = new Parallel(threads)) {
            NeighborGraph self = ExactNeighbors.search(data, data, 5, true, parallel, 37, 370);
            NeighborGraph query = ExactNeighbors.search(data, queries, 5, false, parallel, 37, 370);
            for (int i = 0; i < data.rows(); i++) {
                int point = i;
                assertArrayEquals(bruteForce(data, data, i, 5, true),
                        IntStream.range(0, 5).map(r -> self.neighbor(point, r)).toArray(), "point " + i);
            }
            for (int q = 0; q < queries.rows(); q++) {
                int point = q;
                assertArrayEquals(bruteForce(data, queries, q, 5, false),
                        IntStream.range(0, 5).map(r -> query.neighbor(point, r)).toArray(), "query " + q);
            }
        }
    }

    /**
     * 5,000 points need three blocks of 2,048 rows: the later blocks' points get their neighbours among the earlier
     * blocks' from the products computed for those blocks.
     */
    @Test
    void selfGraphAcrossBlocksUsesEachProductForBothPoints() {
        FloatMatrix data = random(5000, 6, 9);
        NeighborGraph graph;
        try (Parallel parallel = new Parallel(2)) {
            graph = ExactNeighbors.of(data, 5, parallel);
        }
        for (int i : new int[] {0, 17, 2047, 2048, 4095, 4096, 4999}) {
            int[] expected = bruteForce(data, data, i, 5, true);
            for (int r = 0; r < 5; r++) {
                assertEquals(expected[r], graph.neighbor(i, r), "point " + i + " rank " + r);
            }
        }
    }

    @Test
    void refineRanksCandidatesByExactDistanceWithTiesToTheLowerRowWhateverTheirOrder() {
        // rows 0..5 of the reference: distances 2, 1, 1, 3, 1, 2 from the query at the origin
        FloatMatrix reference = new FloatMatrix(6, 2, new float[] {2, 0, 0, 1, -1, 0, 0, 3, 0, -1, 0, 2});
        FloatMatrix query = new FloatMatrix(1, 2, new float[] {0, 0});
        int[] expected = {1, 2, 4, 0};
        int[][] candidateOrders = {{3, 5, 4, 0, 2, 1}, {1, 2, 4, 0, 5, 3}, {4, 2, 1, 5, 0, 3}};
        for (int threads : new int[] {1, 2}) {
            try (Parallel parallel = new Parallel(threads)) {
                for (int[] order : candidateOrders) {
                    NeighborGraph candidates = new NeighborGraph(1, 6, order, new float[6]);
                    NeighborGraph refined = ExactNeighbors.refine(reference, query, candidates, 4, parallel);
                    assertArrayEquals(expected, IntStream.range(0, 4).map(r -> refined.neighbor(0, r)).toArray());
                    assertEquals(1f, refined.distance(0, 0));
                    assertEquals(2f, refined.distance(0, 3));
                }
            }
        }
    }

    /**
     * The refinement sums four candidates' distances at a time: each must be the very value
     * {@link FloatMatrix#squaredDistance} gives alone, for every count of candidates (a multiple of four or not).
     */
    @Test
    void refineDistancesAreThoseOfTheDirectSumForAnyCountOfCandidates() {
        FloatMatrix reference = random(40, 13, 21);
        FloatMatrix queries = random(9, 13, 22);
        try (Parallel parallel = new Parallel(2)) {
            for (int count : new int[] {4, 5, 7, 8, 11, 16, 19}) {
                int[] candidateRows = new int[queries.rows() * count];
                for (int q = 0; q < queries.rows(); q++) {
                    for (int r = 0; r < count; r++) {
                        candidateRows[q * count + r] = (q * 7 + r * 3) % reference.rows();
                    }
                }
                NeighborGraph candidates = new NeighborGraph(queries.rows(), count, candidateRows,
                        new float[candidateRows.length]);
                NeighborGraph refined = ExactNeighbors.refine(reference, queries, candidates, count, parallel);
                for (int q = 0; q < queries.rows(); q++) {
                    int query = q;
                    int[] expected = IntStream.range(0, count).map(r -> candidateRows[query * count + r]).boxed()
                            .sorted(Comparator.comparingDouble((Integer j) -> queries.squaredDistance(query,
                                    reference, j)).thenComparingInt(j -> j))
                            .mapToInt(Integer::intValue).toArray();
                    for (int r = 0; r < count; r++) {
                        assertEquals(expected[r], refined.neighbor(q, r), "count " + count + ", query " + q);
                        assertEquals((float) Math.sqrt(queries.squaredDistance(q, reference, expected[r])),
                                refined.distance(q, r), "count " + count + ", query " + q + ", rank " + r);
                    }
                }
            }
        }
    }

    /**
     * One ranking of all candidates gives, for every k and every leading part of the candidates, the nearest k of
     * that part by (exact distance, row): what each map of an input takes from the input's one ranking. Some rows
     * are repeated in the reference set, so that ties occur.
     */
    @Test
    void rankedCandidatesGiveTheNearestOfEveryLeadingPart() {
        FloatMatrix reference = random(60, 5, 31);
        for (int col = 0; col < 5; col++) {
            reference.set(7, col, reference.get(3, col));
            reference.set(40, col, reference.get(3, col));
        }
        FloatMatrix queries = random(11, 5, 32);
        int count = 14;
        int[] candidateRows = new int[queries.rows() * count];
        Random random = new Random(33);
        for (int q = 0; q < queries.rows(); q++) {
            int[] rows = IntStream.range(0, reference.rows()).boxed()
                    .sorted(Comparator.comparingInt(j -> random.nextInt())).mapToInt(Integer::intValue)
                    .limit(count - 3).toArray();
            System.arraycopy(rows, 0, candidateRows, q * count, count - 3);
            // the three copies of one row, somewhere in every list
            candidateRows[q * count + count - 3] = 40;
            candidateRows[q * count + count - 2] = 3;
            candidateRows[q * count + count - 1] = 7;
            for (int r = 0; r < count - 3; r++) {
                if (rows[r] == 3 || rows[r] == 7 || rows[r] == 40) {
                    candidateRows[q * count + r] = 50 + r % 5 + (rows[r] == 3 ? 0 : 5);
                }
            }
        }
        NeighborGraph candidates = new NeighborGraph(queries.rows(), count, candidateRows,
                new float[candidateRows.length]);
        for (int threads : new int[] {1, 2}) {
            try (Parallel parallel = new Parallel(threads)) {
                RankedCandidates ranked = ExactNeighbors.rank(reference, queries, candidates, parallel);
                for (int among = 1; among <= count; among++) {
                    for (int k = 1; k <= among; k++) {
                        NeighborGraph nearest = ranked.nearest(k, among);
                        for (int q = 0; q < queries.rows(); q++) {
                            int query = q;
                            int[] expected = IntStream.range(0, among).map(r -> candidateRows[query * count + r])
                                    .boxed().sorted(Comparator.comparingDouble((Integer j) -> queries
                                            .squaredDistance(query, reference, j)).thenComparingInt(j -> j))
                                    .mapToInt(Integer::intValue).limit(k).toArray();
                            for (int r = 0; r < k; r++) {
                                String where = "among " + among + ", k " + k + ", query " + q + ", rank " + r;
                                assertEquals(expected[r], nearest.neighbor(q, r), where);
                                assertEquals((float) Math.sqrt(queries.squaredDistance(q, reference, expected[r])),
                                        nearest.distance(q, r), where);
                            }
                        }
                    }
                }
                assertThrows(IllegalArgumentException.class, () -> ranked.nearest(5, count + 1));
                assertThrows(IllegalArgumentException.class, () -> ranked.nearest(6, 5));
            }
        }
    }

    @Test
    void truncateKeepsTheNearest() {
        FloatMatrix data = random(50, 3, 8);
        try (Parallel parallel = new Parallel(1)) {
            NeighborGraph graph = ExactNeighbors.of(data, 10, parallel);
            NeighborGraph first3 = graph.truncate(3);
            assertEquals(3, first3.k());
            for (int i = 0; i < 50; i++) {
                for (int r = 0; r < 3; r++) {
                    assertEquals(graph.neighbor(i, r), first3.neighbor(i, r));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> ExactNeighbors.of(data, 50, parallel));
        }
    }
}

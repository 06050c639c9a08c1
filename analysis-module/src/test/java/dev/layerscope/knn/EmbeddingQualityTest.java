package dev.layerscope.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddingQualityTest {

    /** Integer values: float products and sums of them are exact, so both spaces' distances are exact and tie. */
    private static FloatMatrix integers(int rows, int cols, int range, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(range) - range / 2;
        }
        return new FloatMatrix(rows, cols, values);
    }

    private static FloatMatrix columns(FloatMatrix points, int count) {
        float[] values = new float[points.rows() * count];
        for (int i = 0; i < points.rows(); i++) {
            for (int c = 0; c < count; c++) {
                values[i * count + c] = points.get(i, c);
            }
        }
        return new FloatMatrix(points.rows(), count, values);
    }

    private static List<EmbeddingQuality.Scores> measure(FloatMatrix input, List<FloatMatrix> maps, int[] labels,
                                                         int k, int threads) {
        int classes = IntStream.of(labels).max().orElseThrow() + 1;
        try (Parallel parallel = new Parallel(threads)) {
            return EmbeddingQuality.measure(input, maps, labels, classes, k, parallel);
        }
    }

    // --- an independent computation: scikit-learn's formulas over full sorted distance rows ---

    /** ranks[i][j]: j's place among the points other than i sorted by (distance from i, row), from 1. */
    private static int[][] ranks(FloatMatrix points) {
        int n = points.rows();
        int[][] ranks = new int[n][n];
        for (int i = 0; i < n; i++) {
            int point = i;
            Integer[] order = IntStream.range(0, n).filter(j -> j != point).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(
                    j -> BruteForceKnn.squaredDistance(points, point, points, j)).thenComparingInt(j -> j));
            for (int r = 0; r < order.length; r++) {
                ranks[i][order[r]] = r + 1;
            }
        }
        return ranks;
    }

    /** 1 - 2 / (n k (2n - 3k - 1)) x the sum over each point's k nearest in {@code near} of rank - k in {@code far}. */
    private static double trustworthiness(int[][] near, int[][] far, int k) {
        int n = near.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j != i && near[i][j] <= k) {
                    sum += Math.max(0, far[i][j] - k);
                }
            }
        }
        return 1 - 2.0 / (n * k * (2.0 * n - 3 * k - 1)) * sum;
    }

    private static double silhouette(FloatMatrix points, int[] labels) {
        int n = points.rows();
        double total = 0;
        for (int i = 0; i < n; i++) {
            int point = i;
            double a = 0;
            double b = Double.POSITIVE_INFINITY;
            for (int c : IntStream.of(labels).distinct().toArray()) {
                int[] members = IntStream.range(0, n).filter(j -> labels[j] == c && j != point).toArray();
                double mean = IntStream.of(members)
                        .mapToDouble(j -> Math.sqrt(BruteForceKnn.squaredDistance(points, point, points, j)))
                        .sum() / members.length;
                if (c == labels[i]) {
                    a = members.length == 0 ? Double.NaN : mean;
                } else {
                    b = Math.min(b, mean);
                }
            }
            total += Double.isNaN(a) ? 0 : (b - a) / Math.max(a, b);
        }
        return total / n;
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 3})
    void matchesScikitLearnsFormulasComputedOnFullSortedRows(int threads) {
        // 150 points: three blocks of 64 rows for the input distances, the last partial
        FloatMatrix input = integers(150, 6, 9, 1);
        // a map that keeps two of the six coordinates and a scrambled one: neither is faithful, both have ties
        FloatMatrix kept = columns(input, 2);
        FloatMatrix noise = integers(150, 2, 12, 2);
        int[] labels = new Random(3).ints(150, 0, 4).toArray();
        int k = 7;
        List<EmbeddingQuality.Scores> scores = measure(input, List.of(kept, noise), labels, k, threads);
        int[][] inputRanks = ranks(input);
        for (int m = 0; m < 2; m++) {
            FloatMatrix map = m == 0 ? kept : noise;
            int[][] mapRanks = ranks(map);
            assertEquals(trustworthiness(mapRanks, inputRanks, k), scores.get(m).trustworthiness(), 1e-12);
            assertEquals(trustworthiness(inputRanks, mapRanks, k), scores.get(m).continuity(), 1e-12);
            assertEquals(silhouette(map, labels), scores.get(m).silhouette(), 1e-12);
        }
        assertTrue(scores.get(0).trustworthiness() > scores.get(1).trustworthiness());
    }

    @Test
    void anIdentityMapScoresOneAndAScrambledOneLower() {
        // the input is the map with three more columns of zeros: the same distances in both spaces
        FloatMatrix map = integers(400, 2, 1000, 4);
        float[] wide = new float[400 * 5];
        for (int i = 0; i < 400; i++) {
            wide[i * 5] = map.get(i, 0);
            wide[i * 5 + 1] = map.get(i, 1);
        }
        FloatMatrix input = new FloatMatrix(400, 5, wide);
        int[] shuffled = IntStream.range(0, 400).toArray();
        Random random = new Random(5);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = swap;
        }
        FloatMatrix scrambled = map.rows(shuffled);
        int[] labels = IntStream.range(0, 400).map(i -> i % 3).toArray();
        List<EmbeddingQuality.Scores> scores = measure(input, List.of(map, scrambled), labels, 10, 2);
        assertEquals(1.0, scores.get(0).trustworthiness(), 1e-12);
        assertEquals(1.0, scores.get(0).continuity(), 1e-12);
        assertTrue(scores.get(1).trustworthiness() < 0.7, "scrambled: " + scores.get(1));
        assertTrue(scores.get(1).continuity() < 0.7, "scrambled: " + scores.get(1));
    }

    @Test
    void wellSeparatedClassesHaveASilhouetteNearOneAndMixedOnesNearZero() {
        // three tight blobs far apart
        Random random = new Random(6);
        float[][] centres = {{0, 0}, {100, 0}, {0, 100}};
        float[] values = new float[300 * 2];
        int[] labels = new int[300];
        for (int i = 0; i < 300; i++) {
            labels[i] = i % 3;
            values[2 * i] = centres[labels[i]][0] + (float) random.nextGaussian();
            values[2 * i + 1] = centres[labels[i]][1] + (float) random.nextGaussian();
        }
        FloatMatrix blobs = new FloatMatrix(300, 2, values);
        int[] mixed = random.ints(300, 0, 3).toArray();
        double separated = measure(blobs, List.of(blobs), labels, 10, 2).getFirst().silhouette();
        double unrelated = measure(blobs, List.of(blobs), mixed, 10, 2).getFirst().silhouette();
        assertTrue(separated > 0.95, "separated blobs: " + separated);
        assertTrue(Math.abs(unrelated) < 0.1, "labels unrelated to the blobs: " + unrelated);
    }

    @Test
    void squaredDistancesByBlasMatchDirectOnes() {
        FloatMatrix points = integers(70, 13, 21, 7);
        float[] rows = new float[30 * 70];
        try (SquaredDistances distances = new SquaredDistances(points)) {
            distances.rows(40, 70, rows);
        }
        for (int r = 0; r < 30; r++) {
            for (int j = 0; j < 70; j++) {
                assertEquals(BruteForceKnn.squaredDistance(points, 40 + r, points, j), rows[r * 70 + j], 0.0,
                        "row " + (40 + r) + ", column " + j);
            }
        }
    }
}

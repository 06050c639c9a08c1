package dev.layerscope.knn;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NearestHeap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * How faithfully 2-D maps keep the neighbourhoods and the classes of their high-dimensional input, on a sample of
 * points:
 * <ul>
 *   <li>trustworthiness (Venna and Kaski; scikit-learn's {@code sklearn.manifold.trustworthiness}): 1 minus the
 *   normalised sum, over each point's k nearest neighbours in the map, of how far beyond rank k they rank in the
 *   input. Low when the map puts points together that the input keeps apart;</li>
 *   <li>continuity: the same with the roles of the spaces swapped, low when the map tears apart neighbours of the
 *   input;</li>
 *   <li>silhouette of the class labels in the map (scikit-learn's {@code silhouette_score}): per point
 *   (b - a) / max(a, b) with a the mean distance to its own class and b to the nearest other class, 0 for a point
 *   alone in its class; averaged.</li>
 * </ul>
 * Ranks count the other points that are nearer, equal distances in the order of the rows. The input's distances
 * are computed once for all maps of it, a block of rows at a time, so memory holds a block, never the full matrix.
 */
final class EmbeddingQuality {

    /** Rows whose input distances are computed in one BLAS product. */
    private static final int BLOCK = 64;

    /** One map's scores. */
    record Scores(double trustworthiness, double continuity, double silhouette) {
    }

    private EmbeddingQuality() {
    }

    /**
     * Scores each of {@code maps} (rows matching those of {@code input}) against {@code input}.
     *
     * @param input  the high-dimensional points
     * @param maps   their 2-D (or any) maps
     * @param labels each point's class, in {@code [0, classes)}
     * @param k      the neighbourhood size of trustworthiness and continuity; below n / 2
     */
    static List<Scores> measure(FloatMatrix input, List<FloatMatrix> maps, int[] labels, int classes, int k,
                                Parallel parallel) {
        int n = input.rows();
        if (2 * k >= n) {
            throw new IllegalArgumentException("trustworthiness of " + k + " neighbours needs more than " + 2 * k
                    + " points, got " + n);
        }
        for (FloatMatrix map : maps) {
            if (map.rows() != n) {
                throw new IllegalArgumentException("a map of " + map.rows() + " points for " + n + " input points");
            }
        }
        int[] classSizes = new int[classes];
        for (int label : labels) {
            classSizes[label]++;
        }
        // per map and point, so that the sums below run in one order whatever the thread count
        long[][] trustPenalty = new long[maps.size()][n];
        long[][] continuityPenalty = new long[maps.size()][n];
        double[][] silhouette = new double[maps.size()][n];
        try (SquaredDistances inputDistances = new SquaredDistances(input)) {
            int blocks = (n + BLOCK - 1) / BLOCK;
            parallel.forRange(blocks, (fromBlock, toBlock) -> {
                float[] inputRows = new float[BLOCK * n];
                double[] inputRow = new double[n];
                double[] mapRow = new double[n];
                NearestHeap nearest = new NearestHeap(k);
                int[] inputNeighbors = new int[k];
                int[] mapNeighbors = new int[k];
                double[] classSums = new double[classes];
                for (int block = fromBlock; block < toBlock; block++) {
                    int from = block * BLOCK;
                    int to = Math.min(n, from + BLOCK);
                    inputDistances.rows(from, to, inputRows);
                    for (int i = from; i < to; i++) {
                        for (int j = 0, offset = (i - from) * n; j < n; j++) {
                            inputRow[j] = inputRows[offset + j];
                        }
                        nearestOthers(inputRow, i, nearest, inputNeighbors);
                        for (int m = 0; m < maps.size(); m++) {
                            FloatMatrix map = maps.get(m);
                            for (int j = 0; j < n; j++) {
                                mapRow[j] = map.squaredDistance(i, map, j);
                            }
                            nearestOthers(mapRow, i, nearest, mapNeighbors);
                            int point = i;
                            trustPenalty[m][i] = penalty(mapNeighbors, inputNeighbors, k,
                                    j -> rank(inputRow, point, j));
                            continuityPenalty[m][i] = penalty(inputNeighbors, mapNeighbors, k,
                                    j -> rank(mapRow, point, j));
                            silhouette[m][i] = silhouette(mapRow, labels, i, classSizes, classSums);
                        }
                    }
                }
            });
        }
        // scikit-learn's normalisation: the largest possible sum of penalties maps to 0
        double normaliser = 2.0 / ((double) n * k * (2.0 * n - 3.0 * k - 1.0));
        boolean severalClasses = Arrays.stream(classSizes).filter(size -> size > 0).count() > 1;
        List<Scores> scores = new ArrayList<>(maps.size());
        for (int m = 0; m < maps.size(); m++) {
            scores.add(new Scores(1 - normaliser * Arrays.stream(trustPenalty[m]).sum(),
                    1 - normaliser * Arrays.stream(continuityPenalty[m]).sum(),
                    severalClasses ? Arrays.stream(silhouette[m]).sum() / n : Double.NaN));
        }
        return scores;
    }

    /**
     * The sum over {@code found} of how far beyond rank k each ranks in the other space. A point among
     * {@code otherNeighbors}, the k nearest there, ranks within k and costs nothing; only the others need the
     * count of what comes before them.
     */
    private static long penalty(int[] found, int[] otherNeighbors, int k, IntUnaryOperator rankInOther) {
        long penalty = 0;
        for (int j : found) {
            if (!contains(otherNeighbors, j)) {
                penalty += rankInOther.applyAsInt(j) - k;
            }
        }
        return penalty;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** The k nearest points to i other than i, by the distances from i in {@code distances}. */
    private static void nearestOthers(double[] distances, int i, NearestHeap nearest, int[] target) {
        for (int j = 0; j < distances.length; j++) {
            if (j != i) {
                nearest.offer(distances[j], j);
            }
        }
        nearest.drain(target, null, 0);
    }

    /** j's rank from i, from 1: 1 + the points other than i that are nearer, or as near with a lower row. */
    private static int rank(double[] distances, int i, int j) {
        double own = distances[j];
        int before = 0;
        for (int l = 0; l < distances.length; l++) {
            double d = distances[l];
            if ((d < own || (d == own && l < j)) && l != i) {
                before++;
            }
        }
        return 1 + before;
    }

    /** Point i's silhouette from its squared distances to every point. */
    private static double silhouette(double[] squared, int[] labels, int i, int[] classSizes, double[] classSums) {
        int own = labels[i];
        if (classSizes[own] == 1) {
            return 0;
        }
        Arrays.fill(classSums, 0);
        for (int j = 0; j < squared.length; j++) {
            classSums[labels[j]] += Math.sqrt(squared[j]);
        }
        // the point's distance to itself is 0 and adds nothing; it is left out of its class's count
        double a = classSums[own] / (classSizes[own] - 1);
        double b = Double.POSITIVE_INFINITY;
        for (int c = 0; c < classSums.length; c++) {
            if (c != own && classSizes[c] > 0) {
                b = Math.min(b, classSums[c] / classSizes[c]);
            }
        }
        double scale = Math.max(a, b);
        return scale == 0 ? 0 : (b - a) / scale;
    }
}

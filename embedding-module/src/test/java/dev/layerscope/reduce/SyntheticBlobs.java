package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.Arrays;
import java.util.Random;

/**
 * Well-separated Gaussian clusters, the data every method's tests embed, and the kNN accuracy that says whether an
 * embedding kept them apart.
 *
 * @param data   one row per point
 * @param labels the cluster of each point: point i is in cluster {@code i % clusters}
 */
public record SyntheticBlobs(FloatMatrix data, int[] labels) {

    /** {@code perCluster} points round each of {@code clusters} centres drawn with spread 10, unit noise. */
    public static SyntheticBlobs of(int clusters, int perCluster, int dimensions, long seed) {
        Random random = new Random(seed);
        double[][] centres = new double[clusters][dimensions];
        for (double[] centre : centres) {
            for (int j = 0; j < dimensions; j++) {
                centre[j] = 10 * random.nextGaussian();
            }
        }
        int n = clusters * perCluster;
        float[] values = new float[n * dimensions];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % clusters;
            for (int j = 0; j < dimensions; j++) {
                values[i * dimensions + j] = (float) (centres[labels[i]][j] + random.nextGaussian());
            }
        }
        return new SyntheticBlobs(new FloatMatrix(n, dimensions, values), labels);
    }

    /** The points {@code [from, to)}. */
    public SyntheticBlobs rows(int from, int to) {
        int cols = data.cols();
        return new SyntheticBlobs(new FloatMatrix(to - from, cols,
                Arrays.copyOfRange(data.values(), from * cols, to * cols)), Arrays.copyOfRange(labels, from, to));
    }

    /** The share of {@code queries} whose {@code k} nearest {@code reference} points mostly carry their label. */
    public static double accuracy(FloatMatrix reference, int[] referenceLabels, FloatMatrix queries,
                                  int[] queryLabels, int k) {
        try (Parallel parallel = new Parallel(2)) {
            return vote(ExactNeighbors.query(reference, queries, k, parallel), referenceLabels, queryLabels);
        }
    }

    /** The share of points whose {@code k} nearest other points mostly carry their label. */
    public static double leaveOneOutAccuracy(FloatMatrix points, int[] labels, int k) {
        try (Parallel parallel = new Parallel(2)) {
            return vote(ExactNeighbors.of(points, k, parallel), labels, labels);
        }
    }

    private static double vote(NeighborGraph neighbours, int[] referenceLabels, int[] queryLabels) {
        int classes = Arrays.stream(referenceLabels).max().orElseThrow() + 1;
        int correct = 0;
        for (int i = 0; i < neighbours.size(); i++) {
            int[] votes = new int[classes];
            for (int r = 0; r < neighbours.k(); r++) {
                votes[referenceLabels[neighbours.neighbor(i, r)]]++;
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                best = votes[c] > votes[best] ? c : best;
            }
            correct += best == queryLabels[i] ? 1 : 0;
        }
        return (double) correct / neighbours.size();
    }
}

package dev.layerscope.knn;

import dev.layerscope.neighbors.NeighborGraph;
import java.util.List;

/**
 * The kNN classifier's decision: the class most of a test point's k nearest training points carry. A tie between
 * classes goes to the tied class whose neighbours among the k are nearer in sum, and a tie in that too to the tied
 * class of the nearest such neighbour. With neighbours ordered by (distance, training row) the prediction is
 * fully determined by the data.
 */
final class KnnVote {

    private KnnVote() {
    }

    /**
     * Correct predictions per k and true class: {@code [i][c]} counts the test points of class c that the
     * classifier with k = {@code ks.get(i)} gets right.
     *
     * @param neighbors  each test point's nearest training points, at least the largest k of them
     * @param trainLabels the class of each training point
     * @param testLabels  the class of each test point
     */
    static int[][] correct(NeighborGraph neighbors, int[] trainLabels, int[] testLabels, int classes,
                           List<Integer> ks) {
        int[][] correct = new int[ks.size()][classes];
        int[] votes = new int[classes];
        double[] sums = new double[classes];
        for (int q = 0; q < neighbors.size(); q++) {
            for (int i = 0; i < ks.size(); i++) {
                if (predict(neighbors, q, ks.get(i), trainLabels, votes, sums) == testLabels[q]) {
                    correct[i][testLabels[q]]++;
                }
            }
        }
        return correct;
    }

    /**
     * The class test point {@code q}'s first k neighbours vote for. {@code votes} and {@code sums} are zeroed
     * scratch space of one slot per class, left zeroed.
     */
    static int predict(NeighborGraph neighbors, int q, int k, int[] trainLabels, int[] votes, double[] sums) {
        if (k > neighbors.k()) {
            throw new IllegalArgumentException("k = " + k + " of a graph of " + neighbors.k() + " neighbours");
        }
        for (int r = 0; r < k; r++) {
            int label = trainLabels[neighbors.neighbor(q, r)];
            votes[label]++;
            sums[label] += neighbors.distance(q, r);
        }
        // in neighbour order, so that a class replaces the best only when strictly better: a full tie stays with
        // the class met first, the one of the nearest neighbour
        int best = trainLabels[neighbors.neighbor(q, 0)];
        for (int r = 1; r < k; r++) {
            int label = trainLabels[neighbors.neighbor(q, r)];
            if (votes[label] > votes[best] || (votes[label] == votes[best] && sums[label] < sums[best])) {
                best = label;
            }
        }
        for (int r = 0; r < k; r++) {
            int label = trainLabels[neighbors.neighbor(q, r)];
            votes[label] = 0;
            sums[label] = 0;
        }
        return best;
    }
}

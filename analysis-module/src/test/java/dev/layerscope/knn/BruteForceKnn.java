package dev.layerscope.knn;

import dev.layerscope.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The kNN of the tests, written independently of the stage's code: every distance computed, all training points
 * sorted, the vote by a comparator over the classes.
 */
final class BruteForceKnn {

    private BruteForceKnn() {
    }

    static double squaredDistance(FloatMatrix a, int i, FloatMatrix b, int j) {
        double sum = 0;
        for (int c = 0; c < a.cols(); c++) {
            double difference = (double) a.get(i, c) - b.get(j, c);
            sum += difference * difference;
        }
        return sum;
    }

    /** The k nearest training rows to test row q, by (distance, row). */
    static int[] nearest(FloatMatrix train, FloatMatrix test, int q, int k) {
        return IntStream.range(0, train.rows()).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> squaredDistance(test, q, train, j))
                        .thenComparingInt(j -> j))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    /**
     * The class with the most of the neighbours; among equal counts the one whose neighbours are nearer in sum,
     * then the one with the nearest neighbour.
     */
    static int vote(FloatMatrix train, int[] trainLabels, FloatMatrix test, int q, int[] neighbors) {
        int classes = IntStream.of(trainLabels).max().orElseThrow() + 1;
        int[] votes = new int[classes];
        double[] sums = new double[classes];
        int[] firstRank = new int[classes];
        Arrays.fill(firstRank, Integer.MAX_VALUE);
        for (int r = 0; r < neighbors.length; r++) {
            int label = trainLabels[neighbors[r]];
            votes[label]++;
            // the graph's distances are floats; sum what the stage sums
            sums[label] += (float) Math.sqrt(squaredDistance(test, q, train, neighbors[r]));
            firstRank[label] = Math.min(firstRank[label], r);
        }
        return IntStream.range(0, classes).filter(c -> votes[c] > 0).boxed()
                .min(Comparator.<Integer>comparingInt(c -> -votes[c])
                        .thenComparingDouble(c -> sums[c])
                        .thenComparingInt(c -> firstRank[c]))
                .orElseThrow();
    }

    /** Test points of each class predicted right by the kNN with k neighbours. */
    static int[] correctPerClass(FloatMatrix train, int[] trainLabels, FloatMatrix test, int[] testLabels, int k,
                                 int classes) {
        int[] correct = new int[classes];
        for (int q = 0; q < test.rows(); q++) {
            if (vote(train, trainLabels, test, q, nearest(train, test, q, k)) == testLabels[q]) {
                correct[testLabels[q]]++;
            }
        }
        return correct;
    }
}

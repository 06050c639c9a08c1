package dev.layerscope.reduce.tsne;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TSneAffinitiesTest {

    /**
     * A graph whose rows are random ascending distances on very different scales (from about 0.01 to 1000), so the
     * search has to go far in both directions; the neighbour indices are the next k points round a ring.
     */
    private static NeighborGraph randomGraph(int n, int k, long seed) {
        Random random = new Random(seed);
        int[] indices = new int[n * k];
        float[] distances = new float[n * k];
        for (int i = 0; i < n; i++) {
            double scale = Math.pow(10, -2 + 5 * random.nextDouble());
            float[] row = new float[k];
            for (int r = 0; r < k; r++) {
                row[r] = (float) (scale * (1 + random.nextDouble()));
                indices[i * k + r] = (i + 1 + r) % n;
            }
            Arrays.sort(row);
            System.arraycopy(row, 0, distances, i * k, k);
        }
        return new NeighborGraph(n, k, indices, distances);
    }

    @Test
    void eachRowHasTheEntropyOfThePerplexity() {
        int k = 90;
        NeighborGraph graph = randomGraph(300, k, 1);
        for (double perplexity : new double[] {5, 30}) {
            double[] p;
            try (Parallel parallel = new Parallel(2)) {
                p = GaussianAffinities.conditional(graph, k, perplexity, parallel);
            }
            for (int i = 0; i < graph.size(); i++) {
                double sum = 0;
                double entropy = 0;
                for (int r = 0; r < k; r++) {
                    double pr = p[i * k + r];
                    sum += pr;
                    entropy -= pr > 0 ? pr * Math.log(pr) : 0;
                }
                assertEquals(1, sum, 1e-12, "row " + i + " sums to 1");
                assertEquals(Math.log(perplexity), entropy, 1e-4, "entropy of row " + i);
            }
        }
    }

    /** Each joint affinity is (p(j|i) + p(i|j)) / 2n, the matrix is symmetric and its entries sum to 1. */
    @Test
    void jointAffinitiesAreTheSymmetrisedConditionalOnes() {
        int k = 15;
        int n = 200;
        NeighborGraph graph = randomGraph(n, k, 2);
        double[] conditional;
        try (Parallel parallel = new Parallel(1)) {
            conditional = GaussianAffinities.conditional(graph, k, 5, parallel);
        }
        SparseAffinities joint = GaussianAffinities.symmetric(graph, k, conditional);
        double[][] expected = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < k; r++) {
                int j = graph.neighbor(i, r);
                expected[i][j] += conditional[i * k + r] / (2.0 * n);
                expected[j][i] += conditional[i * k + r] / (2.0 * n);
            }
        }
        double[][] actual = new double[n][n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int e = joint.rowStart()[i]; e < joint.rowStart()[i + 1]; e++) {
                assertEquals(0, actual[i][joint.columns()[e]], "column " + joint.columns()[e] + " twice in row " + i);
                actual[i][joint.columns()[e]] = joint.values()[e];
                total += joint.values()[e];
            }
        }
        // each value is summed in double and rounded to float once: within one float ulp of the double sum
        assertEquals(1, total, 1e-6);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float ulp = Math.ulp((float) expected[i][j]);
                assertEquals(expected[i][j], actual[i][j], ulp, "P[" + i + "][" + j + "]");
                assertEquals(actual[j][i], actual[i][j], ulp, "symmetry at " + i + ", " + j);
            }
        }
    }
}

package dev.layerscope.reduce.tsne;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.reduce.SyntheticBlobs;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TSneTest {

    private static final int CLUSTERS = 5;
    private static final int DIMENSIONS = 50;

    private static NeighborGraph graph(FloatMatrix data, int k) {
        try (Parallel parallel = new Parallel(2)) {
            return ExactNeighbors.of(data, k, parallel);
        }
    }

    private static TSne.Options options(int iterations, long seed) {
        return new TSne.Options(30, iterations, 12, Math.min(250, iterations), 0, 0.5, seed, 2);
    }

    @Test
    void separatedClustersStaySeparated() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 200, DIMENSIONS, 1);
        TSne tsne = TSne.fit(blobs.data(), graph(blobs.data(), 90), options(1000, 0));
        FloatMatrix embedding = tsne.embedding();
        double accuracy = SyntheticBlobs.leaveOneOutAccuracy(embedding, blobs.labels(), 5);
        assertTrue(accuracy > 0.95, "leave-one-out 5-NN accuracy in 2-D is " + accuracy);
        assertTrue(tsne.klDivergence() > 0 && tsne.klDivergence() < 2, "KL divergence " + tsne.klDivergence());
    }

    /**
     * With theta 0 the tree is exact, so the reported KL divergence must be the one over all pairs (a pair without
     * affinity adds nothing: 0 log 0 = 0).
     */
    @Test
    void klDivergenceIsTheOneOfTheFinalEmbedding() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 30, DIMENSIONS, 5);
        int n = blobs.data().rows();
        NeighborGraph graph = graph(blobs.data(), 45);
        TSne tsne = TSne.fit(blobs.data(), graph, new TSne.Options(15, 300, 12, 100, 0, 0, 0, 2));
        SparseAffinities p;
        try (Parallel parallel = new Parallel(1)) {
            p = GaussianAffinities.symmetric(graph, 45, GaussianAffinities.conditional(graph, 45, 15, parallel));
        }
        FloatMatrix y = tsne.embedding();
        double z = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                z += i == j ? 0 : 1 / (1 + y.squaredDistance(i, y, j));
            }
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            for (int e = p.rowStart()[i]; e < p.rowStart()[i + 1]; e++) {
                double q = 1 / (1 + y.squaredDistance(i, y, p.columns()[e])) / z;
                kl += p.values()[e] > 0 ? p.values()[e] * Math.log(p.values()[e] / q) : 0;
            }
        }
        assertEquals(kl, tsne.klDivergence(), 1e-4 * kl);
    }

    /** Also across thread counts: every point's gradient is its own and every sum runs in point order. */
    @Test
    void theSameSeedGivesTheSameBits() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 60, DIMENSIONS, 2);
        NeighborGraph graph = graph(blobs.data(), 90);
        float[] first = TSne.fit(blobs.data(), graph, options(300, 7)).embedding().values();
        float[] second = TSne.fit(blobs.data(), graph, options(300, 7)).embedding().values();
        TSne.Options oneThread = new TSne.Options(30, 300, 12, 250, 0, 0.5, 7, 1);
        float[] third = TSne.fit(blobs.data(), graph, oneThread).embedding().values();
        assertArrayEquals(first, second);
        assertArrayEquals(first, third);
    }

    /** One column gives PCA no second component, so the start is random: the seed must decide it. */
    @Test
    void aSingleColumnStartsFromTheSeed() {
        Random random = new Random(6);
        float[] values = new float[150];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (10 * (i % 3) + random.nextGaussian());
        }
        FloatMatrix data = new FloatMatrix(values.length, 1, values);
        NeighborGraph graph = graph(data, 30);
        TSne.Options seed1 = new TSne.Options(10, 100, 12, 50, 0, 0.5, 1, 2);
        TSne.Options seed2 = new TSne.Options(10, 100, 12, 50, 0, 0.5, 2, 2);
        float[] first = TSne.fit(data, graph, seed1).embedding().values();
        assertArrayEquals(first, TSne.fit(data, graph, seed1).embedding().values());
        assertFalse(Arrays.equals(first, TSne.fit(data, graph, seed2).embedding().values()));
    }

    @Test
    void heldOutPointsLandInTheirClusters() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 200, DIMENSIONS, 3);
        int n = blobs.data().rows();
        int trainSize = n * 4 / 5;
        int[] trainRows = new int[trainSize];
        int[] testRows = new int[n - trainSize];
        int[] trainLabels = new int[trainSize];
        int[] testLabels = new int[n - trainSize];
        for (int i = 0; i < n; i++) {
            if (i < trainSize) {
                trainRows[i] = i;
                trainLabels[i] = blobs.labels()[i];
            } else {
                testRows[i - trainSize] = i;
                testLabels[i - trainSize] = blobs.labels()[i];
            }
        }
        FloatMatrix train = blobs.data().rows(trainRows);
        FloatMatrix test = blobs.data().rows(testRows);
        TSne tsne = TSne.fit(train, graph(train, 90), options(1000, 0));
        NeighborGraph toTrain;
        try (Parallel parallel = new Parallel(2)) {
            toTrain = ExactNeighbors.query(train, test, 15, parallel);
        }
        FloatMatrix placed = tsne.transform(toTrain, TSne.TransformOptions.defaults());
        double accuracy = SyntheticBlobs.accuracy(tsne.embedding(), trainLabels, placed, testLabels, 5);
        assertTrue(accuracy > 0.9, "5-NN accuracy of the held-out points is " + accuracy);
    }

    @Test
    void impossibleSettingsAreRejectedWithWhatToChange() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 12, DIMENSIONS, 4);
        FloatMatrix data = blobs.data();
        NeighborGraph graph = graph(data, 30);
        String message = assertThrows(IllegalArgumentException.class,
                () -> TSne.fit(data, graph, options(10, 0))).getMessage();
        assertTrue(message.contains("needs more than 90.0 points") && message.contains("lower perplexity"),
                message);

        TSne.Options perplexity5 = new TSne.Options(5, 10, 12, 5, 0, 0.5, 0, 1);
        message = assertThrows(IllegalArgumentException.class,
                () -> TSne.fit(data, graph.truncate(10), perplexity5)).getMessage();
        assertTrue(message.contains("needs 15 neighbours") && message.contains("graph has 10"), message);

        float[] values = data.values().clone();
        values[7] = Float.NaN;
        message = assertThrows(IllegalArgumentException.class,
                () -> TSne.fit(new FloatMatrix(data.rows(), data.cols(), values), graph, perplexity5)).getMessage();
        assertTrue(message.contains("not finite"), message);

        message = assertThrows(IllegalArgumentException.class,
                () -> new TSne.Options(30, 100, 12, 250, 0, 0.5, 0, 1)).getMessage();
        assertTrue(message.contains("exaggerationIterations must be between 0 and iterations"), message);
    }
}

package dev.layerscope.reduce.tsne;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
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
        return options(30, iterations, Math.min(250, iterations), 0.5, seed);
    }

    private static TSne.Options options(int iterations, long seed, TSne.Gradient gradient) {
        return new TSne.Options(30, iterations, 12, Math.min(250, iterations), 0, gradient, 0.5, seed,
                TSne.TransformOptions.defaults());
    }

    private static TSne.Options options(double perplexity, int iterations, int exaggerated, double theta, long seed) {
        return new TSne.Options(perplexity, iterations, 12, exaggerated, 0, TSne.Gradient.BARNES_HUT, theta, seed,
                TSne.TransformOptions.defaults());
    }

    /** Small maps on small grids (10 boxes at least, not openTSNE's 50), so that the FFT tests run fast. */
    private static TSne fit(FloatMatrix data, NeighborGraph graph, TSne.Options options, int threads) {
        try (Parallel parallel = new Parallel(threads)) {
            return TSne.fit(data, graph, options, parallel, 10);
        }
    }

    @Test
    void separatedClustersStaySeparated() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 200, DIMENSIONS, 1);
        TSne tsne = fit(blobs.data(), graph(blobs.data(), 90), options(1000, 0), 2);
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
        TSne tsne = fit(blobs.data(), graph, options(15, 300, 100, 0, 0), 2);
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

    /**
     * Also across thread counts, for each way of computing the repulsion: every point's gradient is its own and
     * every sum runs in point order.
     */
    @Test
    void theSameSeedGivesTheSameBits() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 60, DIMENSIONS, 2);
        NeighborGraph graph = graph(blobs.data(), 90);
        for (TSne.Gradient gradient : new TSne.Gradient[] {TSne.Gradient.BARNES_HUT, TSne.Gradient.FFT}) {
            TSne.Options options = options(300, 7, gradient);
            float[] first = fit(blobs.data(), graph, options, 2).embedding().values();
            float[] second = fit(blobs.data(), graph, options, 2).embedding().values();
            float[] third = fit(blobs.data(), graph, options, 1).embedding().values();
            float[] fourth = fit(blobs.data(), graph, options, 3).embedding().values();
            assertArrayEquals(first, second, gradient.toString());
            assertArrayEquals(first, third, gradient.toString());
            assertArrayEquals(first, fourth, gradient.toString());
        }
    }

    /**
     * The two repulsions approximate one gradient: the interpolated map must separate the clusters as well and
     * reach about the same KL divergence (the objective both descend).
     */
    @Test
    void fftAndBarnesHutReachTheSameObjective() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 200, DIMENSIONS, 1);
        NeighborGraph graph = graph(blobs.data(), 90);
        TSne tree = fit(blobs.data(), graph, options(1000, 0, TSne.Gradient.BARNES_HUT), 2);
        TSne interpolated = fit(blobs.data(), graph, options(1000, 0, TSne.Gradient.FFT), 2);
        double accuracy = SyntheticBlobs.leaveOneOutAccuracy(interpolated.embedding(), blobs.labels(), 5);
        assertTrue(accuracy > 0.95, "leave-one-out 5-NN accuracy in 2-D is " + accuracy);
        assertEquals(tree.klDivergence(), interpolated.klDivergence(), 0.05 * tree.klDivergence(),
                "KL divergence by FFT against Barnes-Hut's");
    }

    /** auto takes the tree below {@link TSne#FFT_FROM} points and the grid from there on; the others stay. */
    @Test
    void autoChoosesTheRepulsionBySize() {
        assertEquals(TSne.Gradient.BARNES_HUT, TSne.Gradient.AUTO.forSize(TSne.FFT_FROM - 1));
        assertEquals(TSne.Gradient.AUTO, TSne.Gradient.AUTO.forSize(TSne.FFT_FROM));
        // from FFT_FROM points on, each evaluation by the cheaper: at 50,000 points the FFT up to 1,024 x 1,024
        // transform cells (a map up to 170 boxes a side), the tree beyond; a million points afford 4,096 x 4,096
        assertTrue(CheaperRepulsion.fftCheaper(50_000, 1024L * 1024));
        assertFalse(CheaperRepulsion.fftCheaper(50_000, 2048L * 1024));
        assertTrue(CheaperRepulsion.fftCheaper(1_000_000, 4096L * 4096));
        assertEquals(1024L * 1024, InterpolatedRepulsion.transformCells(170, 100, InterpolatedRepulsion.MIN_BOXES));
        assertEquals(2048L * 1024, InterpolatedRepulsion.transformCells(171, 100, InterpolatedRepulsion.MIN_BOXES));
        assertEquals(TSne.Gradient.BARNES_HUT, TSne.Gradient.BARNES_HUT.forSize(TSne.FFT_FROM));
        assertEquals(TSne.Gradient.FFT, TSne.Gradient.FFT.forSize(10));
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 40, DIMENSIONS, 3);
        NeighborGraph graph = graph(blobs.data(), 90);
        assertArrayEquals(fit(blobs.data(), graph, options(100, 1, TSne.Gradient.BARNES_HUT), 2).embedding().values(),
                fit(blobs.data(), graph, options(100, 1, TSne.Gradient.AUTO), 2).embedding().values(),
                "a small map with auto is the tree's, bit for bit");
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
        TSne.Options seed1 = options(10, 100, 50, 0.5, 1);
        TSne.Options seed2 = options(10, 100, 50, 0.5, 2);
        float[] first = fit(data, graph, seed1, 2).embedding().values();
        assertArrayEquals(first, fit(data, graph, seed1, 2).embedding().values());
        assertFalse(Arrays.equals(first, fit(data, graph, seed2, 2).embedding().values()));
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
        TSne tsne = fit(train, graph(train, 90), options(1000, 0), 2);
        FloatMatrix placed;
        try (Parallel parallel = new Parallel(2)) {
            placed = tsne.transform(ExactNeighbors.query(train, test, 15, parallel), parallel);
        }
        double accuracy = SyntheticBlobs.accuracy(tsne.embedding(), trainLabels, placed, testLabels, 5);
        assertTrue(accuracy > 0.9, "5-NN accuracy of the held-out points is " + accuracy);
    }

    @Test
    void impossibleSettingsAreRejectedWithWhatToChange() {
        SyntheticBlobs blobs = SyntheticBlobs.of(CLUSTERS, 12, DIMENSIONS, 4);
        FloatMatrix data = blobs.data();
        NeighborGraph graph = graph(data, 30);
        InvalidSetting tooFew = assertThrows(InvalidSetting.class, () -> fit(data, graph, options(10, 0), 2));
        assertEquals("perplexity", tooFew.key());
        assertEquals("perplexity = 30 needs more than 90 points (3 x perplexity), got 60; lower perplexity or map "
                + "more points", tooFew.getMessage());

        TSne.Options perplexity5 = options(5, 10, 5, 0.5, 0);
        String message = assertThrows(IllegalArgumentException.class,
                () -> fit(data, graph.truncate(10), perplexity5, 1)).getMessage();
        assertTrue(message.contains("needs 15 neighbours") && message.contains("graph has 10"), message);

        float[] values = data.values().clone();
        values[7] = Float.NaN;
        message = assertThrows(IllegalArgumentException.class,
                () -> fit(new FloatMatrix(data.rows(), data.cols(), values), graph, perplexity5, 1)).getMessage();
        assertTrue(message.contains("not finite"), message);
    }

    /** The options are what the experiment binds: each rule names its key, as the experiment spells it. */
    @Test
    void everyRuleOfTheOptionsNamesItsKey() {
        InvalidSetting longer = assertThrows(InvalidSetting.class, () -> options(30, 200, 250, 0.5, 0));
        assertEquals("exaggeration-iterations", longer.key());
        assertEquals("250 exaggerated steps cannot be more than the 200 steps in all (iterations); lower "
                + "exaggeration-iterations or raise iterations", longer.getMessage());
        InvalidSetting perplexity = assertThrows(InvalidSetting.class, () -> options(0.5, 100, 50, 0.5, 0));
        assertEquals("perplexity", perplexity.key());
        assertEquals("0.5 is out of range; allowed: 1 <= value", perplexity.getMessage());
        assertEquals("theta", assertThrows(InvalidSetting.class, () -> options(30, 100, 50, Double.NaN, 0)).key());
        assertEquals("iterations", assertThrows(InvalidSetting.class,
                () -> new TSne.TransformOptions(5, 0)).key());

        InvalidSetting placing = assertThrows(InvalidSetting.class,
                () -> new TSne.Options(5, 100, 12, 50, 0, TSne.Gradient.BARNES_HUT, 0.5, 0, new TSne.TransformOptions(10, 250)).checkSize(20));
        assertEquals("transform.perplexity", placing.key());
        assertTrue(placing.getMessage().contains("needs more than 30 points"), placing.getMessage());
    }
}

package dev.layerscope.reduce.umap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.reduce.SyntheticBlobs;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UmapTest {

    private static final int DIMENSIONS = 50;

    private static NeighborGraph graphOf(FloatMatrix data, int k) {
        try (Parallel parallel = new Parallel(2)) {
            return ExactNeighbors.of(data, k, parallel);
        }
    }

    private static Umap fit(FloatMatrix data, NeighborGraph graph, Umap.Options options, int threads) {
        try (Parallel parallel = new Parallel(threads)) {
            return Umap.fit(data, graph, options, parallel);
        }
    }

    @Test
    void smoothKnnDistHitsLog2OfNeighborsAndRhoIsTheNearestDistance() {
        Random random = new Random(1);
        float[] values = new float[400 * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        NeighborGraph graph = graphOf(new FloatMatrix(400, 5, values), 14);
        FuzzySets.Bandwidths bandwidths = FuzzySets.smoothKnnDist(graph, 14, true, 15, 1.0);
        for (int i = 0; i < graph.size(); i++) {
            assertEquals(graph.distance(i, 0), bandwidths.rho()[i], 1e-6, "rho of point " + i);
            double sum = 0;
            for (int r = 0; r < 14; r++) {
                sum += FuzzySets.membership(graph, bandwidths, i, r);
            }
            assertEquals(Math.log(15) / Math.log(2), sum, 1e-3, "membership sum of point " + i);
        }
    }

    @Test
    void aPointWhoseNeighboursAllLieOnItHasRhoZeroAlsoWithoutLocalConnectivity() {
        // point 0's three neighbours are at distance 0 (a dead layer maps many images to the same values); point 1's
        // are not; transform asks for local connectivity 0
        NeighborGraph graph = new NeighborGraph(2, 3, new int[] {1, 2, 3, 0, 2, 3}, new float[] {0, 0, 0, 1, 2, 3});
        FuzzySets.Bandwidths bandwidths = FuzzySets.smoothKnnDist(graph, 3, false, 3, 0.0);
        assertEquals(0, bandwidths.rho()[0]);
        assertEquals(0, bandwidths.rho()[1], "local connectivity 0 subtracts nothing");
        assertTrue(bandwidths.sigma()[0] > 0 && bandwidths.sigma()[1] > 0);
    }

    @Test
    void abCurveMatchesUmapLearnForItsDefaults() {
        double[] ab = Umap.findAB(0.1, 1.0);
        // umap-learn 0.5: find_ab_params(1.0, 0.1) = (1.5769434604, 0.8950608781)
        assertEquals(1.5769, ab[0], 0.01);
        assertEquals(0.8951, ab[1], 0.005);
    }

    @Test
    void separatedBlobsStaySeparated() {
        SyntheticBlobs blobs = SyntheticBlobs.of(5, 200, DIMENSIONS, 2);
        Umap umap = fit(blobs.data(), graphOf(blobs.data(), 14), Umap.Options.defaults(), 2);
        FloatMatrix embedding = umap.embedding();
        assertEquals(1000, embedding.rows());
        assertEquals(2, embedding.cols());
        assertTrue(embedding.firstNonFinite() == null);
        double accuracy = SyntheticBlobs.leaveOneOutAccuracy(embedding, blobs.labels(), 5);
        assertTrue(accuracy > 0.95, "5-NN accuracy in 2-D " + accuracy);
    }

    @Test
    void sameSeedGivesTheSameEmbeddingForAnyThreadCount() {
        // more points than two chunks of the layout, so that the threads share an epoch's chunks
        SyntheticBlobs blobs = SyntheticBlobs.of(3, 700, DIMENSIONS, 3);
        assertTrue(blobs.data().rows() > 2 * Layout.CHUNK_VERTICES);
        NeighborGraph graph = graphOf(blobs.data(), 14);
        Umap.Options options = Umap.Options.defaults().withEpochs(60);
        float[] first = fit(blobs.data(), graph, options, 2).embedding().values();
        float[] again = fit(blobs.data(), graph, options, 2).embedding().values();
        float[] oneThread = fit(blobs.data(), graph, options, 1).embedding().values();
        float[] threeThreads = fit(blobs.data(), graph, options, 3).embedding().values();
        float[] otherSeed = fit(blobs.data(), graph, options.withSeed(7), 2).embedding().values();
        assertArrayEquals(first, again);
        assertArrayEquals(first, oneThread);
        assertArrayEquals(first, threeThreads);
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(otherSeed));
    }

    @Test
    void transformPlacesHeldOutPointsWithTheirBlob() {
        SyntheticBlobs blobs = SyntheticBlobs.of(5, 240, DIMENSIONS, 4);
        int[] trainRows = new int[1000];
        int[] testRows = new int[200];
        for (int i = 0, train = 0, test = 0; i < 1200; i++) {
            if (i < 1000) {
                trainRows[train++] = i;
            } else {
                testRows[test++] = i;
            }
        }
        FloatMatrix train = blobs.data().rows(trainRows);
        FloatMatrix test = blobs.data().rows(testRows);
        int[] trainLabels = java.util.Arrays.copyOf(blobs.labels(), 1000);
        int[] testLabels = java.util.Arrays.copyOfRange(blobs.labels(), 1000, 1200);
        Umap umap = fit(train, graphOf(train, 14), Umap.Options.defaults(), 2);
        FloatMatrix placed;
        try (Parallel parallel = new Parallel(2)) {
            placed = umap.transform(ExactNeighbors.query(train, test, 15, parallel), parallel);
        }
        assertEquals(200, placed.rows());
        double accuracy = SyntheticBlobs.accuracy(umap.embedding(), trainLabels, placed, testLabels, 5);
        assertTrue(accuracy > 0.9, "5-NN accuracy of transformed points " + accuracy);
    }

    @Test
    void impossibleSettingsAreRejectedWithWhatToChange() {
        Umap.Options defaults = Umap.Options.defaults();
        assertEquals("neighbors", assertThrows(InvalidSetting.class, () -> defaults.withNeighbors(1)).key());
        InvalidSetting minDist = assertThrows(InvalidSetting.class,
                () -> new Umap.Options(15, 2.0, 1.0, 0, 1, 5, 1, 1, 0));
        assertEquals("min-dist", minDist.key());
        assertEquals("min-dist = 2 is larger than spread = 1; keep min-dist <= spread", minDist.getMessage());
        assertEquals("spread", assertThrows(InvalidSetting.class,
                () -> new Umap.Options(15, 0.1, Double.NaN, 0, 1, 5, 1, 1, 0)).key());

        SyntheticBlobs blobs = SyntheticBlobs.of(2, 10, DIMENSIONS, 5);
        NeighborGraph graph = graphOf(blobs.data(), 5);
        InvalidSetting tooMany = assertThrows(InvalidSetting.class,
                () -> fit(blobs.data(), graph, defaults.withNeighbors(21), 1));
        assertEquals("neighbors", tooMany.key());
        assertTrue(tooMany.getMessage().contains("got 20; lower neighbors"), tooMany.getMessage());
        IllegalArgumentException shortGraph = assertThrows(IllegalArgumentException.class,
                () -> fit(blobs.data(), graph, defaults.withNeighbors(7), 1));
        assertTrue(shortGraph.getMessage().contains("k = 5"), shortGraph.getMessage());

        float[] values = blobs.data().values().clone();
        values[3] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> fit(new FloatMatrix(20, DIMENSIONS, values), graph, defaults.withNeighbors(6), 1));
        assertTrue(nan.getMessage().contains("not finite"), nan.getMessage());
        float[] distances = graph.distances().clone();
        distances[0] = Float.POSITIVE_INFINITY;
        NeighborGraph infinite = new NeighborGraph(20, 5, graph.indices(), distances);
        assertThrows(IllegalArgumentException.class, () -> fit(blobs.data(), infinite, defaults.withNeighbors(6), 1));

        Umap umap = fit(blobs.data(), graph, defaults.withNeighbors(6), 1);
        IllegalArgumentException fewTrain;
        try (Parallel parallel = new Parallel(1)) {
            fewTrain = assertThrows(IllegalArgumentException.class, () -> umap.transform(graph, parallel));
        }
        assertTrue(fewTrain.getMessage().contains("query more neighbours"), fewTrain.getMessage());
    }
}

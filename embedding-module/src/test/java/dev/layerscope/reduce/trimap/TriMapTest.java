package dev.layerscope.reduce.trimap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.reduce.SyntheticBlobs;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TriMapTest {

    private static final TriMap.Options OPTIONS = new TriMap.Options(12, 4, 3, 0.5, 0.1, 400, 100, 7);

    private static TriMap fit(FloatMatrix data, NeighborGraph graph, TriMap.Options options, int threads) {
        try (Parallel parallel = new Parallel(threads)) {
            return TriMap.fit(data, graph, options, parallel);
        }
    }

    private static NeighborGraph graph(FloatMatrix data, TriMap.Options options) {
        try (Parallel parallel = new Parallel(2)) {
            return ExactNeighbors.of(data, TriMap.neighborsNeeded(options, data.rows()), parallel);
        }
    }

    /**
     * Checks the triplets against scaled distances computed here from scratch: sigma from the 3rd-5th nearest other
     * points, inliers the {@code inliers} smallest {@code d^2 / (sigma_i sigma_j)} among the 61 nearest.
     */
    @Test
    void tripletSamplingFollowsItsSettings() {
        SyntheticBlobs blobs = SyntheticBlobs.of(3, 100, 10, 1);
        FloatMatrix data = blobs.data();
        int n = data.rows();
        int candidates = TriMap.neighborsNeeded(OPTIONS, n);
        assertEquals(61, candidates);
        double[][] distance = new double[n][n];
        double[] sigma = new double[n];
        int[][] nearest = new int[n][];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                distance[i][j] = Math.sqrt(data.squaredDistance(i, data, j));
            }
            int anchor = i;
            nearest[i] = java.util.stream.IntStream.range(0, n).filter(j -> j != anchor).boxed()
                    .sorted((a, b) -> Double.compare(distance[anchor][a], distance[anchor][b]))
                    .mapToInt(Integer::intValue).toArray();
            sigma[i] = (distance[i][nearest[i][2]] + distance[i][nearest[i][3]] + distance[i][nearest[i][4]]) / 3;
        }
        double[][] scaled = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                scaled[i][j] = distance[i][j] * distance[i][j] / (sigma[i] * sigma[j]);
            }
        }
        Triplets triplets;
        try (Parallel parallel = new Parallel(2)) {
            triplets = TriMap.prepare(data, graph(data, OPTIONS), OPTIONS, parallel).triplets();
        }
        int perPoint = OPTIONS.inliers() * OPTIONS.outliers();
        assertEquals(n * (perPoint + OPTIONS.random()), triplets.count());
        assertEquals(n * perPoint, triplets.neighborTriplets);
        int[] p = triplets.points;
        for (int i = 0; i < n; i++) {
            int anchor = i;
            Set<Integer> expected = new HashSet<>();
            Arrays.stream(nearest[i], 0, candidates).boxed()
                    .sorted((a, b) -> Double.compare(scaled[anchor][a], scaled[anchor][b]))
                    .limit(OPTIONS.inliers()).forEach(expected::add);
            Set<Integer> similar = new HashSet<>();
            for (int t = i * perPoint; t < (i + 1) * perPoint; t++) {
                assertEquals(i, p[3 * t]);
                similar.add(p[3 * t + 1]);
                assertFalse(expected.contains(p[3 * t + 2]), "outlier among the inliers");
                assertNotEquals(i, p[3 * t + 2]);
            }
            assertEquals(expected, similar);
            for (int group = i * perPoint; group < (i + 1) * perPoint; group += OPTIONS.outliers()) {
                Set<Integer> outliers = new HashSet<>();
                for (int t = group; t < group + OPTIONS.outliers(); t++) {
                    outliers.add(p[3 * t + 2]);
                }
                assertEquals(OPTIONS.outliers(), outliers.size(), "outliers of one inlier repeat");
            }
        }
        for (int t = triplets.neighborTriplets; t < triplets.count(); t++) {
            int i = p[3 * t];
            assertEquals((t - triplets.neighborTriplets) / OPTIONS.random(), i);
            assertTrue(p[3 * t + 1] != i && p[3 * t + 2] != i && p[3 * t + 1] != p[3 * t + 2]);
            assertTrue(scaled[i][p[3 * t + 1]] <= scaled[i][p[3 * t + 2]] * (1 + 1e-5), "random pair not ordered");
        }
        float[] weights = triplets.weights(triplets.minimumRawWeight(), OPTIONS.weightTemperature());
        int zero = 0;
        for (float w : weights) {
            assertTrue(Float.isFinite(w) && w >= 0, "weight " + w);
            zero += w == 0 ? 1 : 0;
        }
        assertEquals(1, zero, "only the least important triplet (the shift's origin) weighs 0");
    }

    /**
     * 20 blobs, not 5: two principal coordinates of 5 separated blobs already separate them, so the initial
     * embedding alone would pass; those of 20 blobs mix them (5-NN accuracy 0.90 at the start), so only the
     * triplet optimisation gets this above 0.95.
     */
    @Test
    void separatedBlobsStaySeparated() {
        SyntheticBlobs blobs = SyntheticBlobs.of(20, 50, 50, 2);
        TriMap trimap = fit(blobs.data(), graph(blobs.data(), OPTIONS), OPTIONS, 2);
        FloatMatrix embedding = trimap.embedding();
        assertEquals(1000, embedding.rows());
        assertEquals(2, embedding.cols());
        assertTrue(Double.isFinite(trimap.loss()));
        double accuracy = SyntheticBlobs.leaveOneOutAccuracy(embedding, blobs.labels(), 5);
        assertTrue(accuracy > 0.95, "5-NN accuracy " + accuracy);
    }

    /** 120-D is wider than the 100 PCA dimensions, so this also runs the PCA path. */
    @Test
    void sameSeedAndThreadsGiveTheSameBits() {
        SyntheticBlobs blobs = SyntheticBlobs.of(3, 100, 120, 3);
        NeighborGraph graph = graph(blobs.data(), OPTIONS);
        TriMap.Options short_ = new TriMap.Options(12, 4, 3, 0.5, 0.1, 100, 100, 11);
        float[] first = fit(blobs.data(), graph, short_, 2).embedding().values();
        float[] second = fit(blobs.data(), graph, short_, 2).embedding().values();
        assertArrayEquals(first, second);
        TriMap.Options otherSeed = new TriMap.Options(12, 4, 3, 0.5, 0.1, 100, 100, 12);
        assertFalse(Arrays.equals(first, fit(blobs.data(), graph, otherSeed, 2).embedding().values()));
    }

    @Test
    void heldOutPointsLandInTheirBlobs() {
        SyntheticBlobs blobs = SyntheticBlobs.of(5, 240, 50, 4);
        SyntheticBlobs train = blobs.rows(0, 1000);
        SyntheticBlobs test = blobs.rows(1000, 1200);
        TriMap trimap = fit(train.data(), graph(train.data(), OPTIONS), OPTIONS, 2);
        FloatMatrix placed;
        try (Parallel parallel = new Parallel(2)) {
            NeighborGraph toTrain = ExactNeighbors.query(train.data(), test.data(),
                    TriMap.neighborsNeeded(OPTIONS, 1000), parallel);
            placed = trimap.transform(test.data(), toTrain, parallel);
        }
        assertEquals(200, placed.rows());
        double accuracy = SyntheticBlobs.accuracy(trimap.embedding(), train.labels(), placed, test.labels(), 5);
        assertTrue(accuracy > 0.9, "5-NN accuracy of held-out points " + accuracy);
    }

    @Test
    void impossibleSettingsAreRejected() {
        SyntheticBlobs blobs = SyntheticBlobs.of(2, 10, 5, 5);
        FloatMatrix data = blobs.data();
        NeighborGraph graph = graph(data, OPTIONS);
        FloatMatrix twelve = SyntheticBlobs.of(2, 6, 5, 5).data();
        assertMessage("needs more than 13 points", () -> fit(twelve, graph(twelve, OPTIONS), OPTIONS, 2));
        TriMap.Options few = new TriMap.Options(5, 4, 3, 0.5, 0.1, 10, 100, 0);
        assertMessage("needs " + TriMap.neighborsNeeded(few, 20), () -> fit(data, graph.truncate(5), few, 1));
        TriMap.Options manyOutliers = new TriMap.Options(5, 15, 3, 0.5, 0.1, 10, 100, 0);
        assertMessage("lower outliers", () -> fit(data, graph(data, manyOutliers), manyOutliers, 1));
        float[] values = data.values().clone();
        values[7] = Float.NaN;
        assertMessage("non-finite", () -> fit(new FloatMatrix(20, 5, values), graph, few, 1));
        TriMap fitted = fit(data, graph(data, few), few, 1);
        try (Parallel parallel = new Parallel(1)) {
            assertMessage("fitted on 5 columns", () -> fitted.transform(FloatMatrix.zeros(3, 4), graph, parallel));
        }
    }

    /** The options are what the experiment binds: each rule names its key, as the experiment spells it. */
    @Test
    void everyRuleOfTheOptionsNamesItsKey() {
        assertKey("inliers", () -> new TriMap.Options(0, 4, 3, 0.5, 0.1, 400, 100, 0));
        assertKey("outliers", () -> new TriMap.Options(12, 0, 3, 0.5, 0.1, 400, 100, 0));
        assertKey("random", () -> new TriMap.Options(12, 4, -1, 0.5, 0.1, 400, 100, 0));
        assertKey("weight-temperature", () -> new TriMap.Options(12, 4, 3, Double.NaN, 0.1, 400, 100, 0));
        assertKey("learning-rate", () -> new TriMap.Options(12, 4, 3, 0.5, 0, 400, 100, 0));
        assertKey("iterations", () -> new TriMap.Options(12, 4, 3, 0.5, 0.1, 0, 100, 0));
        assertKey("pca-dimensions", () -> new TriMap.Options(12, 4, 3, 0.5, 0.1, 400, 1, 0));
        assertKey("inliers", () -> OPTIONS.checkSize(13));
        assertKey("outliers", () -> new TriMap.Options(5, 15, 3, 0.5, 0.1, 10, 100, 0).checkSize(20));
    }

    private static void assertKey(String key, org.junit.jupiter.api.function.Executable executable) {
        assertEquals(key, assertThrows(InvalidSetting.class, executable).key());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(thrown.getMessage().contains(expected), thrown.getMessage());
    }
}

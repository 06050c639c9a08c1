package dev.layerscope.knn;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.neighbors.NeighborSearch;
import java.util.Collections;
import java.util.List;

/**
 * The {@code knn} section: the neighbour counts of the kNN classifiers, and how the maps' quality is measured.
 * Defaults are in analysis-module's reference.conf.
 *
 * @param k       neighbour counts; each is one classifier fitted on the training split that predicts the test split
 * @param quality trustworthiness, continuity and silhouette of each 2-D test map
 * @param threads CPU threads; 0 takes every core the machine has
 * @param search  the neighbour search in each captured layer: exact up to its hand-over, approximate above
 *                ({@link NeighborSearch}); the 2-D maps are searched exactly, by a k-d tree
 */
@Settings("knn")
public record KnnSettings(List<Integer> k, Quality quality, @Range(min = 0, max = 1024) int threads,
                          NeighborSearch.Options search) {

    public KnnSettings {
        k = List.copyOf(k);
        if (k.isEmpty()) {
            throw new InvalidSetting("k", "name at least one neighbour count, e.g. [3, 5, 10]");
        }
        for (int value : k) {
            if (value < 1) {
                throw new InvalidSetting("k", "k = " + value + " is not a neighbour count; each k must be at least 1");
            }
        }
        if (k.stream().distinct().count() != k.size()) {
            throw new InvalidSetting("k", "names a neighbour count twice: " + k);
        }
    }

    /** The largest k: one neighbour search with it serves every k. */
    public int largestK() {
        return Collections.max(k);
    }

    /** The threads to use: {@code threads}, or every core when it is 0. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /**
     * The quality of each 2-D test map against its high-dimensional input, on one seeded sample of test points
     * shared by every input and map, so that their scores compare.
     *
     * @param neighbors the neighbourhood size of trustworthiness and continuity
     * @param sample    the test points measured; all of them when the test split has fewer. The measures compare
     *                  every pair of sampled points, so the cost grows with its square
     * @param seed      draws the sample
     */
    public record Quality(@Range(min = 1) int neighbors, @Range(min = 3) int sample, long seed) {
        public Quality {
            // trustworthiness normalises by n k (2n - 3k - 1), which scikit-learn defines for k < n / 2
            if (2 * neighbors >= sample) {
                throw new InvalidSetting("neighbors", "neighbors = " + neighbors + " needs a sample of more than "
                        + 2 * neighbors + " points, sample is " + sample);
            }
        }
    }
}

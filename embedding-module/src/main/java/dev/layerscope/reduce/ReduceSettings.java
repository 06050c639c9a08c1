package dev.layerscope.reduce;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.neighbors.NeighborSearch;
import dev.layerscope.reduce.trimap.TriMap;
import dev.layerscope.reduce.tsne.TSne;
import dev.layerscope.reduce.umap.Umap;
import java.util.List;

/**
 * The {@code reduce} section: which captured inputs go to 2-D by which methods, and each method's own settings.
 * Defaults are in embedding-module's reference.conf.
 *
 * @param inputs        captured layers to reduce ({@code input} is the raw pixels); empty means every captured one
 * @param methods       the methods, each run on every input
 * @param testPlacement how the test split gets its 2-D points: {@code transform} places them into the map fitted on
 *                      the training split (so kNN from train to test measures the map); {@code separate} fits a
 *                      second map on the test split alone, as the reference notebook did
 * @param threads       CPU threads for the reducers; 0 takes every core the machine has
 * @param neighbors     the neighbour search all methods share
 * @param tsne          t-SNE's options, which {@link TSne#fit} takes as they are
 * @param umap          UMAP's options, which {@link Umap#fit} takes as they are
 * @param trimap        TriMAP's options, which {@link TriMap#fit} takes as they are
 * @param projector     the TensorBoard Embedding Projector files
 */
@Settings("reduce")
public record ReduceSettings(List<String> inputs, List<Method> methods, Placement testPlacement,
                             @Range(min = 0, max = 1024) int threads, Neighbors neighbors, TSne.Options tsne,
                             Umap.Options umap, TriMap.Options trimap, Projector projector) {

    public enum Method { PCA, TSNE, UMAP, TRIMAP }

    public enum Placement { TRANSFORM, SEPARATE }

    public ReduceSettings {
        inputs = List.copyOf(inputs);
        methods = List.copyOf(methods);
        if (methods.isEmpty()) {
            throw new InvalidSetting("methods", "name at least one method: pca, tsne, umap, trimap");
        }
        if (methods.stream().distinct().count() != methods.size()) {
            throw new InvalidSetting("methods", "names a method twice: " + methods);
        }
    }

    /** The threads to use: {@code threads}, or every core when it is 0. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /**
     * The shared neighbour search.
     *
     * @param projection inputs wider than this are searched in their leading {@code projection} principal
     *                   components first, and twice the neighbours needed are then ranked by their exact distance
     *                   (an approximate search, like umap-learn's); 0 searches every input in itself
     * @param search     where the exact search hands over to the approximate one, and how that one runs
     */
    public record Neighbors(@Range(min = 0) int projection, NeighborSearch.Options search) {

        /**
         * What a map of {@code trainPoints} training points depends on of these settings: the search's settings
         * only when it is approximate for so many points (an exact search's result does not depend on them, so
         * maps made before the hand-over existed are still reused).
         */
        public String identity(int trainPoints) {
            return "Neighbors[projection=" + projection + "]"
                    + (search.approximate(trainPoints) ? " search=" + search : "");
        }
    }

    /**
     * TensorBoard's Embedding Projector files, for the test split.
     *
     * @param enabled   whether to write them
     * @param maxPoints the most test points written (the projector runs in a browser)
     */
    public record Projector(boolean enabled, @Range(min = 1) int maxPoints) {
    }
}

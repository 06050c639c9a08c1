package dev.layerscope.reduce;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
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
 * @param tsne          t-SNE's settings
 * @param umap          UMAP's settings
 * @param trimap        TriMAP's settings
 * @param projector     the TensorBoard Embedding Projector files
 */
@Settings("reduce")
public record ReduceSettings(List<String> inputs, List<Method> methods, Placement testPlacement,
                             @Range(min = 0, max = 1024) int threads, Neighbors neighbors, Tsne tsne, Umap umap,
                             Trimap trimap, Projector projector) {

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
     *                   (an approximate search, like umap-learn's); 0 searches every input exactly
     */
    public record Neighbors(@Range(min = 0) int projection) {
    }

    /**
     * t-SNE (Barnes-Hut), with scikit-learn's defaults.
     *
     * @param perplexity             the effective number of neighbours; needs more than 3 x perplexity points
     * @param iterations             optimisation steps in all
     * @param earlyExaggeration      the factor on the attractive forces during the first steps
     * @param exaggerationIterations how many steps are exaggerated
     * @param learningRate           the step size; 0 chooses max(n / early-exaggeration / 4, 50)
     * @param theta                  Barnes-Hut accuracy: 0 is exact, larger is faster and coarser
     * @param seed                   seeds the optimisation
     * @param transform              placing test points into the training map
     */
    public record Tsne(@Range(min = 1) double perplexity, @Range(min = 1) int iterations,
                       @Range(min = 1) double earlyExaggeration, @Range(min = 0) int exaggerationIterations,
                       @Range(min = 0) double learningRate, @Range(min = 0, max = 1) double theta, long seed,
                       TsneTransform transform) {
    }

    /**
     * openTSNE's placement of new points into a fixed t-SNE map.
     *
     * @param perplexity the new points' perplexity towards their training neighbours
     * @param iterations optimisation steps
     */
    public record TsneTransform(@Range(min = 1) double perplexity, @Range(min = 1) int iterations) {
    }

    /**
     * UMAP, with umap-learn's defaults.
     *
     * @param neighbors            the local neighbourhood size, counting the point itself
     * @param minDist              how tightly points may pack in 2-D
     * @param spread               the scale of the embedded points
     * @param epochs               layout epochs; 0 chooses 500 up to 10,000 points and 400 above (umap-learn: 200)
     * @param learningRate         the initial SGD step
     * @param negativeSampleRate   negative samples per positive edge
     * @param repulsionStrength    the weight of the negative samples
     * @param localConnectivity    the neighbours assumed fully connected to each point
     * @param seed                 seeds initialisation noise and sampling
     */
    public record Umap(@Range(min = 2) int neighbors, @Range(min = 0) double minDist,
                       @Range(min = 0, minExclusive = true) double spread, @Range(min = 0) int epochs,
                       @Range(min = 0, minExclusive = true) double learningRate,
                       @Range(min = 1) int negativeSampleRate, @Range(min = 0) double repulsionStrength,
                       @Range(min = 0) double localConnectivity, long seed) {
        public Umap {
            if (minDist > spread) {
                throw new InvalidSetting("min-dist", "min-dist = " + minDist + " is larger than spread = " + spread
                        + "; keep min-dist <= spread");
            }
        }
    }

    /**
     * TriMAP, with the reference implementation's defaults.
     *
     * @param inliers           nearest neighbours per point that form triplets
     * @param outliers          sampled far points per inlier
     * @param random            random triplets per point
     * @param weightTemperature the temperature of the triplet weights
     * @param learningRate      the delta-bar-delta optimiser's step
     * @param iterations        optimisation steps
     * @param pcaDimensions     inputs wider than this are reduced to it by PCA first
     * @param seed              seeds the sampling
     */
    public record Trimap(@Range(min = 1) int inliers, @Range(min = 1) int outliers, @Range(min = 0) int random,
                         @Range(min = 0, minExclusive = true) double weightTemperature,
                         @Range(min = 0, minExclusive = true) double learningRate,
                         @Range(min = 1) int iterations, @Range(min = 2) int pcaDimensions, long seed) {
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

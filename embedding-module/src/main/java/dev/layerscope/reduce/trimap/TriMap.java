package dev.layerscope.reduce.trimap;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.SplittableRandom;

/**
 * TriMap (Amid and Warmuth, "TriMap: Large-scale Dimensionality Reduction Using Triplets", 2019): a 2-D embedding
 * fitted to weighted triplets "i is nearer to j than to k" rather than to pairwise affinities. Nearest-neighbour
 * triplets keep clusters tight; a few random triplets per point keep the clusters' relative placement closer to the
 * data's global structure than t-SNE or UMAP do. This follows the reference implementation ({@code trimap} 1.1.x,
 * {@code eamid/trimap}, numba), step by step:
 *
 * <ol>
 *   <li>data wider than {@code pcaDimensions} is centred and projected on that many principal components; narrower
 *       data is scaled into [0, 1] and centred. Every distance below is measured in that space;</li>
 *   <li>each point's scale sigma_i is its mean distance to its 4th-6th nearest neighbours (counting itself as the
 *       1st), and its {@code inliers} are its nearest candidates by {@code d_ij^2 / (sigma_i sigma_j)};</li>
 *   <li>each (point, inlier) pair gets {@code outliers} uniformly drawn outliers that are not among its inliers, and
 *       each point {@code random} uniformly random triplets;</li>
 *   <li>a triplet's weight is the gap of scaled distances, random ones times 0.1, all shifted to start at 0 and
 *       compressed by the tempered logarithm {@code log_t(1 + w)} with t = {@code weightTemperature};</li>
 *   <li>the embedding starts at 0.01 x the two leading principal coordinates and minimises
 *       {@code sum_t w_t / (1 + d_ik / d_ij)}, {@code d = 1 + |y_a - y_b|^2}, by delta-bar-delta for
 *       {@code iterations} steps.</li>
 * </ol>
 *
 * <p>The reference has no transform for new points; {@link #transform} places them by the same triplets with the
 * training embedding held fixed.
 */
public final class TriMap {

    /**
     * The reference asks its neighbour search for {@code n_inliers + 50} points, the point itself included, to pick
     * the inliers by scaled distance from a wider pool than the plain nearest ones.
     */
    private static final int EXTRA_NEIGHBORS = 49;

    /**
     * TriMAP's settings, with the reference's defaults, as the experiment's {@code reduce.trimap} section binds them
     * (keys in kebab-case: {@code weight-temperature}) and as {@link #fit} takes them.
     *
     * @param inliers           nearest neighbours (by scaled distance) each point forms triplets with
     * @param outliers          outliers drawn per (point, inlier) pair
     * @param random            uniformly random triplets per point (0 for none)
     * @param weightTemperature temperature t of the tempered logarithm on the weights: larger values compress them
     *                          more and give more compact clusters
     * @param learningRate      the reference's {@code lr}, for its summed (not averaged) triplet gradient
     * @param iterations        delta-bar-delta steps
     * @param pcaDimensions     principal components to reduce wider data to before anything else; at least 2, as
     *                          the embedding starts from two principal coordinates
     * @param seed              seeds the triplet sampling; with the same threads, the same seed gives the same bits
     */
    public record Options(@Range(min = 1) int inliers, @Range(min = 1) int outliers, @Range(min = 0) int random,
                          @Range(min = 0, minExclusive = true) double weightTemperature,
                          @Range(min = 0, minExclusive = true) double learningRate, @Range(min = 1) int iterations,
                          @Range(min = 2) int pcaDimensions, long seed) {

        public Options {
            SettingRules.check(Options.class, inliers, outliers, random, weightTemperature, learningRate, iterations,
                    pcaDimensions, seed);
        }

        /**
         * {@code n_inliers=12, n_outliers=4, n_random=3, weight_temp=0.5, lr=0.1, n_iters=400} and the 100 PCA
         * dimensions of the reference's {@code TRIMAP}, seed 0.
         */
        public static Options defaults() {
            return new Options(12, 4, 3, 0.5, 0.1, 400, 100, 0);
        }

        /**
         * Throws {@link InvalidSetting} naming the key to lower when these options cannot map {@code n} points: each
         * point needs its inliers and, per inlier, outliers among the points that are not its inliers.
         */
        public void checkSize(int n) {
            int needed = Math.max(inliers + 1, ScaledNeighbors.SIGMA_NEIGHBORS);
            if (n <= needed) {
                throw new InvalidSetting("inliers", "inliers = " + inliers + " needs more than " + needed
                        + " points, got " + n + "; lower inliers or map more points");
            }
            if (outliers > n - 1 - inliers) {
                throw new InvalidSetting("outliers", "outliers = " + outliers + " per inlier cannot be drawn from "
                        + "the " + (n - 1 - inliers) + " points that are not a point's inliers; lower outliers");
            }
        }
    }

    private final Options options;
    private final int inputColumns;
    private final WorkingSpace space;
    private final FloatMatrix working;
    private final double[] sigma;
    private final double weightShift;
    private final double[] embedding;
    private final double loss;

    private TriMap(Options options, int inputColumns, WorkingSpace space, FloatMatrix working, double[] sigma,
                   double weightShift, double[] embedding, double loss) {
        this.options = options;
        this.inputColumns = inputColumns;
        this.space = space;
        this.working = working;
        this.sigma = sigma;
        this.weightShift = weightShift;
        this.embedding = embedding;
        this.loss = loss;
    }

    /**
     * The neighbours per point that {@link #fit} and {@link #transform} need in their graphs for a training set of
     * {@code trainSize} points: {@code inliers + 49} (the reference's {@code n_inliers + 50} with the point itself
     * counted), or every other point when there are fewer. More are fine; only the nearest that many are used.
     */
    public static int neighborsNeeded(Options options, int trainSize) {
        return Math.min(options.inliers() + EXTRA_NEIGHBORS, trainSize - 1);
    }

    /**
     * Fits the embedding of the rows of {@code data}.
     *
     * @param graph the {@link #neighborsNeeded} nearest neighbours of each row (or more), found in the space of
     *              {@code data} itself. It only nominates candidates: their distances are measured again in the
     *              PCA-reduced space, where the reference searches, and the inliers are chosen by those; a graph of
     *              the raw data therefore differs from the reference's only where the two spaces rank the
     *              {@code inliers + 49} nearest points differently
     */
    public static TriMap fit(FloatMatrix data, NeighborGraph graph, Options options, Parallel parallel) {
        int n = data.rows();
        options.checkSize(n);
        requireUsable(data, "data");
        requireGraph(graph, n, neighborsNeeded(options, n), "graph");
        Prepared prepared = prepare(data, graph, options, parallel);
        double weightShift = prepared.triplets().minimumRawWeight();
        double[] embedding = prepared.space().initialEmbedding(prepared.working(), parallel);
        Descent descent = new Descent(embedding, 0, prepared.triplets().points,
                prepared.triplets().weights(weightShift, options.weightTemperature()), options.learningRate(),
                parallel);
        descent.run(options.iterations());
        return new TriMap(options, data.cols(), prepared.space(), prepared.working(), prepared.inliers().sigma(),
                weightShift, embedding, descent.loss());
    }

    /** Steps 1-3 of a fit: the working space, the inliers and the triplets. */
    record Prepared(WorkingSpace space, FloatMatrix working, ScaledNeighbors inliers, Triplets triplets) {
    }

    static Prepared prepare(FloatMatrix data, NeighborGraph graph, Options options, Parallel parallel) {
        WorkingSpace space = WorkingSpace.fit(data, options.pcaDimensions(), parallel);
        FloatMatrix working = space.map(data);
        ScaledNeighbors inliers = ScaledNeighbors.of(working, working,
                graph.truncate(neighborsNeeded(options, data.rows())), null, options.inliers(), parallel);
        Triplets triplets = Triplets.sample(working, working, true, inliers, inliers.sigma(), options.outliers(),
                options.random(), new SplittableRandom(options.seed()), parallel);
        return new Prepared(space, working, inliers, triplets);
    }

    /** The fitted points, one row each, two columns. */
    public FloatMatrix embedding() {
        return toMatrix(embedding, 0, embedding.length / 2);
    }

    /** The mean weighted triplet loss of the final embedding (lower is better; comparable across runs only). */
    public double loss() {
        return loss;
    }

    /**
     * Places new points into the training embedding, which stays fixed. The reference cannot do this; here each
     * new point gets the triplets a training point would (its inliers among the training points by scaled distance,
     * with the training points' scales, outliers drawn from the other training points, random training pairs, and
     * weights shifted and compressed exactly as in the fit), starts at the mean position of its inliers, and moves
     * by the same delta-bar-delta for the same number of iterations.
     *
     * @param toTrain the {@link #neighborsNeeded} nearest training points of each new point (or more), found in the
     *                space of {@code newData}; as in {@link #fit}, they are re-measured in the PCA-reduced space
     */
    public FloatMatrix transform(FloatMatrix newData, NeighborGraph toTrain, Parallel parallel) {
        if (newData.cols() != inputColumns) {
            throw new IllegalArgumentException("TriMap was fitted on " + inputColumns + " columns, got "
                    + newData.cols());
        }
        requireUsable(newData, "newData");
        int trainSize = working.rows();
        int needed = neighborsNeeded(options, trainSize);
        requireGraph(toTrain, newData.rows(), needed, "toTrain");
        if (newData.rows() == 0) {
            return new FloatMatrix(0, 2, new float[0]);
        }
        FloatMatrix mapped = space.map(newData);
        ScaledNeighbors inliers = ScaledNeighbors.of(mapped, working, toTrain.truncate(needed), sigma,
                options.inliers(), parallel);
        Triplets triplets = Triplets.sample(mapped, working, false, inliers, sigma, options.outliers(),
                options.random(), new SplittableRandom(options.seed()), parallel);
        triplets.offsetAnchors(trainSize);
        double[] placed = new double[embedding.length + 2 * newData.rows()];
        System.arraycopy(embedding, 0, placed, 0, embedding.length);
        for (int q = 0; q < newData.rows(); q++) {
            for (int rank = 0; rank < inliers.count(); rank++) {
                int train = inliers.inlier(q, rank);
                placed[2 * (trainSize + q)] += embedding[2 * train] / inliers.count();
                placed[2 * (trainSize + q) + 1] += embedding[2 * train + 1] / inliers.count();
            }
        }
        new Descent(placed, trainSize, triplets.points,
                triplets.weights(weightShift, options.weightTemperature()), options.learningRate(), parallel)
                .run(options.iterations());
        return toMatrix(placed, trainSize, newData.rows());
    }

    private static FloatMatrix toMatrix(double[] pairs, int first, int count) {
        float[] values = new float[2 * count];
        for (int c = 0; c < values.length; c++) {
            values[c] = (float) pairs[2 * first + c];
        }
        return new FloatMatrix(count, 2, values);
    }

    private static void requireUsable(FloatMatrix data, String name) {
        if (data.cols() < 2) {
            throw new IllegalArgumentException(name + " has " + data.cols() + " column: TriMap starts from two "
                    + "principal coordinates and needs at least 2 columns");
        }
        int[] bad = data.firstNonFinite();
        if (bad != null) {
            throw new IllegalArgumentException(name + " holds " + data.get(bad[0], bad[1]) + " at row " + bad[0]
                    + ", column " + bad[1] + ": remove or impute non-finite values first");
        }
    }

    private static void requireGraph(NeighborGraph graph, int size, int needed, String name) {
        if (graph.size() != size) {
            throw new IllegalArgumentException(name + " has neighbours for " + graph.size() + " points, the data "
                    + size + " rows");
        }
        if (graph.k() < needed) {
            throw new IllegalArgumentException(name + " has " + graph.k() + " neighbours per point, TriMap needs "
                    + needed + " (TriMap.neighborsNeeded): build it with more");
        }
    }
}

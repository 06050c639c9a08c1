package dev.layerscope.reduce.tsne;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Numbers;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.ZCurve;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.pca.Pca;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * t-SNE set up as scikit-learn 1.2's {@code TSNE(method="barnes_hut")} so that its pictures and timings are
 * comparable: Gaussian affinities over the 3 x perplexity nearest neighbours, PCA initialisation scaled to a standard
 * deviation of 1e-4, early exaggeration with momentum 0.5 then momentum 0.8, gains, the automatic learning rate. The
 * repulsion comes from a quadtree with theta 0.5 (Barnes-Hut), or, with {@link Gradient#FFT}, from FFT-accelerated
 * interpolation on a grid (FIt-SNE, openTSNE's {@code negative_gradient_method="fft"}).
 *
 * <p>Every per-point quantity is written to its own slot and every sum is reduced in point order, so a seed and a
 * thread count always give the same bits (and the thread count does not change them either).
 *
 * <p>Where it differs from scikit-learn: it uses {@code ceil(3 * perplexity)} neighbours (scikit-learn one more),
 * so that one graph of 90 neighbours serves perplexity 30; it runs all iterations, without scikit-learn's checks
 * for a vanishing gradient or 300 steps without progress, which rarely stop a default run early; and its PCA fixes
 * component signs its own way, so a picture may come out mirrored relative to scikit-learn's.
 *
 * <p>The interpolation's grid grows with the map's extent, not with n, so it beats the tree's n log n walk on large
 * maps: {@link Gradient#AUTO}, the default, takes it from {@value #FFT_FROM} points on while its grid costs less than
 * the tree (docs/performance.md, "t-SNE speed").
 */
public final class TSne {

    /** From this many points on {@link Gradient#AUTO} interpolates the repulsion by FFT (docs/performance.md). */
    public static final int FFT_FROM = 10_000;
    /** scikit-learn's initial scale: the first PCA column is scaled to this standard deviation. */
    private static final double INITIAL_SCALE = 1e-4;
    private static final double EARLY_MOMENTUM = 0.5;
    private static final double FINAL_MOMENTUM = 0.8;
    private static final double MIN_GAIN = 0.01;

    /** openTSNE's transform: its learning rate (its gradient, without scikit-learn's factor 4). */
    private static final double TRANSFORM_LEARNING_RATE = 0.1;
    /** openTSNE's transform: the factor on the attraction to the neighbours. */
    private static final double TRANSFORM_EXAGGERATION = 1.5;
    /** openTSNE's final momentum (its transform runs no early phase). */
    private static final double TRANSFORM_MOMENTUM = 0.8;
    /** openTSNE's transform: the longest gradient step of a point. */
    private static final double MAX_GRADIENT_NORM = 0.25;

    /**
     * t-SNE's settings, as the experiment's {@code reduce.tsne} section binds them (keys in kebab-case:
     * {@code exaggeration-iterations}) and as {@link #fit} takes them. Defaults are scikit-learn's but for the
     * steps (openTSNE's and FIt-SNE's 750), in embedding-module's reference.conf and {@link #defaults()}.
     *
     * @param perplexity             the effective number of neighbours each point's affinities spread over; needs
     *                               more than 3 x perplexity points
     * @param iterations             gradient steps in all, early exaggeration included
     * @param earlyExaggeration      the factor on the affinities during the first steps, which lets clusters form
     *                               before they have to find their place (1 means none)
     * @param exaggerationIterations how many of the steps are exaggerated, at most {@code iterations}
     * @param learningRate           step size; 0 means scikit-learn's {@code "auto"},
     *                               {@code max(n / earlyExaggeration / 4, 50)}, which keeps large data sets from
     *                               converging too slowly
     * @param gradient               how the repulsion is computed: by a quadtree, interpolated by FFT, or chosen by
     *                               the number of points (auto)
     * @param theta                  Barnes-Hut accuracy: a cell is summarised when its width is below theta times
     *                               its distance; 0 is exact and quadratic. The transform always uses the tree, so
     *                               theta sets its accuracy whatever {@code gradient} is
     * @param seed                   seeds the random initialisation used when PCA cannot give two components
     *                               (fewer than two columns, or no variance)
     * @param transform              placing new points into the fitted map
     */
    public record Options(@Range(min = 1) double perplexity, @Range(min = 1) int iterations,
                          @Range(min = 1) double earlyExaggeration, @Range(min = 0) int exaggerationIterations,
                          @Range(min = 0) double learningRate, Gradient gradient,
                          @Range(min = 0, max = 1) double theta, long seed, TransformOptions transform) {

        public Options {
            SettingRules.check(Options.class, perplexity, iterations, earlyExaggeration, exaggerationIterations,
                    learningRate, gradient, theta, seed, transform);
            Objects.requireNonNull(gradient, "gradient");
            Objects.requireNonNull(transform, "transform");
            if (exaggerationIterations > iterations) {
                throw new InvalidSetting("exaggeration-iterations", exaggerationIterations + " exaggerated steps "
                        + "cannot be more than the " + iterations + " steps in all (iterations); lower "
                        + "exaggeration-iterations or raise iterations");
            }
        }

        /**
         * scikit-learn 1.2's defaults but 750 steps in all (openTSNE's and FIt-SNE's, where scikit-learn takes 1,000:
         * on the default experiment's three maps the last 250 moved kNN accuracy and trustworthiness by at most 0.0011
         * and cost a third of the fit; docs/performance.md, "t-SNE steps"), the repulsion chosen by size, seed 0, and
         * openTSNE's transform.
         */
        public static Options defaults() {
            return new Options(30, 750, 12, 250, 0, Gradient.AUTO, 0.5, 0, TransformOptions.defaults());
        }

        /**
         * Throws {@link InvalidSetting} naming the key to change when these options cannot fit {@code n} points, or
         * place new points into a map of {@code n} points.
         */
        public void checkSize(int n) {
            requireMorePoints("perplexity", perplexity, n);
            try {
                transform.checkSize(n);
            } catch (InvalidSetting e) {
                throw e.under("transform");
            }
        }
    }

    /** How the descent computes the repulsion, the part of the gradient over all pairs of points. */
    public enum Gradient {
        /**
         * {@link #BARNES_HUT} below {@value TSne#FFT_FROM} points, where the grid's fixed cost (at least 50 boxes a
         * side) outweighs the tree's (openTSNE's {@code "auto"} switches at the same size); from there on, each
         * evaluation by the cheaper of the two for the map's extent then: the FFT while the map is small, the tree
         * once its grid would cost more than the tree's walk.
         */
        AUTO,
        /** scikit-learn's quadtree with {@link Options#theta()}. */
        BARNES_HUT,
        /** FFT-accelerated interpolation on a grid (FIt-SNE): its cost follows the map's extent, not n log n. */
        FFT;

        /**
         * The method this one takes for a map of {@code n} points: itself, or, for {@link #AUTO}, Barnes-Hut below
         * {@value TSne#FFT_FROM} points and from there on still {@link #AUTO}: each evaluation by whichever of the
         * two costs less for the map's extent then ({@link CheaperRepulsion}).
         */
        public Gradient forSize(int n) {
            if (this != AUTO) {
                return this;
            }
            return n >= FFT_FROM ? AUTO : BARNES_HUT;
        }
    }

    /**
     * openTSNE's {@code TSNEEmbedding.transform}, the placement of new points into a fitted map, as the experiment's
     * {@code reduce.tsne.transform} binds it. The rest of openTSNE's defaults are fixed: a small step (0.1) and a
     * mild exaggeration (1.5) because new points start next to their neighbours already and should only settle, not
     * travel; momentum 0.8; and each point's gradient shortened to at most 0.25, so a point that starts on top of
     * training points is not shot out of the map. The map's own {@code theta} sets the repulsion's accuracy.
     *
     * @param perplexity of each new point's affinities to its training neighbours; low, because a new point should be
     *                   placed by its closest neighbours; needs a map of more than 3 x perplexity points
     * @param iterations gradient steps
     */
    public record TransformOptions(@Range(min = 1) double perplexity, @Range(min = 1) int iterations) {

        public TransformOptions {
            SettingRules.check(TransformOptions.class, perplexity, iterations);
        }

        /** openTSNE's defaults: perplexity 5, 250 steps. */
        public static TransformOptions defaults() {
            return new TransformOptions(5, 250);
        }

        /** Throws {@link InvalidSetting} naming the key when new points cannot be placed into a map of {@code n}. */
        public void checkSize(int n) {
            requireMorePoints("perplexity", perplexity, n);
        }
    }

    /** What the map was fitted with; its transform and theta place new points. */
    private final Options options;
    /** x and y of each point, interleaved. */
    private final double[] positions;
    private final double klDivergence;
    /** The quadtree of the final embedding, which {@link #transform} queries and never changes. */
    private final QuadTree tree;

    private TSne(Options options, double[] positions, double klDivergence, QuadTree tree) {
        this.options = options;
        this.positions = positions;
        this.klDivergence = klDivergence;
        this.tree = tree;
    }

    /**
     * Embeds the rows of {@code data} in 2-D. {@code graph} must hold, for each row, at least {@code min(n - 1,
     * ceil(3 * perplexity))} neighbours; its first that many are used. {@code parallel}'s threads share the work;
     * the result does not depend on how many there are.
     */
    public static TSne fit(FloatMatrix data, NeighborGraph graph, Options options, Parallel parallel) {
        return fit(data, graph, options, parallel, InterpolatedRepulsion.MIN_BOXES);
    }

    /**
     * {@link #fit} with at least {@code minBoxes} interpolation boxes along the map's longer side (openTSNE's 50),
     * so that tests of small maps can run on small grids.
     */
    static TSne fit(FloatMatrix data, NeighborGraph graph, Options options, Parallel parallel, int minBoxes) {
        int n = data.rows();
        requireMorePoints("perplexity", options.perplexity(), n);
        if (graph.size() != n) {
            throw new IllegalArgumentException("the graph has " + graph.size() + " points, the data " + n
                    + "; compute the graph of this data");
        }
        int[] nonFinite = data.firstNonFinite();
        if (nonFinite != null) {
            throw new IllegalArgumentException("data[" + nonFinite[0] + "][" + nonFinite[1]
                    + "] is not finite; remove or impute non-finite values first");
        }
        int k = (int) Math.min(n - 1, Math.ceil(3 * options.perplexity()));
        requireNeighbours(graph, k, n, options.perplexity());
        SparseAffinities p = GaussianAffinities.symmetric(graph, k,
                GaussianAffinities.conditional(graph, k, options.perplexity(), parallel));
        double learningRate = options.learningRate() > 0 ? options.learningRate()
                : Math.max(n / options.earlyExaggeration() / 4, 50);
        Repulsion repulsion = switch (options.gradient().forSize(n)) {
            case FFT -> new InterpolatedRepulsion(parallel, minBoxes);
            case BARNES_HUT -> new BarnesHutRepulsion(options.theta(), parallel);
            case AUTO -> new CheaperRepulsion(options.theta(), parallel, minBoxes);
        };
        Descent descent = new Descent(p, initialise(data, options.seed(), parallel), repulsion, parallel);
        // scikit-learn runs the two phases as separate descents: gains and momentum start afresh
        descent.run(options.exaggerationIterations(), options.earlyExaggeration(), EARLY_MOMENTUM, learningRate);
        descent.run(options.iterations() - options.exaggerationIterations(), 1, FINAL_MOMENTUM, learningRate);
        double kl = descent.klDivergence();
        double[] positions = descent.positionsInRowOrder();
        QuadTree tree = new QuadTree();
        tree.build(positions, n);
        return new TSne(options, positions, kl, tree);
    }

    /**
     * The first two principal components scaled so the first has standard deviation 1e-4, as scikit-learn does:
     * the global layout of PCA survives, and the small scale lets early exaggeration act before repulsion does.
     */
    private static double[] initialise(FloatMatrix data, long seed, Parallel parallel) {
        int n = data.rows();
        double[] positions = new double[2 * n];
        if (data.cols() >= 2) {
            FloatMatrix projected = Pca.fit(data, 2, parallel).transform(data);
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += projected.get(i, 0);
            }
            mean /= n;
            double variance = 0;
            for (int i = 0; i < n; i++) {
                double d = projected.get(i, 0) - mean;
                variance += d * d;
            }
            double std = Math.sqrt(variance / n);
            if (std > 0) {
                for (int i = 0; i < 2 * n; i++) {
                    positions[i] = projected.values()[i] / std * INITIAL_SCALE;
                }
                return positions;
            }
        }
        Random random = new Random(seed);
        for (int i = 0; i < 2 * n; i++) {
            positions[i] = random.nextGaussian() * INITIAL_SCALE;
        }
        return positions;
    }

    /** Throws {@link InvalidSetting} naming {@code key} when {@code perplexity} cannot work on {@code n} points. */
    private static void requireMorePoints(String key, double perplexity, int n) {
        if (n <= 3 * perplexity) {
            throw new InvalidSetting(key, "perplexity = " + Numbers.number(perplexity) + " needs more than "
                    + Numbers.number(3 * perplexity) + " points (3 x perplexity), got " + n + "; lower " + key
                    + " or map more points");
        }
    }

    private static void requireNeighbours(NeighborGraph graph, int k, int referenceSize, double perplexity) {
        if (graph.k() < k) {
            throw new IllegalArgumentException("perplexity " + perplexity + " needs " + k
                    + " neighbours per point, the graph has " + graph.k()
                    + "; compute the graph with more neighbours or lower perplexity");
        }
        for (int i = 0; i < graph.size(); i++) {
            for (int r = 0; r < k; r++) {
                int j = graph.neighbor(i, r);
                if (j < 0 || j >= referenceSize) {
                    throw new IllegalArgumentException("neighbour " + r + " of point " + i + " is " + j
                            + ", not one of the " + referenceSize + " points; the graph belongs to other data");
                }
                if (!Float.isFinite(graph.distance(i, r))) {
                    throw new IllegalArgumentException("distance " + r + " of point " + i + " is "
                            + graph.distance(i, r) + "; remove non-finite values from the data first");
                }
            }
        }
    }

    /** The embedding, one row of (x, y) per point. */
    public FloatMatrix embedding() {
        float[] values = new float[positions.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) positions[i];
        }
        return new FloatMatrix(positions.length / 2, 2, values);
    }

    /**
     * KL(P || Q) of the final embedding, as scikit-learn reports it: exact over the pairs with affinity, with Q's
     * normalisation (the sum of {@code 1 / (1 + d^2)} over all pairs) taken from the repulsion's estimate (the tree's
     * or the grid's) rather than from all n^2 pairs.
     */
    public double klDivergence() {
        return klDivergence;
    }

    /**
     * Places new points into this embedding without moving it, as openTSNE's {@code TSNEEmbedding.transform}, with
     * the fit's {@link Options#transform()} and {@link Options#theta()}: each new point gets affinities to its
     * training neighbours (each row summing to 1), starts at the median of those neighbours' positions (openTSNE's
     * 25 for the median are capped by the 3 x perplexity neighbours it keeps, so it uses the same ones), and then
     * follows its own gradient against the fixed training points only, the repulsion normalised per point. New
     * points do not see each other, so each is optimised independently.
     *
     * @param toTrain each new point's nearest training points (the rows of the data this model was fitted on); at
     *                least {@code min(n, ceil(3 * perplexity))} of them, the first that many are used
     * @return one row of (x, y) per new point
     */
    public FloatMatrix transform(NeighborGraph toTrain, Parallel parallel) {
        TransformOptions placing = options.transform();
        int trainSize = positions.length / 2;
        placing.checkSize(trainSize);
        int k = (int) Math.min(trainSize, Math.ceil(3 * placing.perplexity()));
        requireNeighbours(toTrain, k, trainSize, placing.perplexity());
        int m = toTrain.size();
        double[] placed = new double[2 * m];
        double[] p = GaussianAffinities.conditional(toTrain, k, placing.perplexity(), parallel);
        double thetaSquared = options.theta() * options.theta();
        parallel.forRange(m, (start, end) -> {
            double[] scratch = new double[k];
            for (int i = start; i < end; i++) {
                place(toTrain, k, i, p, placing.iterations(), thetaSquared, scratch, placed);
            }
        });
        float[] values = new float[2 * m];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) placed[i];
        }
        return new FloatMatrix(m, 2, values);
    }

    /** Initialises and optimises new point {@code i}, writing its position to {@code placed[2i], placed[2i + 1]}. */
    private void place(NeighborGraph toTrain, int k, int i, double[] p, int iterations, double thetaSquared,
                       double[] scratch, double[] placed) {
        double[] position = {median(toTrain, k, i, 0, scratch), median(toTrain, k, i, 1, scratch)};
        double[] update = new double[2];
        double[] gains = {1, 1};
        double[] repulsion = new double[2];
        for (int iteration = 0; iteration < iterations; iteration++) {
            double sumQ = tree.repulsion(position[0], position[1], thetaSquared, repulsion, 0);
            double gradientX = sumQ > 0 ? -repulsion[0] / sumQ : 0;
            double gradientY = sumQ > 0 ? -repulsion[1] / sumQ : 0;
            for (int r = 0; r < k; r++) {
                int j = toTrain.neighbor(i, r);
                double dx = position[0] - positions[2 * j];
                double dy = position[1] - positions[2 * j + 1];
                double attraction = TRANSFORM_EXAGGERATION * p[i * k + r] / (1 + dx * dx + dy * dy);
                gradientX += attraction * dx;
                gradientY += attraction * dy;
            }
            double norm = Math.sqrt(gradientX * gradientX + gradientY * gradientY);
            if (norm > MAX_GRADIENT_NORM) {
                double shrink = MAX_GRADIENT_NORM / norm;
                gradientX *= shrink;
                gradientY *= shrink;
            }
            step(0, gradientX, position, update, gains);
            step(1, gradientY, position, update, gains);
        }
        placed[2 * i] = position[0];
        placed[2 * i + 1] = position[1];
    }

    /**
     * openTSNE's gains rule, which differs from scikit-learn's: up by 0.2 where the step and the gradient differ in
     * sign, else {@code 0.8 gain + 0.01}.
     */
    private static void step(int axis, double gradient, double[] position, double[] update, double[] gains) {
        if (Math.signum(update[axis]) != Math.signum(gradient)) {
            gains[axis] += 0.2;
        } else {
            gains[axis] = gains[axis] * 0.8 + MIN_GAIN;
        }
        update[axis] = TRANSFORM_MOMENTUM * update[axis] - TRANSFORM_LEARNING_RATE * gains[axis] * gradient;
        position[axis] += update[axis];
    }

    /** The median of coordinate {@code axis} over the first {@code k} training neighbours of new point {@code i}. */
    private double median(NeighborGraph toTrain, int k, int i, int axis, double[] scratch) {
        for (int r = 0; r < k; r++) {
            scratch[r] = positions[2 * toTrain.neighbor(i, r) + axis];
        }
        Arrays.sort(scratch, 0, k);
        return k % 2 == 1 ? scratch[k / 2] : (scratch[k / 2 - 1] + scratch[k / 2]) / 2;
    }

    /**
     * scikit-learn's gradient descent, with every buffer allocated once. The gradient of point i is
     * {@code 4 (exaggeration sum_j p_ij q_ij (y_i - y_j) - sum_j q_ij^2 (y_i - y_j) / Z)}, q unnormalised; the
     * attraction is exact over P's non-zeros, the repulsion and Z come from a {@link Repulsion}.
     */
    private static final class Descent {

        /** Steps between two re-orderings of the points along the map ({@link #reorder}). */
        private static final int REORDER_EVERY = 50;

        /** P with its points in the slots' order. */
        private SparseAffinities p;
        /** x and y of the point in each slot, interleaved. */
        private double[] positions;
        private final Repulsion method;
        private final Parallel parallel;
        private final double[] attraction;
        private final double[] repulsion;
        private double[] update;
        private double[] gains;
        /** The point (row of the data) in each slot. */
        private int[] order;

        Descent(SparseAffinities p, double[] positions, Repulsion method, Parallel parallel) {
            this.p = p;
            this.positions = positions;
            this.method = method;
            this.parallel = parallel;
            int n = p.size();
            attraction = new double[2 * n];
            repulsion = new double[2 * n];
            update = new double[2 * n];
            gains = new double[2 * n];
            order = new int[n];
            Arrays.setAll(order, i -> i);
        }

        /** {@code iterations} steps from zero momentum and unit gains, as each of scikit-learn's phases starts. */
        void run(int iterations, double exaggeration, double momentum, double learningRate) {
            Arrays.fill(update, 0);
            Arrays.fill(gains, 1);
            for (int iteration = 0; iteration < iterations; iteration++) {
                if (iteration % REORDER_EVERY == 0) {
                    reorder();
                }
                double z = forces();
                double[] positions = this.positions;
                double[] update = this.update;
                double[] gains = this.gains;
                parallel.forRange(positions.length, (start, end) -> {
                    for (int c = start; c < end; c++) {
                        double gradient = 4 * (exaggeration * attraction[c] - repulsion[c] / z);
                        if (update[c] * gradient < 0) {
                            gains[c] += 0.2;
                        } else {
                            gains[c] = Math.max(gains[c] * 0.8, MIN_GAIN);
                        }
                        update[c] = momentum * update[c] - learningRate * gains[c] * gradient;
                        positions[c] += update[c];
                    }
                });
            }
        }

        /** x and y of each point, interleaved, in the data's row order. */
        double[] positionsInRowOrder() {
            double[] inRowOrder = new double[positions.length];
            for (int slot = 0; slot < order.length; slot++) {
                inRowOrder[2 * order[slot]] = positions[2 * slot];
                inRowOrder[2 * order[slot] + 1] = positions[2 * slot + 1];
            }
            return inRowOrder;
        }

        /**
         * Puts the points in the order of a Z-curve through the map as it is now, ties in row order, and P, the
         * positions, the updates and the gains with them. The attraction reads the positions of each point's
         * neighbours in P; in row order they lie anywhere in the array, along the curve most lie near the point's
         * own, in cache. Each row of P keeps its entries' order, so a point's attraction sums the same terms in the
         * same order as before; the order depends only on the positions, so the result still does not depend on
         * the thread count.
         */
        private void reorder() {
            int n = order.length;
            // the slot each point held before, in the new order
            int[] previous = ZCurve.order(positions, order);
            int[] newOrder = new int[n];
            int[] newSlotOf = new int[n];
            for (int slot = 0; slot < n; slot++) {
                newOrder[slot] = order[previous[slot]];
                newSlotOf[previous[slot]] = slot;
            }
            int[] rowStart = p.rowStart();
            int[] columns = p.columns();
            float[] values = p.values();
            int[] newRowStart = new int[n + 1];
            int[] newColumns = new int[columns.length];
            float[] newValues = new float[values.length];
            double[] newPositions = new double[2 * n];
            double[] newUpdate = new double[2 * n];
            double[] newGains = new double[2 * n];
            for (int slot = 0; slot < n; slot++) {
                int old = previous[slot];
                newRowStart[slot + 1] = newRowStart[slot] + rowStart[old + 1] - rowStart[old];
            }
            parallel.forRange(n, (start, end) -> {
                for (int slot = start; slot < end; slot++) {
                    int old = previous[slot];
                    int from = rowStart[old];
                    int to = newRowStart[slot];
                    for (int e = 0; e < newRowStart[slot + 1] - to; e++) {
                        newColumns[to + e] = newSlotOf[columns[from + e]];
                    }
                    System.arraycopy(values, from, newValues, to, newRowStart[slot + 1] - to);
                    for (int axis = 0; axis < 2; axis++) {
                        newPositions[2 * slot + axis] = positions[2 * old + axis];
                        newUpdate[2 * slot + axis] = update[2 * old + axis];
                        newGains[2 * slot + axis] = gains[2 * old + axis];
                    }
                }
            });
            p = new SparseAffinities(n, newRowStart, newColumns, newValues);
            positions = newPositions;
            update = newUpdate;
            gains = newGains;
            order = newOrder;
        }

        /**
         * Fills the attraction and the unnormalised repulsion of every point and returns Z. The attraction visits
         * the points in slot order, so P's rows stream from memory instead of being fetched at random (at 10,000
         * points that alone halved the attraction's time), and since {@link #reorder} the positions it reads are
         * mostly near in memory too. Each point writes only its own slots.
         */
        private double forces() {
            double z = method.compute(positions, repulsion);
            parallel.forRange(p.size(), (start, end) -> {
                for (int i = start; i < end; i++) {
                    attract(i);
                }
            });
            return z;
        }

        /** Writes point {@code i}'s unnormalised attraction, summed over its row of P in the row's order. */
        private void attract(int i) {
            int[] rowStart = p.rowStart();
            int[] columns = p.columns();
            float[] values = p.values();
            double x = positions[2 * i];
            double y = positions[2 * i + 1];
            double forceX = 0;
            double forceY = 0;
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                int j = columns[e];
                double dx = x - positions[2 * j];
                double dy = y - positions[2 * j + 1];
                double pq = values[e] / (1 + dx * dx + dy * dy);
                forceX += pq * dx;
                forceY += pq * dy;
            }
            attraction[2 * i] = forceX;
            attraction[2 * i + 1] = forceY;
        }

        /** See {@link TSne#klDivergence()}. */
        double klDivergence() {
            double z = forces();
            double[] terms = new double[p.size()];
            parallel.forRange(p.size(), (start, end) -> {
                for (int i = start; i < end; i++) {
                    double sum = 0;
                    for (int e = p.rowStart()[i]; e < p.rowStart()[i + 1]; e++) {
                        double pij = p.values()[e];
                        if (pij > 0) {
                            int j = p.columns()[e];
                            double dx = positions[2 * i] - positions[2 * j];
                            double dy = positions[2 * i + 1] - positions[2 * j + 1];
                            sum += pij * Math.log(pij * z * (1 + dx * dx + dy * dy));
                        }
                    }
                    terms[order[i]] = sum;
                }
            });
            double kl = 0;
            for (double term : terms) {
                kl += term;
            }
            return kl;
        }
    }
}

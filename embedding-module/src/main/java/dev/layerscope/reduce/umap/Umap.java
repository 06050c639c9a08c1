package dev.layerscope.reduce.umap;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Numbers;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SmileNatives;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.pca.Pca;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import smile.math.LevenbergMarquardt;
import smile.util.function.DifferentiableMultivariateFunction;

/**
 * UMAP (McInnes, Healy and Melville 2018) to two dimensions, following umap-learn 0.5 with its defaults, on a
 * precomputed exact neighbour graph. Smile's {@code smile.manifold.UMAP} is not used: it runs its layout on one
 * thread, needs ARPACK for the spectral initialisation and cannot place new points. Its Levenberg-Marquardt solver
 * fits the a/b curve.
 *
 * <p>Where this departs from umap-learn, and why: the layout's parallel epochs are deterministic rather than
 * Hogwild (see {@code Layout}), the spectral eigenvectors come from a Chebyshev-filtered subspace iteration rather
 * than ARPACK, and a disconnected graph with more than four components places the components by PCA of their
 * centroids (see {@code SpectralInit}). Random numbers come from Java generators, so the same seed does not give
 * umap-learn's picture, but it always gives the same picture, for any thread count.
 */
public final class Umap {

    private static final Logger LOG = LoggerFactory.getLogger(Umap.class);
    private static final int LARGE_DATA = 10_000;
    private static final int CURVE_POINTS = 300;

    static {
        // findAB fits its curve with Smile's Levenberg-Marquardt, which reaches Smile's LAPACK
        SmileNatives.ensureLoaded();
    }

    /**
     * UMAP's settings, named after umap-learn's, as the experiment's {@code reduce.umap} section binds them (keys in
     * kebab-case: {@code min-dist}) and as {@link #fit} takes them. {@code neighbors} is umap-learn's
     * {@code n_neighbors} and counts the point itself, so a fit uses {@code neighbors - 1} graph neighbours (the
     * graph leaves the point out) and a transform {@code neighbors} training points. {@code epochs = 0} chooses 500
     * up to 10,000 points, as umap-learn, and 400 above, twice umap-learn's 200 (see {@link #fit}); a transform
     * runs a third of the epochs given, or umap-learn's 100 / 30 by default.
     *
     * @param neighbors          the local neighbourhood size, counting the point itself
     * @param minDist            how tightly points may pack in 2-D; at most {@code spread}
     * @param spread             the scale of the embedded points
     * @param epochs             layout epochs; 0 chooses as above
     * @param learningRate       the initial SGD step
     * @param negativeSampleRate negative samples per positive edge
     * @param repulsionStrength  the weight of the negative samples
     * @param localConnectivity  the neighbours assumed fully connected to each point
     * @param seed               seeds initialisation noise and sampling
     */
    public record Options(@Range(min = 2) int neighbors, @Range(min = 0) double minDist,
                          @Range(min = 0, minExclusive = true) double spread, @Range(min = 0) int epochs,
                          @Range(min = 0, minExclusive = true) double learningRate,
                          @Range(min = 1) int negativeSampleRate, @Range(min = 0) double repulsionStrength,
                          @Range(min = 0) double localConnectivity, long seed) {

        public Options {
            SettingRules.check(Options.class, neighbors, minDist, spread, epochs, learningRate, negativeSampleRate,
                    repulsionStrength, localConnectivity, seed);
            if (minDist > spread) {
                throw new InvalidSetting("min-dist", "min-dist = " + Numbers.number(minDist) + " is larger than "
                        + "spread = " + Numbers.number(spread) + "; keep min-dist <= spread");
            }
        }

        /** umap-learn's defaults, seed 42. */
        public static Options defaults() {
            return new Options(15, 0.1, 1.0, 0, 1.0, 5, 1.0, 1.0, 42L);
        }

        public Options withSeed(long newSeed) {
            return new Options(neighbors, minDist, spread, epochs, learningRate, negativeSampleRate,
                    repulsionStrength, localConnectivity, newSeed);
        }

        public Options withNeighbors(int newNeighbors) {
            return new Options(newNeighbors, minDist, spread, epochs, learningRate, negativeSampleRate,
                    repulsionStrength, localConnectivity, seed);
        }

        public Options withEpochs(int newEpochs) {
            return new Options(neighbors, minDist, spread, newEpochs, learningRate, negativeSampleRate,
                    repulsionStrength, localConnectivity, seed);
        }

        /** Throws {@link InvalidSetting} naming the key to lower when these options cannot map {@code n} points. */
        public void checkSize(int n) {
            if (neighbors > n) {
                throw new InvalidSetting("neighbors", "neighbors = " + neighbors + " (counting the point itself) "
                        + "needs at least that many points, got " + n + "; lower neighbors or map more points");
            }
        }
    }

    private final Options options;
    private final double a;
    private final double b;
    private final float[] embedding;

    private Umap(Options options, double a, double b, float[] embedding) {
        this.options = options;
        this.a = a;
        this.b = b;
        this.embedding = embedding;
    }

    /**
     * Embeds the points of {@code graph} (their {@code neighbors - 1} nearest other points, from
     * {@link dev.layerscope.neighbors.ExactNeighbors#of}). {@code data} is read only when the spectral
     * initialisation falls back to PCA, or to place the components of a disconnected graph. {@code parallel}'s
     * threads share the work; the same seed gives the same map for any number of them.
     */
    public static Umap fit(FloatMatrix data, NeighborGraph graph, Options options, Parallel parallel) {
        int n = graph.size();
        int width = options.neighbors() - 1;
        options.checkSize(n);
        if (graph.k() < width) {
            throw new IllegalArgumentException("neighbors = " + options.neighbors() + " needs a graph of at least "
                    + width + " neighbours per point (the point itself is not in the graph), got k = " + graph.k()
                    + ": compute the graph with more neighbours or lower neighbors");
        }
        if (data.rows() != n) {
            throw new IllegalArgumentException("the graph has " + n + " points, the data " + data.rows() + " rows");
        }
        int[] nonFinite = data.firstNonFinite();
        if (nonFinite != null) {
            throw new IllegalArgumentException("data[" + nonFinite[0] + "][" + nonFinite[1]
                    + "] is not finite: remove or impute non-finite values");
        }
        requireValidNeighbors(graph, width, n, true);
        double[] ab = findAB(options.minDist(), options.spread());
        // umap-learn's epoch count, which also says how weak an edge may be before it is dropped
        int defaultEpochs = n > LARGE_DATA ? 200 : 500;
        // This layout moves each point against the others' positions of the previous epoch (what makes it the same
        // for any thread count); above 10,000 points it needs twice umap-learn's epochs to separate the classes as
        // far (measured on Fashion-MNIST: kNN accuracy 0.848 after 200 epochs, 0.861 after 400; umap-learn 0.863).
        int epochs = options.epochs() != 0 ? options.epochs() : n > LARGE_DATA ? 2 * defaultEpochs : defaultEpochs;

        long start = System.nanoTime();
        NeighborGraph nearest = graph.truncate(width);
        FuzzySets.Bandwidths bandwidths = FuzzySets.smoothKnnDist(nearest, width, true, options.neighbors(),
                options.localConnectivity());
        SparseGraph fuzzy = FuzzySets.union(nearest, width, bandwidths);
        SparseGraph pruned = fuzzy.withoutEdgesBelow(fuzzy.maxWeight() / (epochs > 10 ? epochs : defaultEpochs));
        long fuzzyEnd = System.nanoTime();
        float[] initial = SpectralInit.layout(pruned, data, options.seed(), parallel);
        if (initial == null) {
            LOG.warn("UMAP: the spectral initialisation did not converge for {} points; initialising by PCA", n);
            initial = Pca.fit(data, 2, parallel).transform(data).values();
        }
        float[] layout = scaledInitialisation(initial, options.seed());
        long initialEnd = System.nanoTime();
        Layout.optimizeFit(layout, pruned, epochs, options, ab[0], ab[1], parallel);
        LOG.info("UMAP of {} points: fuzzy set {} s, spectral initialisation {} s, {} layout epochs {} s", n,
                seconds(fuzzyEnd - start), seconds(initialEnd - fuzzyEnd), epochs, seconds(System.nanoTime()
                        - initialEnd));
        return new Umap(options, ab[0], ab[1], layout);
    }

    /**
     * umap-learn's {@code transform}: places new points given their {@code neighbors} nearest training points
     * ({@link dev.layerscope.neighbors.ExactNeighbors#query}), starting at the membership-weighted mean of those
     * points' positions and moving only the new points against the fixed training embedding.
     */
    public FloatMatrix transform(NeighborGraph toTrain, Parallel parallel) {
        int k = options.neighbors();
        int trainSize = embedding.length / 2;
        if (toTrain.k() < k) {
            throw new IllegalArgumentException("transform needs the " + k + " nearest training points of each new "
                    + "point, the graph has k = " + toTrain.k() + ": query more neighbours");
        }
        requireValidNeighbors(toTrain, k, trainSize, false);
        int m = toTrain.size();
        NeighborGraph graph = toTrain.truncate(k);
        FuzzySets.Bandwidths bandwidths = FuzzySets.smoothKnnDist(graph, k, false, k,
                Math.max(0, options.localConnectivity() - 1));
        int[] offsets = new int[m + 1];
        int[] columns = new int[m * k];
        double[] weights = new double[m * k];
        float[] placed = new float[2 * m];
        for (int i = 0; i < m; i++) {
            offsets[i + 1] = (i + 1) * k;
            double total = 0;
            for (int r = 0; r < k; r++) {
                columns[i * k + r] = graph.neighbor(i, r);
                weights[i * k + r] = FuzzySets.membership(graph, bandwidths, i, r);
                total += weights[i * k + r];
            }
            for (int r = 0; r < k; r++) {
                int j = columns[i * k + r];
                placed[2 * i] += (float) (weights[i * k + r] / total * embedding[2 * j]);
                placed[2 * i + 1] += (float) (weights[i * k + r] / total * embedding[2 * j + 1]);
            }
        }
        int epochs = options.epochs() == 0 ? (m <= LARGE_DATA ? 100 : 30) : Math.max(1, options.epochs() / 3);
        SparseGraph memberships = new SparseGraph(offsets, columns, weights);
        SparseGraph pruned = memberships.withoutEdgesBelow(memberships.maxWeight() / epochs);
        Layout.optimizeTransform(placed, embedding, pruned, epochs, options, a, b, parallel);
        return new FloatMatrix(m, 2, placed);
    }

    /** The training points' positions, n x 2. */
    public FloatMatrix embedding() {
        return new FloatMatrix(embedding.length / 2, 2, embedding.clone());
    }

    public Options options() {
        return options;
    }

    /** The fitted {@code a} of the low-dimensional similarity {@code 1 / (1 + a d^2b)}. */
    public double a() {
        return a;
    }

    /** The fitted {@code b} of the low-dimensional similarity {@code 1 / (1 + a d^2b)}. */
    public double b() {
        return b;
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e9);
    }

    /**
     * umap-learn's {@code find_ab_params}: the least-squares fit of {@code 1 / (1 + a x^2b)} to 1 up to
     * {@code minDist} and {@code exp(-(x - minDist) / spread)} beyond, on 300 points up to {@code 3 spread}. The
     * point x = 0 is left out: the curve is 1 there for every a and b, so it adds nothing to the fit, but its
     * derivative in b involves {@code log 0}.
     */
    static double[] findAB(double minDist, double spread) {
        double step = 3 * spread / (CURVE_POINTS - 1);
        double[] x = new double[CURVE_POINTS - 1];
        double[] y = new double[CURVE_POINTS - 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i + 1) * step;
            y[i] = x[i] < minDist ? 1 : Math.exp(-(x[i] - minDist) / spread);
        }
        // Smile's convention: the parameters (a, 2b) first, then the abscissa
        DifferentiableMultivariateFunction curve = new DifferentiableMultivariateFunction() {
            @Override
            public double f(double[] v) {
                return 1 / (1 + v[0] * Math.pow(v[2], v[1]));
            }

            @Override
            public double g(double[] v, double[] gradient) {
                double power = Math.pow(v[2], v[1]);
                double denominator = 1 + v[0] * power;
                gradient[0] = -power / (denominator * denominator);
                gradient[1] = -v[0] * power * Math.log(v[2]) / (denominator * denominator);
                return 1 / denominator;
            }
        };
        double[] fitted = LevenbergMarquardt.fit(curve, x, y, new double[] {1, 2}).parameters();
        return new double[] {fitted[0], fitted[1] / 2};
    }

    /**
     * umap-learn's scaling of an initial layout: to a largest coordinate of 10 plus Gaussian noise of scale
     * 0.0001 (so no two points coincide), then each axis to [0, 10].
     */
    private static float[] scaledInitialisation(float[] initial, long seed) {
        double max = 0;
        for (float value : initial) {
            max = Math.max(max, Math.abs(value));
        }
        double expansion = max > 0 ? 10 / max : 1;
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] layout = new float[initial.length];
        for (int i = 0; i < layout.length; i++) {
            layout[i] = (float) (initial[i] * expansion) + (float) (random.nextGaussian() * 1e-4);
        }
        for (int axis = 0; axis < 2; axis++) {
            float min = Float.POSITIVE_INFINITY;
            float top = Float.NEGATIVE_INFINITY;
            for (int i = axis; i < layout.length; i += 2) {
                min = Math.min(min, layout[i]);
                top = Math.max(top, layout[i]);
            }
            for (int i = axis; i < layout.length; i += 2) {
                layout[i] = 10 * (layout[i] - min) / (top - min);
            }
        }
        return layout;
    }

    /** Rejects neighbour indices outside the reference set, self-loops in a fit, and non-finite distances. */
    private static void requireValidNeighbors(NeighborGraph graph, int width, int referenceSize, boolean self) {
        for (int i = 0; i < graph.size(); i++) {
            for (int r = 0; r < width; r++) {
                int j = graph.neighbor(i, r);
                float distance = graph.distance(i, r);
                if (j < 0 || j >= referenceSize) {
                    throw new IllegalArgumentException("neighbour " + r + " of point " + i + " is " + j
                            + ", outside the " + referenceSize + " reference points: the graph belongs to other data");
                }
                if (self && j == i) {
                    throw new IllegalArgumentException("point " + i + " is its own neighbour: build the graph with "
                            + "ExactNeighbors.of, which leaves each point out");
                }
                if (!Float.isFinite(distance) || distance < 0) {
                    throw new IllegalArgumentException("distance " + r + " of point " + i + " is " + distance
                            + ": distances must be finite and >= 0");
                }
            }
        }
    }
}

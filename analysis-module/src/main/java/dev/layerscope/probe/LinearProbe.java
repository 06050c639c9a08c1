package dev.layerscope.probe;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.NonEmpty;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.SettingRules;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SmileNatives;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import smile.math.BFGS;

/**
 * A linear probe (Alain and Bengio 2016): multinomial logistic regression with an L2 penalty, fitted on one layer's
 * activations of the training rows, to measure how far the layer's classes are linearly separable.
 *
 * <p>The features are first standardised with the training rows' mean and standard deviation (a column that is
 * constant on them keeps a scale of 1, as scikit-learn's {@code StandardScaler} does), so that one strength means
 * the same on every layer, whatever the scale of its values. The fit minimises
 * <pre>
 *     (1/n) sum_i -log softmax(W x_i + b)[y_i]  +  (strength / 2) |W|^2
 * </pre>
 * over the weights {@code W} (classes x columns) and the unpenalised biases {@code b}: the mean cross-entropy of the
 * standardised rows {@code x_i}. scikit-learn's {@code LogisticRegression(C = 1 / (strength n))} (multinomial,
 * lbfgs) minimises n times the same, so it has the same minimum. Smile's L-BFGS does the minimising; the loss and its
 * gradient are two single-precision BLAS products over each fixed part of the rows, the parts shared by
 * {@code parallel}'s threads (see {@link SoftmaxLoss}).
 *
 * <p>A fit takes every strength of its {@link Options} and returns one probe per strength. It fits them strongest
 * first, each starting from the solution of the one before (a path: a weaker penalty's solution is near a stronger
 * one's, so the weaker, slower fits start close), and starts the strongest from zero. The result depends on its
 * arguments alone.
 */
public final class LinearProbe {

    static {
        // BFGS is Smile's numerical code; Smile must find its BLAS before its first linear-algebra class initialises
        SmileNatives.ensureLoaded();
    }

    /** Corrections L-BFGS keeps: scipy's default, the one scikit-learn's lbfgs solver runs with. */
    private static final int CORRECTIONS = 10;

    /**
     * The probe's settings, as the experiment's {@code probe.logistic} section binds them and as {@link #fit} takes
     * them.
     *
     * @param strengths  the L2 penalties to fit, each on the standardised features; several are told apart on
     *                   validation rows ({@link #best})
     * @param iterations the most L-BFGS iterations of each strength's fit
     * @param tolerance  the fit stops when every gradient component, relative to its weight (at least 1) and the loss
     *                   (at least 1), is below this: Smile's L-BFGS test. The loss and gradient are computed in single
     *                   precision, which sets a floor near 1e-6 under what a fit can meet
     */
    public record Options(@NonEmpty @Range(min = 0, minExclusive = true) List<Double> strengths,
                          @Range(min = 1) int iterations, @Range(min = 0, minExclusive = true) double tolerance) {

        public Options {
            SettingRules.check(Options.class, strengths, iterations, tolerance);
            strengths = List.copyOf(strengths);
            if (strengths.stream().distinct().count() != strengths.size()) {
                throw new InvalidSetting("strengths", "names a strength twice: " + strengths);
            }
        }

        /** One strength. */
        public static Options of(double strength, int iterations, double tolerance) {
            return new Options(List.of(strength), iterations, tolerance);
        }
    }

    private final double strength;
    private final int classes;
    private final double[] weights;
    private final double[] bias;
    private final int iterations;
    private final boolean converged;
    private final double loss;
    /** The weights and biases for raw rows: the standardisation folded in, so prediction needs no copy of a row. */
    private final double[] rawWeights;
    private final double[] rawBias;

    private LinearProbe(double strength, int classes, Standardisation scaling, double[] parameters, int iterations,
                        boolean converged, double loss) {
        int d = scaling.mean().length;
        this.strength = strength;
        this.classes = classes;
        this.weights = Arrays.copyOf(parameters, classes * d);
        this.bias = Arrays.copyOfRange(parameters, classes * d, classes * (d + 1));
        this.iterations = iterations;
        this.converged = converged;
        this.loss = loss;
        this.rawWeights = new double[classes * d];
        this.rawBias = bias.clone();
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < d; j++) {
                double w = weights[k * d + j] / scaling.scale()[j];
                rawWeights[k * d + j] = w;
                rawBias[k] -= w * scaling.mean()[j];
            }
        }
    }

    /** {@link #fit(FloatMatrix, int[], int, Options, Parallel)} on the calling thread. */
    public static List<LinearProbe> fit(FloatMatrix x, int[] labels, int classes, Options options) {
        try (Parallel parallel = new Parallel(1)) {
            return fit(x, labels, classes, options, parallel);
        }
    }

    /**
     * Fits a probe for every strength of {@code options}.
     *
     * @param x       one row per training image, one column per feature
     * @param labels  the class of each row, in {@code [0, classes)}
     * @param classes the number of classes; a class without training rows is never predicted
     * @return one probe per strength, in the order of {@code options.strengths()}
     */
    public static List<LinearProbe> fit(FloatMatrix x, int[] labels, int classes, Options options,
                                        Parallel parallel) {
        if (labels.length != x.rows()) {
            throw new IllegalArgumentException(labels.length + " labels for " + x.rows() + " rows");
        }
        if (x.rows() == 0) {
            throw new IllegalArgumentException("a probe needs training rows, got none");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a probe tells classes apart; got " + classes + " class");
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " is not one of the " + classes + " classes");
            }
        }
        Standardisation scaling = Standardisation.of(x);
        int d = x.cols();
        List<Integer> strongestFirst = IntStream.range(0, options.strengths().size()).boxed()
                .sorted(Comparator.comparing((Integer i) -> options.strengths().get(i)).reversed()).toList();
        LinearProbe[] probes = new LinearProbe[strongestFirst.size()];
        double[] parameters = new double[classes * (d + 1)];
        try (SoftmaxLoss objective = new SoftmaxLoss(x, scaling, labels, classes, parallel)) {
            for (int i : strongestFirst) {
                double strength = options.strengths().get(i);
                objective.start(strength);
                BFGS.minimize(objective, CORRECTIONS, parameters, options.tolerance(), options.iterations());
                probes[i] = new LinearProbe(strength, classes, scaling, parameters, objective.gradients() - 1,
                        objective.relativeGradient() < options.tolerance(), objective.lastLoss());
            }
        }
        return List.of(probes);
    }

    /**
     * The probe of {@code probes} with the most of some rows right ({@code correct}, one count per probe, e.g. of the
     * validation rows); a tie goes to the strongest penalty, the simplest of the tied models.
     */
    public static int best(List<LinearProbe> probes, int[] correct) {
        if (probes.isEmpty() || correct.length != probes.size()) {
            throw new IllegalArgumentException(correct.length + " counts for " + probes.size() + " probes");
        }
        int best = 0;
        for (int i = 1; i < probes.size(); i++) {
            if (correct[i] > correct[best]
                    || correct[i] == correct[best] && probes.get(i).strength > probes.get(best).strength) {
                best = i;
            }
        }
        return best;
    }

    /** The class of each row: the largest score, the lowest class among equal ones. */
    public int[] predict(FloatMatrix x) {
        int d = rawWeights.length / classes;
        if (x.cols() != d) {
            throw new IllegalArgumentException("the probe was fitted on " + d + " columns, got " + x.cols());
        }
        float[] values = x.values();
        int[] predicted = new int[x.rows()];
        double[] scores = new double[classes];
        for (int i = 0; i < x.rows(); i++) {
            int offset = i * d;
            for (int k = 0; k < classes; k++) {
                double sum = rawBias[k];
                int w = k * d;
                for (int j = 0; j < d; j++) {
                    sum += rawWeights[w + j] * values[offset + j];
                }
                scores[k] = sum;
            }
            int top = 0;
            for (int k = 1; k < classes; k++) {
                if (scores[k] > scores[top]) {
                    top = k;
                }
            }
            predicted[i] = top;
        }
        return predicted;
    }

    /** How many rows of {@code x} the probe predicts as {@code labels} says. */
    public int correct(FloatMatrix x, int[] labels) {
        if (labels.length != x.rows()) {
            throw new IllegalArgumentException(labels.length + " labels for " + x.rows() + " rows");
        }
        int[] predicted = predict(x);
        int right = 0;
        for (int i = 0; i < predicted.length; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        return right;
    }

    /** The share of rows predicted right; NaN for no rows. */
    public double accuracy(FloatMatrix x, int[] labels) {
        return x.rows() == 0 ? Double.NaN : (double) correct(x, labels) / x.rows();
    }

    /** The L2 penalty it was fitted with. */
    public double strength() {
        return strength;
    }

    /** L-BFGS iterations its fit took. */
    public int iterations() {
        return iterations;
    }

    /** Whether its fit met the tolerance; otherwise it stopped at the iteration limit or could not improve. */
    public boolean converged() {
        return converged;
    }

    /** The mean cross-entropy of the training rows plus the penalty, at the weights found. */
    public double loss() {
        return loss;
    }

    /** The weights on the standardised features, one row of columns per class: classes x columns, row-major. */
    public double[] weights() {
        return weights.clone();
    }

    /** The biases, one per class. */
    public double[] bias() {
        return bias.clone();
    }

    /** The Euclidean norm of the weights on the standardised features (biases left out, as the penalty does). */
    public double weightNorm() {
        double sum = 0;
        for (double w : weights) {
            sum += w * w;
        }
        return Math.sqrt(sum);
    }

    /**
     * The training rows' column means and scales: the standard deviation (of the whole population, as scikit-learn's
     * {@code StandardScaler}), or 1 where a column is constant.
     */
    record Standardisation(double[] mean, double[] scale) {

        /** Two passes in double: a column of one value has a variance of exactly 0, not a rounding error. */
        static Standardisation of(FloatMatrix x) {
            int n = x.rows();
            int d = x.cols();
            float[] values = x.values();
            double[] mean = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += values[i * d + j];
                }
            }
            for (int j = 0; j < d; j++) {
                mean[j] /= n;
            }
            double[] scale = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    double centred = values[i * d + j] - mean[j];
                    scale[j] += centred * centred;
                }
            }
            for (int j = 0; j < d; j++) {
                double sd = Math.sqrt(scale[j] / n);
                scale[j] = sd > 0 ? sd : 1;
            }
            return new Standardisation(mean, scale);
        }

        /** Row {@code row} of {@code x}, standardised, into {@code out} from {@code at}. */
        void apply(FloatMatrix x, int row, float[] out, int at) {
            int d = mean.length;
            float[] values = x.values();
            for (int j = 0; j < d; j++) {
                out[at + j] = (float) ((values[row * d + j] - mean[j]) / scale[j]);
            }
        }
    }
}

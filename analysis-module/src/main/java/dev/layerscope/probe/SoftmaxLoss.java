package dev.layerscope.probe;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import smile.util.function.DifferentiableMultivariateFunction;

/**
 * The objective of {@link LinearProbe}: the mean cross-entropy of softmax regression on the standardised training
 * rows plus {@code (strength / 2) |W|^2}, and its gradient, for Smile's L-BFGS. The parameters are the weights
 * (classes x columns, row-major) followed by the biases.
 *
 * <p>The standardised rows are copied once into native memory, in parts of {@link #PART_ROWS} rows. Per part and
 * evaluation: the scores {@code Z = X W^T} (one single-precision BLAS product), the softmax and the loss in Java
 * (in double), then the part's gradient {@code (P - Y)^T X} (a second product). {@code parallel}'s threads share
 * the parts; the parts are fixed and their sums added in part order, so the result does not depend on the number of
 * threads.
 *
 * <p>The products call {@code cblas_sgemm} of the OpenBLAS that ND4J ships (JavaCPP's binding, which
 * {@code SmileNatives} loads for Smile too) rather than {@code Nd4j.gemm}: with only as many output columns as
 * classes, {@code Nd4j.gemm} took 5.5 ms for the two products of 4,096 rows of 64 values against 0.3 ms for
 * {@code cblas_sgemm} (the same for 784 values), which made a narrow layer's probe as slow as the raw pixels'.
 *
 * <p>Smile's line search asks for the loss alone, then for the gradient at the point it accepted: each loss
 * evaluation computes the gradient with it and keeps it, so that the accepted point costs no second pass.
 */
final class SoftmaxLoss implements DifferentiableMultivariateFunction, AutoCloseable {

    /**
     * Rows per part: enough that ND4J's fixed cost per product (more than the product of a few hundred
     * narrow rows costs) is small beside the product itself, few enough that two threads share 50,000 rows in about
     * equal halves.
     */
    static final int PART_ROWS = 4096;

    private final int n;
    private final int d;
    private final int classes;
    private final int[] labels;
    private final Parallel parallel;
    private final FloatPointer[] parts;
    /** Per part: its scores, then in the same memory its rows' gradient of the loss by the scores. */
    private final FloatPointer[] scores;
    /** Per part: its share of the weights' gradient. */
    private final FloatPointer[] partGradients;
    private final double[] partLosses;
    private final double[][] partBiasGradients;
    private final float[][] partWeightGradients;

    private double strength;
    private int gradients;
    private double[] evaluatedAt;
    private double evaluatedLoss;
    private double[] evaluatedGradient;

    SoftmaxLoss(FloatMatrix x, LinearProbe.Standardisation scaling, int[] labels, int classes, Parallel parallel) {
        this.n = x.rows();
        this.d = x.cols();
        this.classes = classes;
        this.labels = labels;
        this.parallel = parallel;
        int count = (n + PART_ROWS - 1) / PART_ROWS;
        this.parts = new FloatPointer[count];
        this.scores = new FloatPointer[count];
        this.partGradients = new FloatPointer[count];
        this.partLosses = new double[count];
        this.partBiasGradients = new double[count][classes];
        this.partWeightGradients = new float[count][classes * d];
        try {
            parallel.forRange(count, (from, to) -> {
                for (int part = from; part < to; part++) {
                    int first = part * PART_ROWS;
                    int rows = Math.min(n, first + PART_ROWS) - first;
                    float[] standardised = new float[rows * d];
                    for (int i = 0; i < rows; i++) {
                        scaling.apply(x, first + i, standardised, i * d);
                    }
                    parts[part] = new FloatPointer(standardised);
                    scores[part] = new FloatPointer((long) rows * classes);
                    partGradients[part] = new FloatPointer((long) classes * d);
                }
            });
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Starts a fit with {@code strength}: its own counts, nothing kept from the fit before. */
    void start(double strength) {
        this.strength = strength;
        this.gradients = 0;
        this.evaluatedAt = null;
    }

    /** How many times the fit asked for the gradient: once at its start, then once per iteration. */
    int gradients() {
        return gradients;
    }

    /** The loss at the last point evaluated. */
    double lastLoss() {
        return evaluatedLoss;
    }

    /**
     * Smile's convergence test at the last point evaluated: the largest gradient component times its parameter (at
     * least 1), over the loss (at least 1).
     */
    double relativeGradient() {
        double largest = 0;
        for (int i = 0; i < evaluatedGradient.length; i++) {
            largest = Math.max(largest, Math.abs(evaluatedGradient[i]) * Math.max(Math.abs(evaluatedAt[i]), 1));
        }
        return largest / Math.max(evaluatedLoss, 1);
    }

    @Override
    public double f(double[] parameters) {
        evaluate(parameters);
        return evaluatedLoss;
    }

    @Override
    public double g(double[] parameters, double[] gradient) {
        gradients++;
        if (evaluatedAt == null || !Arrays.equals(parameters, evaluatedAt)) {
            evaluate(parameters);
        }
        System.arraycopy(evaluatedGradient, 0, gradient, 0, gradient.length);
        return evaluatedLoss;
    }

    private void evaluate(double[] parameters) {
        int weightCount = classes * d;
        float[] weights = new float[weightCount];
        double penalty = 0;
        for (int i = 0; i < weightCount; i++) {
            weights[i] = (float) parameters[i];
            penalty += parameters[i] * parameters[i];
        }
        double[] bias = Arrays.copyOfRange(parameters, weightCount, weightCount + classes);
        try (FloatPointer w = new FloatPointer(weights)) {
            parallel.forRange(parts.length, (from, to) -> {
                float[] buffer = new float[PART_ROWS * classes];
                for (int part = from; part < to; part++) {
                    evaluatePart(part, w, bias, buffer);
                }
            });
        }
        double loss = 0;
        double[] gradient = new double[weightCount + classes];
        for (int part = 0; part < parts.length; part++) {
            loss += partLosses[part];
            float[] partWeights = partWeightGradients[part];
            for (int i = 0; i < weightCount; i++) {
                gradient[i] += partWeights[i];
            }
            for (int k = 0; k < classes; k++) {
                gradient[weightCount + k] += partBiasGradients[part][k];
            }
        }
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] /= n;
        }
        for (int i = 0; i < weightCount; i++) {
            gradient[i] += strength * parameters[i];
        }
        evaluatedAt = parameters.clone();
        evaluatedLoss = loss / n + strength / 2 * penalty;
        evaluatedGradient = gradient;
    }

    /** One part's loss (summed), its rows' bias gradient (summed) and its weights' gradient (summed). */
    private void evaluatePart(int part, FloatPointer w, double[] bias, float[] buffer) {
        FloatPointer x = parts[part];
        FloatPointer z = scores[part];
        int first = part * PART_ROWS;
        int rows = Math.min(n, first + PART_ROWS) - first;
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, rows, classes, d, 1f,
                x, d, w, d, 0f, z, classes);
        z.get(buffer, 0, rows * classes);
        double loss = 0;
        double[] biasGradient = partBiasGradients[part];
        Arrays.fill(biasGradient, 0);
        double[] row = new double[classes];
        for (int i = 0; i < rows; i++) {
            int at = i * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                row[k] = buffer[at + k] + bias[k];
                max = Math.max(max, row[k]);
            }
            int label = labels[first + i];
            double labelScore = row[label];
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                row[k] = Math.exp(row[k] - max);
                sum += row[k];
            }
            // -log p[label], with p = exp(z - max) / sum: no exp of a large score, no log of an underflowed 0
            loss += Math.log(sum) - (labelScore - max);
            for (int k = 0; k < classes; k++) {
                double residual = row[k] / sum - (k == label ? 1 : 0);
                // a residual too small for a normal float is flushed to 0: BLAS slows down by orders of magnitude on
                // subnormal numbers, and the gradient loses nothing a float could hold
                buffer[at + k] = Math.abs(residual) < Float.MIN_NORMAL ? 0 : (float) residual;
                biasGradient[k] += residual;
            }
        }
        partLosses[part] = loss;
        z.put(buffer, 0, rows * classes);
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, classes, d, rows, 1f,
                z, classes, x, d, 0f, partGradients[part], d);
        partGradients[part].get(partWeightGradients[part], 0, classes * d);
    }

    @Override
    public void close() {
        for (FloatPointer[] pointers : new FloatPointer[][] {parts, scores, partGradients}) {
            for (FloatPointer pointer : pointers) {
                if (pointer != null) {
                    pointer.close();
                }
            }
        }
    }
}

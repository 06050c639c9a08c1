package dev.layerscope.probe;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import smile.util.function.DifferentiableMultivariateFunction;

/**
 * The objective of {@link LinearProbe}: the mean cross-entropy of softmax regression on the standardised training
 * rows plus {@code (strength / 2) |W|^2}, and its gradient, for Smile's L-BFGS. The parameters are the weights
 * (classes x columns, row-major) followed by the biases.
 *
 * <p>The standardised rows are copied once into native memory, in parts of {@link #PART_ROWS} rows. Per part and
 * evaluation: the scores {@code Z = X W^T} (one single-precision BLAS product), the softmax and the loss in Java
 * (in double), then the part's gradient {@code (P - Y)^T X} (a second product, while the part is still in the
 * cache). {@code parallel}'s threads share the parts; the parts are fixed and their sums added in part order, so
 * the result does not depend on the number of threads.
 *
 * <p>Smile's line search asks for the loss alone, then for the gradient at the point it accepted: each loss
 * evaluation computes the gradient with it and keeps it, so that the accepted point costs no second pass.
 */
final class SoftmaxLoss implements DifferentiableMultivariateFunction, AutoCloseable {

    /** Rows per part: 1.6 MB of 784 floats, which stays in a core's cache from the first product to the second. */
    static final int PART_ROWS = 512;

    private final int n;
    private final int d;
    private final int classes;
    private final int[] labels;
    private final Parallel parallel;
    private final INDArray[] parts;
    /** Per part: its scores, then in the same memory its rows' gradient of the loss by the scores. */
    private final INDArray[] scores;
    /** Per part: its share of the weights' gradient. */
    private final INDArray[] partGradients;
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
        this.parts = new INDArray[count];
        this.scores = new INDArray[count];
        this.partGradients = new INDArray[count];
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
                    parts[part] = Nd4j.create(standardised, new long[] {rows, d}, 'c');
                    scores[part] = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, classes}, 'c');
                    partGradients[part] = Nd4j.createUninitialized(DataType.FLOAT, new long[] {classes, d}, 'c');
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
        try (INDArray w = Nd4j.create(weights, new long[] {classes, d}, 'c')) {
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
    private void evaluatePart(int part, INDArray w, double[] bias, float[] buffer) {
        INDArray x = parts[part];
        INDArray z = scores[part];
        int first = part * PART_ROWS;
        int rows = Math.min(n, first + PART_ROWS) - first;
        Nd4j.gemm(x, w, z, false, true, 1.0, 0.0);
        FloatPointer values = (FloatPointer) z.data().pointer();
        values.get(buffer, 0, rows * classes);
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
                buffer[at + k] = (float) residual;
                biasGradient[k] += residual;
            }
        }
        partLosses[part] = loss;
        values.put(buffer, 0, rows * classes);
        Nd4j.gemm(z, x, partGradients[part], true, false, 1.0, 0.0);
        ((FloatPointer) partGradients[part].data().pointer()).get(partWeightGradients[part], 0, classes * d);
    }

    @Override
    public void close() {
        for (INDArray[] arrays : new INDArray[][] {parts, scores, partGradients}) {
            for (INDArray array : arrays) {
                if (array != null) {
                    array.close();
                }
            }
        }
    }
}

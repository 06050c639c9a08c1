package dev.layerscope.collapse;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.SymmetricEigen;

/**
 * Neural collapse (Papyan, Han and Donoho, "Prevalence of neural collapse during the terminal phase of deep
 * learning training", PNAS 2020) of the features {@code h} a network's last, linear layer classifies, measured as
 * the paper defines them and the code published with it computes them, every sum in double:
 *
 * <ul>
 *   <li>the class mean {@code mu_c} is the mean of class c's training features; the global mean {@code mu_G} the
 *       mean of the C class means, as the published code takes it ({@code muG = mean(M)}), which is the mean of all
 *       training features, the paper's definition, when the classes are of equal size (as the paper's, and those
 *       of {@code capture.per-class}), and the centre of a simplex of class means when they are not; {@code M} is
 *       the C x width matrix of centred class means {@code mu_c - mu_G};</li>
 *   <li>{@code Sigma_W = (1/N) sum_i (h_i - mu_{y_i})(h_i - mu_{y_i})^T}, averaged over the N training samples
 *       (as the published code; not over classes, which is the same for classes of equal size), and
 *       {@code Sigma_B = (1/C) M^T M};</li>
 *   <li><b>NC1</b> {@code = Tr(Sigma_W Sigma_B^+) / C} (the paper's; the published code plots the trace alone):
 *       within-class variability against the spread of the class means, 0 when every feature sits on its class
 *       mean. {@code Sigma_B} has rank at most C - 1; its
 *       pseudo-inverse keeps the eigenvalues above {@link CollapseSettings#rankTolerance()} times the largest.
 *       {@code Sigma_B} (width x width) shares its non-zero eigenvalues with the C x C matrix {@code (1/C) M M^T},
 *       whose unit eigenvectors u give Sigma_B's as {@code M^T u / sqrt(C lambda)}: so the eigendecomposition
 *       ({@link SymmetricEigen}) is of a C x C matrix whatever the width, and
 *       {@code Tr(Sigma_W Sigma_B^+) = (1/N) sum_i sum_k (v_k . (h_i - mu_{y_i}))^2 / lambda_k} needs no width x
 *       width matrix at all;</li>
 *   <li><b>NC2</b>, towards a simplex equiangular tight frame: the coefficient of variation of the norms
 *       {@code ||mu_c - mu_G||} (their standard deviation with the n - 1 divisor, as the published code's
 *       {@code torch.std}, over their mean; 0 when all are equal), and the mean and standard deviation of the
 *       cosines between the C(C - 1)/2 pairs of centred class means (the deviation over the pairs themselves,
 *       divisor n, so that two classes, one pair, give 0); a simplex gives cosines of {@code -1/(C - 1)}
 *       ({@link #equiangularCosine}) with no spread;</li>
 *   <li><b>NC3</b>, self-duality: {@code || W / ||W||_F - M / ||M||_F ||_F} with W the last layer's C x width
 *       weights, 0 when the classifier is the centred class means up to scale, at most 2 (the published code plots
 *       its square);</li>
 *   <li><b>NC4</b>, towards the nearest class mean: the share of test images on which the network's prediction,
 *       {@code argmax_c (W h + b)_c} (the softmax is monotone), agrees with the nearest-class-mean classifier
 *       {@code argmin_c ||h - mu_c||} with the class means of the training split; 1 when they always agree (the
 *       published code plots the mismatch, 1 - agreement, on the training split). A tie goes to the lower class in
 *       both, as the train stage's predictions settle theirs.</li>
 * </ul>
 *
 * A pure function of its arguments: the same features, labels and weights give the same numbers.
 */
public final class NeuralCollapse {

    private NeuralCollapse() {
    }

    /**
     * The four measures of one layer at one moment of training.
     *
     * @param nc1          {@code Tr(Sigma_W Sigma_B^+) / C}; NaN when every class mean is the global mean
     * @param nc2NormCv    coefficient of variation of the centred class-mean norms
     * @param nc2CosMean   mean cosine between centred class means, to compare with {@link #equiangularCosine}
     * @param nc2CosStd    their standard deviation
     * @param nc3          distance between the normalised last-layer weights and the normalised centred means
     * @param nc4          share of test images the network and the nearest-class-mean classifier classify alike
     * @param betweenRank  eigenvalues of {@code Sigma_B} the pseudo-inverse kept: C - 1 unless the class means
     *                     are degenerate
     */
    public record Measures(double nc1, double nc2NormCv, double nc2CosMean, double nc2CosStd, double nc3,
                           double nc4, int betweenRank) {
    }

    /** The cosine between any two of C class means that form a simplex equiangular tight frame. */
    public static double equiangularCosine(int classes) {
        return -1.0 / (classes - 1);
    }

    /**
     * Measures NC1 to NC4.
     *
     * @param features      the training split's features, one row per image
     * @param labels        each training row's class
     * @param classes       C, at least 2; every class needs a training row
     * @param weights       the last layer's weights, C x width (DL4J keeps them width x C: transpose them)
     * @param bias          the last layer's bias, C values
     * @param testFeatures  the test split's features, whose predictions NC4 compares
     * @param settings      the pseudo-inverse's cut-off
     */
    public static Measures measure(FloatMatrix features, int[] labels, int classes, float[][] weights, float[] bias,
                                   FloatMatrix testFeatures, CollapseSettings settings) {
        int width = features.cols();
        checkArguments(features, labels, classes, weights, bias, testFeatures);
        int n = features.rows();
        float[] h = features.values();

        int[] counts = new int[classes];
        double[][] means = new double[classes][width];
        double[] global = new double[width];
        for (int i = 0; i < n; i++) {
            int c = labels[i];
            counts[c]++;
            for (int j = 0; j < width; j++) {
                means[c][j] += h[i * width + j];
            }
        }
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class " + c + " has no training features: its mean, and "
                        + "neural collapse, are not defined");
            }
            for (int j = 0; j < width; j++) {
                means[c][j] /= counts[c];
                global[j] += means[c][j] / classes;
            }
        }
        double[][] centred = new double[classes][width];
        for (int j = 0; j < width; j++) {
            for (int c = 0; c < classes; c++) {
                centred[c][j] = means[c][j] - global[j];
            }
        }

        // Sigma_B's eigenpairs through the C x C Gram matrix (1/C) M M^T
        double[][] gram = new double[classes][classes];
        for (int a = 0; a < classes; a++) {
            for (int b = a; b < classes; b++) {
                gram[a][b] = dot(centred[a], centred[b]) / classes;
                gram[b][a] = gram[a][b];
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        double[] lambda = eigen.values();
        int rank = 0;
        while (rank < classes && lambda[0] > 0 && lambda[rank] > settings.rankTolerance() * lambda[0]) {
            rank++;
        }
        double[][] directions = new double[rank][width];
        for (int k = 0; k < rank; k++) {
            double[] u = eigen.vector(k);
            double scale = 1 / Math.sqrt(classes * lambda[k]);
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j < width; j++) {
                    directions[k][j] += u[c] * centred[c][j] * scale;
                }
            }
        }
        double trace = 0;
        double[] deviation = new double[width];
        for (int i = 0; i < n; i++) {
            double[] mean = means[labels[i]];
            for (int j = 0; j < width; j++) {
                deviation[j] = h[i * width + j] - mean[j];
            }
            for (int k = 0; k < rank; k++) {
                double projection = dot(directions[k], deviation);
                trace += projection * projection / lambda[k];
            }
        }
        double nc1 = rank == 0 ? Double.NaN : trace / n / classes;

        double[] norms = new double[classes];
        for (int c = 0; c < classes; c++) {
            norms[c] = Math.sqrt(dot(centred[c], centred[c]));
        }
        double normMean = mean(norms);
        double normCv = Math.sqrt(sumOfSquares(norms, normMean) / (classes - 1)) / normMean;
        double[] cosines = new double[classes * (classes - 1) / 2];
        int pair = 0;
        for (int a = 0; a < classes; a++) {
            for (int b = a + 1; b < classes; b++) {
                cosines[pair++] = dot(centred[a], centred[b]) / (norms[a] * norms[b]);
            }
        }
        double cosMean = mean(cosines);
        double cosStd = Math.sqrt(sumOfSquares(cosines, cosMean) / cosines.length);

        double weightNorm = 0;
        double meanNorm = 0;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < width; j++) {
                weightNorm += (double) weights[c][j] * weights[c][j];
                meanNorm += centred[c][j] * centred[c][j];
            }
        }
        weightNorm = Math.sqrt(weightNorm);
        meanNorm = Math.sqrt(meanNorm);
        double duality = 0;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < width; j++) {
                double d = weights[c][j] / weightNorm - centred[c][j] / meanNorm;
                duality += d * d;
            }
        }

        int[] network = networkPredictions(testFeatures, weights, bias);
        int[] nearest = nearestMean(testFeatures, means);
        int agree = 0;
        for (int i = 0; i < network.length; i++) {
            agree += network[i] == nearest[i] ? 1 : 0;
        }
        return new Measures(nc1, normCv, cosMean, cosStd, Math.sqrt(duality), (double) agree / network.length,
                rank);
    }

    /**
     * The network's prediction of each row: {@code argmax_c (W h + b)_c} in double, the lower class on a tie. The
     * softmax after it is monotone, so this is the class the network's output ranks first.
     */
    public static int[] networkPredictions(FloatMatrix features, float[][] weights, float[] bias) {
        int width = features.cols();
        int[] predicted = new int[features.rows()];
        for (int i = 0; i < features.rows(); i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < weights.length; c++) {
                double logit = bias[c];
                for (int j = 0; j < width; j++) {
                    logit += (double) weights[c][j] * features.values()[i * width + j];
                }
                if (logit > best) {
                    best = logit;
                    predicted[i] = c;
                }
            }
        }
        return predicted;
    }

    /** The nearest-class-mean classifier: {@code argmin_c ||h - mu_c||} in double, the lower class on a tie. */
    public static int[] nearestMean(FloatMatrix features, double[][] means) {
        int width = features.cols();
        int[] nearest = new int[features.rows()];
        for (int i = 0; i < features.rows(); i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < means.length; c++) {
                double distance = 0;
                for (int j = 0; j < width; j++) {
                    double d = features.values()[i * width + j] - means[c][j];
                    distance += d * d;
                }
                if (distance < best) {
                    best = distance;
                    nearest[i] = c;
                }
            }
        }
        return nearest;
    }

    private static void checkArguments(FloatMatrix features, int[] labels, int classes, float[][] weights,
                                       float[] bias, FloatMatrix testFeatures) {
        if (classes < 2) {
            throw new IllegalArgumentException("neural collapse needs at least 2 classes, got " + classes);
        }
        if (labels.length != features.rows()) {
            throw new IllegalArgumentException(labels.length + " labels for " + features.rows() + " training rows");
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " is not one of the " + classes + " classes");
            }
        }
        if (weights.length != classes || bias.length != classes) {
            throw new IllegalArgumentException("the last layer has " + weights.length + " weight rows and "
                    + bias.length + " biases for " + classes + " classes");
        }
        for (float[] row : weights) {
            if (row.length != features.cols()) {
                throw new IllegalArgumentException("the last layer takes " + row.length + " values; the features "
                        + "have " + features.cols());
            }
        }
        if (testFeatures.cols() != features.cols() || testFeatures.rows() == 0) {
            throw new IllegalArgumentException("NC4 needs test features as wide as the training ones ("
                    + features.cols() + "), got " + testFeatures.rows() + "x" + testFeatures.cols());
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    private static double sumOfSquares(double[] values, double mean) {
        double sum = 0;
        for (double value : values) {
            sum += (value - mean) * (value - mean);
        }
        return sum;
    }
}

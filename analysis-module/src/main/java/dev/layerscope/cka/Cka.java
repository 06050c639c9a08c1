package dev.layerscope.cka;

import dev.layerscope.linalg.FloatMatrix;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Linear centred kernel alignment (Kornblith, Norouzi, Lee and Hinton 2019, "Similarity of Neural Network
 * Representations Revisited"): how alike two representations of the same n images are, invariant to an orthogonal
 * transform and an isotropic scaling of either, 1 for representations equal up to those.
 *
 * <p>CKA(X, Y) = HSIC(X, Y) / sqrt(HSIC(X, X) HSIC(Y, Y)) with the linear kernels K = X X^T and L = Y Y^T. Nothing
 * here forms an n x n Gram matrix: after centring the columns, tr(K L) = ||X^T Y||_F^2 (a p x q product), and the
 * unbiased estimator of HSIC (Song, Smola, Gretton, Bedo and Borgwardt 2012) needs besides it only the rows'
 * squared norms, as in Kornblith's {@code feature_space_linear_cka}. The columns are centred in double and the
 * products are double-precision BLAS products (ND4J): a few GFLOP for the default layers, well under a second.
 *
 * <p>Both functions are pure: a later step calls them on the per-epoch matrices.
 */
public final class Cka {

    /** How HSIC is estimated. */
    public enum Estimator {
        /**
         * The biased estimator tr(K H L H) / (n - 1)^2 of Gretton et al. 2005, the one Kornblith et al. report
         * throughout: with linear kernels, ||X^T Y||_F^2 / (||X^T X||_F ||Y^T Y||_F) of the centred columns.
         */
        LINEAR_BIASED,
        /**
         * The unbiased estimator of Song et al. 2012 (the diagonals of K and L left out), which does not drift
         * towards 1 when the representations are wide for the number of images; it may come out slightly negative
         * for unrelated representations.
         */
        UNBIASED;

        /** The estimator as the settings and files spell it: {@code linear-biased}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The estimator {@link #key} spells. */
        public static Estimator ofKey(String key) {
            for (Estimator estimator : values()) {
                if (estimator.key().equals(key)) {
                    return estimator;
                }
            }
            throw new IllegalArgumentException("no CKA estimator is called `" + key + "`");
        }
    }

    private Cka() {
    }

    /**
     * The linear CKA of two representations of the same images, row i of each being image i.
     *
     * @return in [0, 1] for {@link Estimator#LINEAR_BIASED}; NaN when either representation is constant (it has no
     *         variance to align)
     */
    public static double linear(FloatMatrix a, FloatMatrix b, Estimator estimator) {
        return linear(Representation.of(a), Representation.of(b), estimator);
    }

    /**
     * The same from representations centred once: a stage comparing every pair of layers centres each layer once and
     * computes its own HSIC once.
     */
    public static double linear(Representation a, Representation b, Estimator estimator) {
        if (a.rows != b.rows) {
            throw new IllegalArgumentException("CKA compares representations of the same images: one has " + a.rows
                    + " rows, the other " + b.rows);
        }
        double cross = hsic(crossSquaredNorm(a, b), a, b, estimator);
        double normaliser = Math.sqrt(a.selfHsic(estimator) * b.selfHsic(estimator));
        // a constant representation has HSIC 0 with everything, itself included: no alignment to speak of
        return normaliser > 0 ? cross / normaliser : Double.NaN;
    }

    /**
     * A representation with its columns centred (in double), ready for CKA against others of the same rows, with
     * what every comparison needs of it alone: its rows' squared norms, their sum, and ||X^T X||_F^2.
     */
    public static final class Representation {

        private final int rows;
        private final int cols;
        private final double[] centred;
        private final double[] rowSquaredNorms;
        private final double squaredNorm;
        private final double selfCrossSquaredNorm;

        private Representation(int rows, int cols, double[] centred) {
            this.rows = rows;
            this.cols = cols;
            this.centred = centred;
            this.rowSquaredNorms = new double[rows];
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                double row = 0;
                for (int j = i * cols, end = j + cols; j < end; j++) {
                    row += centred[j] * centred[j];
                }
                rowSquaredNorms[i] = row;
                sum += row;
            }
            this.squaredNorm = sum;
            this.selfCrossSquaredNorm = crossSquaredNorm(centred, centred, rows, cols, cols);
        }

        /** Centres the columns of {@code points} (one row per image). */
        public static Representation of(FloatMatrix points) {
            int n = points.rows();
            int p = points.cols();
            if (n < 2) {
                throw new IllegalArgumentException("CKA needs at least 2 images, got " + n);
            }
            double[] means = new double[p];
            float[] values = points.values();
            for (int i = 0; i < n; i++) {
                for (int j = 0, offset = i * p; j < p; j++) {
                    means[j] += values[offset + j];
                }
            }
            for (int j = 0; j < p; j++) {
                means[j] /= n;
            }
            double[] centred = new double[values.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0, offset = i * p; j < p; j++) {
                    centred[offset + j] = values[offset + j] - means[j];
                }
            }
            return new Representation(n, p, centred);
        }

        public int rows() {
            return rows;
        }

        /** HSIC of the representation with itself, up to the factor that CKA cancels. */
        double selfHsic(Estimator estimator) {
            return hsic(selfCrossSquaredNorm, this, this, estimator);
        }
    }

    /**
     * HSIC of two centred representations up to a factor that depends on n alone (which CKA cancels), from
     * ||X^T Y||_F^2. Unbiased (Song et al. 2012, with the columns centred so that K 1 = L 1 = 0):
     * n (n - 3) HSIC = ||X^T Y||^2 - n / (n - 2) sum_i |x_i|^2 |y_i|^2 + ||X||^2 ||Y||^2 / ((n - 1) (n - 2)).
     */
    private static double hsic(double crossSquaredNorm, Representation a, Representation b, Estimator estimator) {
        return switch (estimator) {
            case LINEAR_BIASED -> crossSquaredNorm;
            case UNBIASED -> {
                int n = a.rows;
                if (n < 4) {
                    throw new IllegalArgumentException("the unbiased HSIC needs at least 4 images, got " + n);
                }
                double diagonal = 0;
                for (int i = 0; i < n; i++) {
                    diagonal += a.rowSquaredNorms[i] * b.rowSquaredNorms[i];
                }
                yield crossSquaredNorm - (double) n / (n - 2) * diagonal
                        + a.squaredNorm * b.squaredNorm / ((double) (n - 1) * (n - 2));
            }
        };
    }

    private static double crossSquaredNorm(Representation a, Representation b) {
        return crossSquaredNorm(a.centred, b.centred, a.rows, a.cols, b.cols);
    }

    /** ||X^T Y||_F^2 of row-major X (n x p) and Y (n x q) by one double-precision BLAS product, p x q. */
    private static double crossSquaredNorm(double[] a, double[] b, int n, int p, int q) {
        try (INDArray x = Nd4j.create(a, new long[] {n, p}, 'c');
             INDArray y = a == b ? null : Nd4j.create(b, new long[] {n, q}, 'c');
             INDArray product = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {p, q}, 'c')) {
            Nd4j.gemm(x, y == null ? x : y, product, true, false, 1.0, 0.0);
            double sum = 0;
            for (double value : product.data().asDouble()) {
                sum += value * value;
            }
            return sum;
        }
    }
}

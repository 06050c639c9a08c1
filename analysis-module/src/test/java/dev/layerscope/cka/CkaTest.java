package dev.layerscope.cka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.GramSchmidt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Linear CKA on constructed representations whose CKA is known, and against its n x n Gram-matrix definition. */
class CkaTest {

    @ParameterizedTest
    @EnumSource(Cka.Estimator.class)
    void anOrthogonalTransformAndAnIsotropicScalingOfARepresentationLeaveItsCkaWithItAt1(Cka.Estimator estimator) {
        Random random = new Random(1);
        FloatMatrix x = gaussian(random, 300, 20);
        // 20 orthonormal rows in R^30: X Q keeps every inner product of X's rows, in more dimensions
        double[] q = orthonormalRows(random, 20, 30);
        FloatMatrix y = FloatMatrix.zeros(300, 30);
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 30; j++) {
                double sum = 0;
                for (int k = 0; k < 20; k++) {
                    sum += x.get(i, k) * q[k * 30 + j];
                }
                // scaled by 2.5 and moved by a constant: neither changes CKA
                y.set(i, j, (float) (2.5 * sum + 7 + j));
            }
        }
        assertEquals(1, Cka.linear(x, y, estimator), 1e-6);
        assertEquals(1, Cka.linear(y, x, estimator), 1e-6);
        assertEquals(1, Cka.linear(x, x, estimator), 1e-12);
    }

    /**
     * X = [a u, b v] and Y = [u] for centred orthonormal columns u, v: X^T Y = (a, 0), X^T X = diag(a^2, b^2), so
     * the biased CKA is a^2 / sqrt(a^4 + b^4).
     */
    @Test
    void scaledOrthonormalColumnsHaveTheirClosedFormCka() {
        int n = 50;
        Random random = new Random(2);
        double[] columns = new double[2 * n];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = random.nextGaussian();
        }
        // the constant vector first, so that the two columns made orthonormal to it are centred
        double[] withOnes = new double[3 * n];
        java.util.Arrays.fill(withOnes, 0, n, 1);
        System.arraycopy(columns, 0, withOnes, n, 2 * n);
        GramSchmidt.orthonormalize(withOnes, 3, n, n, 1);
        double a = 1;
        double b = 2;
        FloatMatrix x = FloatMatrix.zeros(n, 2);
        FloatMatrix y = FloatMatrix.zeros(n, 1);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, (float) (a * withOnes[n + i]));
            x.set(i, 1, (float) (b * withOnes[2 * n + i]));
            y.set(i, 0, (float) withOnes[n + i]);
        }
        assertEquals(a * a / Math.sqrt(Math.pow(a, 4) + Math.pow(b, 4)), Cka.linear(x, y,
                Cka.Estimator.LINEAR_BIASED), 1e-6);
    }

    /**
     * The feature-space formulas against HSIC's definitions on Gram matrices: tr(K H L H) with the centring matrix
     * H for the biased estimator, and Song et al.'s unbiased estimator with the diagonals of K and L set to 0.
     */
    @ParameterizedTest
    @EnumSource(Cka.Estimator.class)
    void theFeatureSpaceFormulasEqualHsicOnGramMatrices(Cka.Estimator estimator) {
        Random random = new Random(3);
        int n = 15;
        FloatMatrix x = gaussian(random, n, 4);
        FloatMatrix y = gaussian(random, n, 6);
        for (int i = 0; i < n; i++) {
            // related representations, not centred
            y.set(i, 0, x.get(i, 0) * 2 + x.get(i, 1) + 3);
            y.set(i, 1, x.get(i, 2) * x.get(i, 2));
        }
        double[][] k = gram(x);
        double[][] l = gram(y);
        double expected = gramHsic(k, l, estimator) / Math.sqrt(gramHsic(k, k, estimator) * gramHsic(l, l, estimator));
        assertEquals(expected, Cka.linear(x, y, estimator), 1e-9);
    }

    /**
     * Independent representations that are wide for the number of images: the biased estimator drifts far above 0
     * (to about sqrt(p q) / (n + p) for Gaussian columns), the unbiased one stays near it.
     */
    @Test
    void theUnbiasedEstimatorDoesNotDriftUpForWideUnrelatedRepresentations() {
        Random random = new Random(4);
        FloatMatrix x = gaussian(random, 500, 200);
        FloatMatrix y = gaussian(random, 500, 200);
        double biased = Cka.linear(x, y, Cka.Estimator.LINEAR_BIASED);
        double unbiased = Cka.linear(x, y, Cka.Estimator.UNBIASED);
        assertEquals(200.0 / 700, biased, 0.03);
        assertEquals(0, unbiased, 0.02);
    }

    @Test
    void aConstantRepresentationHasNoCka() {
        FloatMatrix constant = FloatMatrix.zeros(10, 3);
        assertTrue(Double.isNaN(Cka.linear(constant, gaussian(new Random(5), 10, 2), Cka.Estimator.LINEAR_BIASED)));
    }

    @Test
    void representationsOfDifferentImageCountsAreRejected() {
        Random random = new Random(6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cka.linear(
                gaussian(random, 10, 2), gaussian(random, 11, 2), Cka.Estimator.LINEAR_BIASED));
        assertTrue(e.getMessage().contains("one has 10 rows, the other 11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cka.linear(gaussian(random, 3, 2),
                gaussian(random, 3, 2), Cka.Estimator.UNBIASED));
        assertTrue(e.getMessage().contains("the unbiased HSIC needs at least 4 images, got 3"), e.getMessage());
    }

    private static FloatMatrix gaussian(Random random, int rows, int cols) {
        FloatMatrix m = FloatMatrix.zeros(rows, cols);
        for (int i = 0; i < m.values().length; i++) {
            m.values()[i] = (float) random.nextGaussian();
        }
        return m;
    }

    /** {@code count} orthonormal rows of {@code length} values, row-major. */
    private static double[] orthonormalRows(Random random, int count, int length) {
        double[] rows = new double[count * length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = random.nextGaussian();
        }
        GramSchmidt.orthonormalize(rows, count, length, length, 1);
        return rows;
    }

    private static double[][] gram(FloatMatrix x) {
        int n = x.rows();
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < x.cols(); c++) {
                    k[i][j] += (double) x.get(i, c) * x.get(j, c);
                }
            }
        }
        return k;
    }

    /** HSIC from Gram matrices, by each estimator's definition (up to factors of n that CKA cancels). */
    private static double gramHsic(double[][] k, double[][] l, Cka.Estimator estimator) {
        int n = k.length;
        if (estimator == Cka.Estimator.LINEAR_BIASED) {
            double[][] kc = centred(k);
            double[][] lc = centred(l);
            double trace = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    trace += kc[i][j] * lc[j][i];
                }
            }
            return trace / ((double) (n - 1) * (n - 1));
        }
        // Song et al. 2012: 1 / (n (n - 3)) [tr(K~ L~) + 1'K~1 1'L~1 / ((n - 1)(n - 2)) - 2 / (n - 2) 1'K~L~1]
        double[][] kt = new double[n][n];
        double[][] lt = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                kt[i][j] = i == j ? 0 : k[i][j];
                lt[i][j] = i == j ? 0 : l[i][j];
            }
        }
        double trace = 0;
        double sumK = 0;
        double sumL = 0;
        double[] kOnes = new double[n];
        double[] lOnes = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                trace += kt[i][j] * lt[j][i];
                sumK += kt[i][j];
                sumL += lt[i][j];
                kOnes[i] += kt[i][j];
                lOnes[i] += lt[i][j];
            }
        }
        double oneKLOne = 0;
        for (int i = 0; i < n; i++) {
            oneKLOne += kOnes[i] * lOnes[i];
        }
        return (trace + sumK * sumL / ((double) (n - 1) * (n - 2)) - 2.0 / (n - 2) * oneKLOne)
                / ((double) n * (n - 3));
    }

    /** H K H with H = I - 1 1^T / n. */
    private static double[][] centred(double[][] k) {
        int n = k.length;
        double[] rowMeans = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rowMeans[i] += k[i][j] / n;
            }
            total += rowMeans[i] / n;
        }
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                // K is symmetric: its column means are its row means
                c[i][j] = k[i][j] - rowMeans[i] - rowMeans[j] + total;
            }
        }
        return c;
    }
}

package dev.layerscope.reduce.pca;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.GramSchmidt;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SymmetricEigen;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Principal component analysis by the leading eigenvectors of the covariance matrix, from subspace iteration. For
 * many components the covariance is formed once (BLAS products over the data) and each step multiplies by it; for a
 * few components of wide data (2 of 784 pixels) it is never formed and each step multiplies by the data twice, as
 * scikit-learn's randomized solver does. Narrow covariances are decomposed whole.
 *
 * <p>Each component's sign is fixed so that its entry of largest magnitude is positive: the same data always gives
 * the same picture, not a mirrored one.
 */
public final class Pca {

    /** Covariance matrices up to this width are decomposed whole by Jacobi rotations. */
    private static final int WHOLE_DECOMPOSITION_MAX = 128;
    private static final int MAX_SUBSPACE_ITERATIONS = 300;
    /**
     * Multiplying by the covariance without forming it costs about 4 n d b per step for a block of b vectors,
     * forming it n d^2 once; with about a dozen steps the first is cheaper when 48 b < d (2 components of 784).
     */
    private static final int DIRECT_COST_FACTOR = 48;
    /** Extra vectors in the block of a subspace iteration that does not form the covariance, as scikit-learn's. */
    private static final int OVERSAMPLING = 10;
    /** Rows per part of the sums and products. */
    private static final int PART_ROWS = 8192;

    private final float[] mean;
    private final FloatMatrix components;
    private final double[] explainedVariance;
    private final double totalVariance;

    private Pca(float[] mean, FloatMatrix components, double[] explainedVariance, double totalVariance) {
        this.mean = mean;
        this.components = components;
        this.explainedVariance = explainedVariance;
        this.totalVariance = totalVariance;
    }

    /** Fits the {@code count} leading principal components of the rows of {@code data}, on one thread. */
    public static Pca fit(FloatMatrix data, int count) {
        try (Parallel parallel = new Parallel(1)) {
            return fit(data, count, parallel);
        }
    }

    /**
     * Fits the {@code count} leading principal components of the rows of {@code data}; {@code parallel}'s threads
     * share the parts of the rows to sum and multiply.
     */
    public static Pca fit(FloatMatrix data, int count, Parallel parallel) {
        int n = data.rows();
        int d = data.cols();
        if (n < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 points, got " + n);
        }
        if (count < 1 || count > d) {
            throw new IllegalArgumentException("PCA of " + d + "-dimensional data cannot have " + count
                    + " components");
        }
        // parts of a fixed size, summed in order: the result does not depend on the number of threads
        int parts = (n + PART_ROWS - 1) / PART_ROWS;
        boolean direct = d > WHOLE_DECOMPOSITION_MAX && DIRECT_COST_FACTOR * (count + OVERSAMPLING) < d;
        double[][] partSums = new double[parts][d];
        double[][] partSquares = new double[parts][d];
        float[][] partProducts = new float[parts][];
        float[] values = data.values();
        parallel.forRange(parts, (fromPart, toPart) -> {
            for (int part = fromPart; part < toPart; part++) {
                int from = part * PART_ROWS;
                int to = Math.min(n, from + PART_ROWS);
                double[] sums = partSums[part];
                double[] squares = partSquares[part];
                for (int i = from; i < to; i++) {
                    for (int j = 0; j < d; j++) {
                        float value = values[i * d + j];
                        sums[j] += value;
                        squares[j] += value * value;
                    }
                }
                if (!direct) {
                    partProducts[part] = gram(values, from, to, d);
                }
            }
        });
        double[] mean = new double[d];
        double[] squares = new double[d];
        for (int part = 0; part < parts; part++) {
            for (int j = 0; j < d; j++) {
                mean[j] += partSums[part][j];
                squares[j] += partSquares[part][j];
            }
        }
        double total = 0;
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
            total += (squares[j] - n * mean[j] * mean[j]) / (n - 1);
        }
        Eigenpairs top;
        if (direct) {
            INDArray[] rows = new INDArray[parts];
            // one native copy of the data; the parts are views of its row ranges, which share its memory
            try (INDArray all = Nd4j.create(values, new long[] {n, d}, 'c')) {
                for (int part = 0; part < parts; part++) {
                    rows[part] = all.get(NDArrayIndex.interval(part * PART_ROWS, Math.min(n, (part + 1) * PART_ROWS)),
                            NDArrayIndex.all());
                }
                top = subspaceIteration(d, count, count + OVERSAMPLING,
                        basis -> covarianceTimes(rows, mean, n, basis, parallel));
            }
        } else {
            try (INDArray covariance = covariance(partProducts, n, d, mean)) {
                if (d <= WHOLE_DECOMPOSITION_MAX) {
                    double[] flat = covariance.data().asDouble();
                    double[][] matrix = new double[d][];
                    for (int j = 0; j < d; j++) {
                        matrix[j] = Arrays.copyOfRange(flat, j * d, (j + 1) * d);
                    }
                    top = whole(matrix, count);
                } else {
                    top = subspaceIteration(d, count, count + 16, basis -> timesMatrix(basis, covariance));
                }
            }
        }
        float[] componentValues = new float[count * d];
        double[] explained = new double[count];
        for (int c = 0; c < count; c++) {
            explained[c] = Math.max(0, top.values()[c]);
            double[] vector = top.vector(c);
            int largest = 0;
            for (int j = 1; j < d; j++) {
                if (Math.abs(vector[j]) > Math.abs(vector[largest])) {
                    largest = j;
                }
            }
            double sign = vector[largest] < 0 ? -1 : 1;
            for (int j = 0; j < d; j++) {
                componentValues[c * d + j] = (float) (sign * vector[j]);
            }
        }
        float[] floatMean = new float[d];
        for (int j = 0; j < d; j++) {
            floatMean[j] = (float) mean[j];
        }
        return new Pca(floatMean, new FloatMatrix(count, d, componentValues), explained, total);
    }

    /** The leading eigenvalues (largest first) and unit eigenvectors of a symmetric matrix. */
    private record Eigenpairs(double[] values, double[][] vectors) {
        double[] vector(int rank) {
            return vectors[rank];
        }
    }

    /** The {@code count} leading eigenpairs of a small symmetric matrix, by decomposing it whole. */
    private static Eigenpairs whole(double[][] matrix, int count) {
        SymmetricEigen eigen = SymmetricEigen.of(matrix);
        double[][] vectors = new double[count][];
        for (int c = 0; c < count; c++) {
            vectors[c] = eigen.vector(c);
        }
        return new Eigenpairs(Arrays.copyOf(eigen.values(), count), vectors);
    }

    /**
     * The {@code count} leading eigenpairs of the covariance matrix by subspace iteration on a block of
     * {@code blockSize} vectors: {@code times} multiplies the block's rows by the covariance matrix; the block's Ritz
     * values are checked every other step until they settle, then Rayleigh-Ritz gives the vectors.
     */
    private static Eigenpairs subspaceIteration(int d, int count, int blockSize, UnaryOperator<double[]> times) {
        int block = Math.min(d, blockSize);
        java.util.Random random = new java.util.Random(0);
        double[] basis = new double[block * d];
        for (int i = 0; i < basis.length; i++) {
            basis[i] = random.nextGaussian();
        }
        GramSchmidt.orthonormalize(basis, block, d, d, 1);
        double[] previous = null;
        for (int iteration = 0; iteration < MAX_SUBSPACE_ITERATIONS; iteration++) {
            double[] product = times.apply(basis);
            if (iteration % 2 == 1) {
                double[] ritz = SymmetricEigen.of(projected(basis, product, block, d)).values();
                if (previous != null && settled(previous, ritz, count)) {
                    break;
                }
                previous = ritz;
            }
            basis = product;
            GramSchmidt.orthonormalize(basis, block, d, d, 1);
        }
        SymmetricEigen small = SymmetricEigen.of(projected(basis, times.apply(basis), block, d));
        double[][] vectors = new double[count][d];
        for (int c = 0; c < count; c++) {
            double[] coefficients = small.vector(c);
            for (int b = 0; b < block; b++) {
                for (int j = 0; j < d; j++) {
                    vectors[c][j] += coefficients[b] * basis[b * d + j];
                }
            }
        }
        return new Eigenpairs(Arrays.copyOf(small.values(), count), vectors);
    }

    /**
     * {@code X^T X} of the rows {@code [from, to)}: one single-precision BLAS product (one call runs the core at its
     * best; centring first would cost a pass and a copy).
     */
    private static float[] gram(float[] values, int from, int to, int d) {
        try (INDArray x = Nd4j.create(Arrays.copyOfRange(values, from * d, to * d), new long[] {to - from, d}, 'c');
             INDArray products = Nd4j.createUninitialized(DataType.FLOAT, new long[] {d, d}, 'c')) {
            Nd4j.gemm(x, x, products, true, false, 1.0, 0.0);
            return products.data().asFloat();
        }
    }

    /**
     * The basis rows times the covariance matrix without forming it: per part of the rows X,
     * {@code Z = X B^T - 1 (mean B^T)} (the part's rows centred, projected) and {@code Z^T X}, two single-precision
     * BLAS products; the parts' sums, less {@code (Z^T 1) mean^T}, over {@code n - 1}.
     */
    private static double[] covarianceTimes(INDArray[] rows, double[] mean, int n, double[] basis, Parallel parallel) {
        int d = mean.length;
        int block = basis.length / d;
        float[] basisFloat = new float[basis.length];
        float[] shift = new float[block];
        for (int b = 0; b < block; b++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                basisFloat[b * d + j] = (float) basis[b * d + j];
                sum += mean[j] * basis[b * d + j];
            }
            shift[b] = (float) sum;
        }
        float[][] partProducts = new float[rows.length][];
        float[][] partColumnSums = new float[rows.length][];
        parallel.forRange(rows.length, (fromPart, toPart) -> {
            for (int part = fromPart; part < toPart; part++) {
                long partRows = rows[part].rows();
                try (INDArray b = Nd4j.create(basisFloat, new long[] {block, d}, 'c');
                     INDArray offset = Nd4j.create(shift, new long[] {1, block}, 'c');
                     INDArray z = Nd4j.createUninitialized(DataType.FLOAT, new long[] {partRows, block}, 'c');
                     INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {block, d}, 'c')) {
                    Nd4j.gemm(rows[part], b, z, false, true, 1.0, 0.0);
                    z.subiRowVector(offset);
                    Nd4j.gemm(z, rows[part], y, true, false, 1.0, 0.0);
                    partProducts[part] = y.data().asFloat();
                    try (INDArray columnSums = z.sum(0)) {
                        partColumnSums[part] = columnSums.toFloatVector();
                    }
                }
            }
        });
        double[] product = new double[block * d];
        double[] zSums = new double[block];
        for (int part = 0; part < rows.length; part++) {
            for (int e = 0; e < product.length; e++) {
                product[e] += partProducts[part][e];
            }
            for (int b = 0; b < block; b++) {
                zSums[b] += partColumnSums[part][b];
            }
        }
        for (int b = 0; b < block; b++) {
            for (int j = 0; j < d; j++) {
                product[b * d + j] = (product[b * d + j] - zSums[b] * mean[j]) / (n - 1);
            }
        }
        return product;
    }

    /** The covariance matrix {@code (X^T X - n mean mean^T) / (n - 1)} from the parts' products, in double. */
    private static INDArray covariance(float[][] partProducts, int n, int d, double[] mean) {
        double[] covariance = new double[d * d];
        for (float[] products : partProducts) {
            for (int e = 0; e < covariance.length; e++) {
                covariance[e] += products[e];
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                covariance[a * d + b] = (covariance[a * d + b] - n * mean[a] * mean[b]) / (n - 1);
            }
        }
        return Nd4j.create(covariance, new long[] {d, d}, 'c');
    }

    private static boolean settled(double[] previous, double[] ritz, int count) {
        for (int c = 0; c < count; c++) {
            if (Math.abs(ritz[c] - previous[c]) > 1e-6 * Math.abs(ritz[0])) {
                return false;
            }
        }
        return true;
    }

    /** The rows of {@code rows} (block x d) times the symmetric d x d {@code matrix}. */
    private static double[] timesMatrix(double[] rows, INDArray matrix) {
        int d = (int) matrix.rows();
        int block = rows.length / d;
        try (INDArray left = Nd4j.create(rows, new long[] {block, d}, 'c');
             INDArray product = left.mmul(matrix)) {
            return product.dup('c').data().asDouble();
        }
    }

    /** {@code basis * product^T}: the matrix restricted to the span of the (orthonormal) basis rows. */
    private static double[][] projected(double[] basis, double[] product, int block, int d) {
        double[][] small = new double[block][block];
        for (int a = 0; a < block; a++) {
            for (int b = a; b < block; b++) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    sum += basis[a * d + j] * product[b * d + j];
                }
                small[a][b] = sum;
                small[b][a] = sum;
            }
        }
        return small;
    }

    /** The rows of {@code data} in the coordinates of the components: {@code (x - mean) W^T}. */
    public FloatMatrix transform(FloatMatrix data) {
        int d = mean.length;
        if (data.cols() != d) {
            throw new IllegalArgumentException("PCA was fitted on " + d + " columns, got " + data.cols());
        }
        int count = components.rows();
        float[] projected;
        try (INDArray x = Nd4j.create(data.values(), new long[] {data.rows(), d}, 'c');
             INDArray w = Nd4j.create(components.values(), new long[] {count, d}, 'c');
             INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {data.rows(), count}, 'c')) {
            Nd4j.gemm(x, w, out, false, true, 1.0, 0.0);
            projected = out.data().asFloat();
        }
        float[] offset = new float[count];
        for (int c = 0; c < count; c++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                sum += (double) mean[j] * components.get(c, j);
            }
            offset[c] = (float) sum;
        }
        for (int i = 0; i < data.rows(); i++) {
            for (int c = 0; c < count; c++) {
                projected[i * count + c] -= offset[c];
            }
        }
        return new FloatMatrix(data.rows(), count, projected);
    }

    /** The components, one per row, each of unit length. */
    public FloatMatrix components() {
        return components;
    }

    /** The variance along each component. */
    public double[] explainedVariance() {
        return explainedVariance.clone();
    }

    /** The share of the total variance along each component. */
    public double[] explainedVarianceRatio() {
        double[] ratio = new double[explainedVariance.length];
        for (int c = 0; c < ratio.length; c++) {
            ratio[c] = totalVariance == 0 ? 0 : explainedVariance[c] / totalVariance;
        }
        return ratio;
    }
}

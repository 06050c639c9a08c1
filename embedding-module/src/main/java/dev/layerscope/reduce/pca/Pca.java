package dev.layerscope.reduce.pca;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.GramSchmidt;
import dev.layerscope.linalg.NativeRowChunks;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SymmetricEigen;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
    /** Rows per part of the sums and products: the parts' results are summed in order. */
    private static final int PART_ROWS = 8192;
    /** Rows per native copy for BLAS: 3 MB of 784 pixels, small enough to stay in the cache for a second product. */
    private static final int CHUNK_ROWS = 1024;
    /** Up to this many components, {@link #transform} projects in Java rather than by BLAS. */
    private static final int JAVA_PROJECTION_MAX_COMPONENTS = 4;

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
        double[] mean = new double[d];
        double total = 0;
        Eigenpairs top;
        try (NativeRowChunks chunks = new NativeRowChunks(data, CHUNK_ROWS, Math.min(parallel.threads(), parts))) {
            forEachPart(parts, chunks, parallel, (worker, part, from, to) -> {
                for (int i = from; i < to; i++) {
                    addRow(values, i * d, d, partSums[part], partSquares[part]);
                }
                if (!direct) {
                    partProducts[part] = gram(chunks, worker, from, to);
                }
            });
            double[] squares = new double[d];
            for (int part = 0; part < parts; part++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += partSums[part][j];
                    squares[j] += partSquares[part][j];
                }
            }
            for (int j = 0; j < d; j++) {
                mean[j] /= n;
                total += (squares[j] - n * mean[j] * mean[j]) / (n - 1);
            }
            if (direct) {
                top = subspaceIteration(d, count, count + OVERSAMPLING,
                        basis -> covarianceTimes(chunks, parts, mean, n, basis, parallel));
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
     * {@code blockSize} vectors: {@code times} multiplies the block's rows by the covariance matrix. Every step ends in a
     * Rayleigh-Ritz projection (a block x block problem, cheap beside the product); when its values have settled,
     * its vectors are the answer, with no further product.
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
        SymmetricEigen ritz;
        for (int iteration = 1; ; iteration++) {
            double[] product = times.apply(basis);
            ritz = SymmetricEigen.of(projected(basis, product, block, d));
            if (iteration == MAX_SUBSPACE_ITERATIONS || previous != null && settled(previous, ritz.values(), count)) {
                break;
            }
            previous = ritz.values();
            basis = product;
            GramSchmidt.orthonormalize(basis, block, d, d, 1);
        }
        double[][] vectors = new double[count][d];
        for (int c = 0; c < count; c++) {
            double[] coefficients = ritz.vector(c);
            for (int b = 0; b < block; b++) {
                for (int j = 0; j < d; j++) {
                    vectors[c][j] += coefficients[b] * basis[b * d + j];
                }
            }
        }
        return new Eigenpairs(Arrays.copyOf(ritz.values(), count), vectors);
    }

    /**
     * Adds the row at {@code offset} to the column sums and sums of squares. A method of its own, called per row, so
     * that the JIT compiles it early in the one pass a fit makes.
     */
    private static void addRow(float[] values, int offset, int d, double[] sums, double[] squares) {
        for (int j = 0; j < d; j++) {
            float value = values[offset + j];
            sums[j] += value;
            squares[j] += value * value;
        }
    }

    /**
     * {@code X^T X} of the rows {@code [from, to)}, summed over their chunks by single-precision BLAS products
     * (centring first would cost a pass and a copy).
     */
    private static float[] gram(NativeRowChunks chunks, int worker, int from, int to) {
        int d = chunks.cols();
        try (INDArray products = Nd4j.zeros(DataType.FLOAT, d, d)) {
            for (int chunk = from; chunk < to; chunk += CHUNK_ROWS) {
                INDArray x = chunks.load(worker, chunk, Math.min(to, chunk + CHUNK_ROWS));
                Nd4j.gemm(x, x, products, true, false, 1.0, 1.0);
            }
            return products.data().asFloat();
        }
    }

    /** The body of a loop over the parts of the rows: part {@code part}, rows {@code [from, to)}, on a worker. */
    @FunctionalInterface
    private interface PartBody {
        void run(int worker, int part, int from, int to);
    }

    /**
     * Runs {@code body} over the {@code parts} parts of the rows: each of the chunks' workers takes every
     * {@code workers}-th part, on a thread of its own.
     */
    private static void forEachPart(int parts, NativeRowChunks chunks, Parallel parallel, PartBody body) {
        int workers = chunks.workers();
        int n = chunks.rows();
        parallel.forRange(workers, (fromWorker, toWorker) -> {
            for (int worker = fromWorker; worker < toWorker; worker++) {
                for (int part = worker; part < parts; part += workers) {
                    body.run(worker, part, part * PART_ROWS, Math.min(n, (part + 1) * PART_ROWS));
                }
            }
        });
    }

    /**
     * The basis rows times the covariance matrix without forming it: per chunk of the rows X,
     * {@code Z = X B^T - 1 s^T} with {@code s = B mean} (the chunk's rows centred, projected) and {@code Z^T X}, two
     * single-precision BLAS products while the chunk is in the cache; the parts' sums, less
     * {@code (Z^T 1) mean^T}, over {@code n - 1}. {@code Z^T 1} would be 0 but for {@code s} rounded to float:
     * {@code n (B mean - s)}, from the sums and not from the products.
     */
    private static double[] covarianceTimes(NativeRowChunks chunks, int parts, double[] mean, int n, double[] basis,
                                            Parallel parallel) {
        int d = mean.length;
        int block = basis.length / d;
        float[] basisFloat = new float[basis.length];
        float[] shift = new float[block];
        double[] zSums = new double[block];
        for (int b = 0; b < block; b++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                basisFloat[b * d + j] = (float) basis[b * d + j];
                sum += mean[j] * basisFloat[b * d + j];
            }
            shift[b] = (float) sum;
            zSums[b] = n * (sum - shift[b]);
        }
        float[][] partProducts = new float[parts][];
        forEachPart(parts, chunks, parallel, (worker, part, from, to) -> {
            try (INDArray b = Nd4j.create(basisFloat, new long[] {block, d}, 'c');
                 INDArray offset = Nd4j.create(shift, new long[] {1, block}, 'c');
                 INDArray y = Nd4j.zeros(DataType.FLOAT, block, d)) {
                for (int chunk = from; chunk < to; chunk += CHUNK_ROWS) {
                    INDArray x = chunks.load(worker, chunk, Math.min(to, chunk + CHUNK_ROWS));
                    try (INDArray z = Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.rows(), block}, 'c')) {
                        Nd4j.gemm(x, b, z, false, true, 1.0, 0.0);
                        z.subiRowVector(offset);
                        Nd4j.gemm(z, x, y, true, false, 1.0, 1.0);
                    }
                }
                partProducts[part] = y.data().asFloat();
            }
        });
        double[] product = new double[block * d];
        for (int part = 0; part < parts; part++) {
            for (int e = 0; e < product.length; e++) {
                product[e] += partProducts[part][e];
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
        int d = matrix.rows();
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

    /** The rows of {@code data} in the coordinates of the components: {@code (x - mean) W^T}, on one thread. */
    public FloatMatrix transform(FloatMatrix data) {
        try (Parallel parallel = new Parallel(1)) {
            return transform(data, parallel);
        }
    }

    /**
     * The rows of {@code data} in the coordinates of the components: {@code (x - mean) W^T}; {@code parallel}'s
     * threads share the rows. A few components are projected in Java, where copying the rows to native memory for
     * BLAS would cost more than their few dot products per row; many by BLAS, a chunk of rows at a time.
     */
    public FloatMatrix transform(FloatMatrix data, Parallel parallel) {
        int d = mean.length;
        if (data.cols() != d) {
            throw new IllegalArgumentException("PCA was fitted on " + d + " columns, got " + data.cols());
        }
        int n = data.rows();
        int count = components.rows();
        float[] weights = components.values();
        float[] offset = new float[count];
        for (int c = 0; c < count; c++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                sum += (double) mean[j] * weights[c * d + j];
            }
            offset[c] = (float) sum;
        }
        float[] projected = new float[n * count];
        if (count <= JAVA_PROJECTION_MAX_COMPONENTS) {
            float[] values = data.values();
            parallel.forRange(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    for (int c = 0; c < count; c++) {
                        projected[i * count + c] = dot(values, i * d, weights, c * d, d) - offset[c];
                    }
                }
            });
            return new FloatMatrix(n, count, projected);
        }
        int chunkCount = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
        try (NativeRowChunks chunks = new NativeRowChunks(data, CHUNK_ROWS, Math.min(parallel.threads(), chunkCount));
             INDArray w = Nd4j.create(weights, new long[] {count, d}, 'c');
             INDArray shift = Nd4j.create(offset, new long[] {1, count}, 'c')) {
            int workers = chunks.workers();
            parallel.forRange(workers, (fromWorker, toWorker) -> {
                for (int worker = fromWorker; worker < toWorker; worker++) {
                    for (int chunk = worker; chunk < chunkCount; chunk += workers) {
                        int from = chunk * CHUNK_ROWS;
                        INDArray x = chunks.load(worker, from, Math.min(n, from + CHUNK_ROWS));
                        try (INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.rows(), count},
                                'c')) {
                            Nd4j.gemm(x, w, out, false, true, 1.0, 0.0);
                            out.subiRowVector(shift);
                            float[] rows = out.data().asFloat();
                            System.arraycopy(rows, 0, projected, from * count, rows.length);
                        }
                    }
                }
            });
        }
        return new FloatMatrix(n, count, projected);
    }

    /** The dot product of {@code length} values of {@code a} and {@code b}; four partial sums run side by side. */
    private static float dot(float[] a, int fromA, float[] b, int fromB, int length) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int j = 0;
        for (; j + 3 < length; j += 4) {
            s0 += a[fromA + j] * b[fromB + j];
            s1 += a[fromA + j + 1] * b[fromB + j + 1];
            s2 += a[fromA + j + 2] * b[fromB + j + 2];
            s3 += a[fromA + j + 3] * b[fromB + j + 3];
        }
        for (; j < length; j++) {
            s0 += a[fromA + j] * b[fromB + j];
        }
        return (s0 + s1) + (s2 + s3);
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

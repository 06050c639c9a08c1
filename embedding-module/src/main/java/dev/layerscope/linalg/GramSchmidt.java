package dev.layerscope.linalg;

/**
 * Modified Gram-Schmidt, run twice for stability, on vectors stored with any stride in one array: the rows of a
 * row-major block ({@code vectorStride = length}, {@code elementStride = 1}) or its columns
 * ({@code vectorStride = 1}, {@code elementStride = number of columns}). Subspace iterations call it every step.
 */
public final class GramSchmidt {

    private GramSchmidt() {
    }

    /**
     * Makes the {@code vectors} vectors of {@code length} elements orthonormal in place; element {@code i} of vector
     * {@code a} is {@code x[a * vectorStride + i * elementStride]}. A vector that depends on the earlier ones
     * becomes zero.
     */
    public static void orthonormalize(double[] x, int vectors, int length, int vectorStride, int elementStride) {
        for (int pass = 0; pass < 2; pass++) {
            for (int a = 0; a < vectors; a++) {
                int va = a * vectorStride;
                for (int b = 0; b < a; b++) {
                    int vb = b * vectorStride;
                    double dot = 0;
                    for (int i = 0; i < length; i++) {
                        dot += x[va + i * elementStride] * x[vb + i * elementStride];
                    }
                    for (int i = 0; i < length; i++) {
                        x[va + i * elementStride] -= dot * x[vb + i * elementStride];
                    }
                }
                double norm = 0;
                for (int i = 0; i < length; i++) {
                    norm += x[va + i * elementStride] * x[va + i * elementStride];
                }
                double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
                for (int i = 0; i < length; i++) {
                    x[va + i * elementStride] *= scale;
                }
            }
        }
    }
}

package dev.layerscope.linalg;

import java.util.Objects;

/**
 * A dense matrix of floats, row-major: {@code rows} points of {@code cols} values each. Float because activations
 * and pixels are float and half the memory of double matters at 60,000 x 784.
 */
public record FloatMatrix(int rows, int cols, float[] values) {

    public FloatMatrix {
        Objects.requireNonNull(values, "values");
        if (rows < 0 || cols <= 0) {
            throw new IllegalArgumentException("a matrix needs rows >= 0 and cols > 0, got " + rows + "x" + cols);
        }
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException(values.length + " values for a " + rows + "x" + cols + " matrix");
        }
    }

    public static FloatMatrix zeros(int rows, int cols) {
        return new FloatMatrix(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    public float get(int row, int col) {
        return values[row * cols + col];
    }

    public void set(int row, int col, float value) {
        values[row * cols + col] = value;
    }

    /** A copy of one row. */
    public float[] row(int row) {
        float[] copy = new float[cols];
        System.arraycopy(values, row * cols, copy, 0, cols);
        return copy;
    }

    /** The rows at {@code indices}, in that order, as a new matrix. */
    public FloatMatrix rows(int[] indices) {
        float[] picked = new float[Math.multiplyExact(indices.length, cols)];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(values, indices[i] * cols, picked, i * cols, cols);
        }
        return new FloatMatrix(indices.length, cols, picked);
    }

    /**
     * Squared Euclidean distance between row {@code a} of this matrix and row {@code b} of {@code other}, the sum of
     * squared differences in double: exact for float data up to the last rounding, unlike the expanded
     * {@code |a|^2 + |b|^2 - 2 a.b} of a search by matrix products.
     */
    public double squaredDistance(int a, FloatMatrix other, int b) {
        double sum = 0;
        int offsetA = a * cols;
        int offsetB = b * other.cols;
        for (int j = 0; j < cols; j++) {
            double d = (double) values[offsetA + j] - other.values[offsetB + j];
            sum += d * d;
        }
        return sum;
    }

    /** The squared length of each row, summed in double: the {@code |a|^2 + |b|^2} of distances by products. */
    public float[] rowSquaredNorms() {
        float[] norms = new float[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = i * cols, end = j + cols; j < end; j++) {
                sum += values[j] * values[j];
            }
            norms[i] = (float) sum;
        }
        return norms;
    }

    /** The first row and column holding NaN or an infinity, or null when every value is finite. */
    public int[] firstNonFinite() {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return new int[] {i / cols, i % cols};
            }
        }
        return null;
    }

    /**
     * This matrix when every value is finite; otherwise an {@link IllegalArgumentException} naming the first value
     * that is not, in the caller's words: {@code <what> <value> at <row> <i>, column <j>; <why>}.
     *
     * @param what the matrix, with its verb ({@code the train activations of `dense` hold})
     * @param row  what a row is to the caller ({@code row}, {@code test point})
     * @param why  why the caller cannot take such a value, and what to check
     */
    public FloatMatrix requireFinite(String what, String row, String why) {
        int[] bad = firstNonFinite();
        if (bad != null) {
            throw new IllegalArgumentException(what + " " + get(bad[0], bad[1]) + " at " + row + " " + bad[0]
                    + ", column " + bad[1] + "; " + why);
        }
        return this;
    }
}

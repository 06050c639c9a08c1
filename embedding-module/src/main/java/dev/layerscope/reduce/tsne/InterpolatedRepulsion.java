package dev.layerscope.reduce.tsne;

import dev.layerscope.linalg.Parallel;
import java.util.Arrays;

/**
 * {@link Repulsion} by FFT-accelerated interpolation (Linderman et al., FIt-SNE; openTSNE's defaults: 3 nodes per
 * interval, intervals of width at most 1, at least 50 of them). With the kernel {@code K = q^2} all the sums t-SNE
 * needs are convolutions of K with four "charges" per point, {@code 1, x, y, x^2 + y^2}:
 * {@code sum_j q_ij = sum_j K_ij (1 + |y_i|^2 - 2 y_i.y_j + |y_j|^2)} and {@code sum_j q_ij^2 (y_i - y_j) = y_i
 * sum_j K_ij - sum_j K_ij y_j}. The charges are spread onto an equispaced grid by Lagrange interpolation, the grid
 * is convolved with K by FFT, and the potentials are interpolated back: O(n + G log G) for a grid of G nodes
 * instead of the tree's O(n log n) with a large constant, which wins from about 10,000 points.
 *
 * <p>The grid is square over the points' bounding box. The FFT length is the power of two at or above twice the
 * nodes per side (the circulant embedding of a linear convolution), and the intervals are then made as many as
 * that length holds, so the rounding buys accuracy instead of wasting time. Two real charge grids share one complex
 * FFT (one as the real, one as the imaginary part), which convolution with a real kernel keeps apart.
 */
final class InterpolatedRepulsion implements Repulsion {

    private static final int NODES = 3;
    private static final int MIN_INTERVALS = 50;
    private static final double MAX_INTERVAL_WIDTH = 1;
    /** At 2048 the six grids take 192 MB; wider embeddings get wider intervals instead. */
    private static final int MAX_FFT_LENGTH = 2048;
    /** Node positions within an interval of width 1. */
    private static final double[] NODE_AT = {1.0 / 6, 1.0 / 2, 5.0 / 6};

    private final Parallel parallel;
    private Fft fft;
    private double[] kernelRe = new double[0];
    private double[] kernelIm = new double[0];
    /** Charges 1 (real) and x (imaginary), then their potentials. */
    private double[] firstRe = new double[0];
    private double[] firstIm = new double[0];
    /** Charges y (real) and x^2 + y^2 (imaginary), then their potentials. */
    private double[] secondRe = new double[0];
    private double[] secondIm = new double[0];
    /** Per point: its first grid node in x and y, and its 3 interpolation weights along each. */
    private int[] cornerX = new int[0];
    private int[] cornerY = new int[0];
    private double[] weightX = new double[0];
    private double[] weightY = new double[0];
    private double[] zTerms = new double[0];

    InterpolatedRepulsion(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public double compute(double[] positions, double[] repulsion) {
        int n = positions.length / 2;
        if (zTerms.length != n) {
            cornerX = new int[n];
            cornerY = new int[n];
            weightX = new double[NODES * n];
            weightY = new double[NODES * n];
            zTerms = new double[n];
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : positions) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double span = Math.max(max - min, 1e-12);
        int intervals = (int) Math.max(MIN_INTERVALS, Math.ceil(span / MAX_INTERVAL_WIDTH));
        int length = Math.min(MAX_FFT_LENGTH, Integer.highestOneBit(2 * NODES * intervals - 1) << 1);
        intervals = length / (2 * NODES);
        int gridSide = NODES * intervals;
        prepare(length);
        double intervalWidth = span / intervals;
        interpolationWeights(positions, n, min, intervalWidth, intervals);
        spread(positions, n, length);
        kernel(length, gridSide, intervalWidth / NODES);
        transform2d(kernelRe, kernelIm, length, length, false);
        transform2d(firstRe, firstIm, length, gridSide, false);
        transform2d(secondRe, secondIm, length, gridSide, false);
        parallel.forRange(length * length, (start, end) -> {
            for (int c = start; c < end; c++) {
                multiply(firstRe, firstIm, c, kernelRe[c], kernelIm[c]);
                multiply(secondRe, secondIm, c, kernelRe[c], kernelIm[c]);
            }
        });
        transform2d(firstRe, firstIm, length, gridSide, true);
        transform2d(secondRe, secondIm, length, gridSide, true);
        double scale = 1.0 / ((double) length * length);
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                double ones = interpolate(firstRe, i, length) * scale;
                double xs = interpolate(firstIm, i, length) * scale;
                double ys = interpolate(secondRe, i, length) * scale;
                double squares = interpolate(secondIm, i, length) * scale;
                double x = positions[2 * i];
                double y = positions[2 * i + 1];
                repulsion[2 * i] = x * ones - xs;
                repulsion[2 * i + 1] = y * ones - ys;
                zTerms[i] = (1 + x * x + y * y) * ones - 2 * (x * xs + y * ys) + squares;
            }
        });
        double z = 0;
        for (double term : zTerms) {
            z += term;
        }
        return z - n;
    }

    private void prepare(int length) {
        if (fft == null || fft.length() != length) {
            fft = new Fft(length);
            int cells = length * length;
            kernelRe = new double[cells];
            kernelIm = new double[cells];
            firstRe = new double[cells];
            firstIm = new double[cells];
            secondRe = new double[cells];
            secondIm = new double[cells];
        }
    }

    private void interpolationWeights(double[] positions, int n, double min, double intervalWidth, int intervals) {
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                cornerX[i] = weights(positions[2 * i], min, intervalWidth, intervals, weightX, NODES * i);
                cornerY[i] = weights(positions[2 * i + 1], min, intervalWidth, intervals, weightY, NODES * i);
            }
        });
    }

    /** Writes the Lagrange weights of coordinate {@code v} at its interval's nodes; returns the first node. */
    private static int weights(double v, double min, double intervalWidth, int intervals, double[] out,
                               int offset) {
        double relative = (v - min) / intervalWidth;
        int interval = Math.min(intervals - 1, (int) relative);
        double t = relative - interval;
        for (int a = 0; a < NODES; a++) {
            double w = 1;
            for (int b = 0; b < NODES; b++) {
                if (b != a) {
                    w *= (t - NODE_AT[b]) / (NODE_AT[a] - NODE_AT[b]);
                }
            }
            out[offset + a] = w;
        }
        return NODES * interval;
    }

    /** Sequential, so that every grid sum is made in point order. */
    private void spread(double[] positions, int n, int length) {
        Arrays.fill(firstRe, 0);
        Arrays.fill(firstIm, 0);
        Arrays.fill(secondRe, 0);
        Arrays.fill(secondIm, 0);
        for (int i = 0; i < n; i++) {
            double x = positions[2 * i];
            double y = positions[2 * i + 1];
            double square = x * x + y * y;
            for (int a = 0; a < NODES; a++) {
                int row = (cornerX[i] + a) * length + cornerY[i];
                for (int b = 0; b < NODES; b++) {
                    double w = weightX[NODES * i + a] * weightY[NODES * i + b];
                    firstRe[row + b] += w;
                    firstIm[row + b] += w * x;
                    secondRe[row + b] += w * y;
                    secondIm[row + b] += w * square;
                }
            }
        }
    }

    /**
     * K at every grid offset, laid out circularly (offset -d at index L - d). Offsets of {@code gridSide} or more
     * never meet a charge, because the charges fill only the first {@code gridSide <= L / 2} rows and columns.
     */
    private void kernel(int length, int gridSide, double spacing) {
        parallel.forRange(length, (start, end) -> {
            for (int r = start; r < end; r++) {
                double dx = (r <= length / 2 ? r : r - length) * spacing;
                for (int c = 0; c < length; c++) {
                    double dy = (c <= length / 2 ? c : c - length) * spacing;
                    double q = 1 / (1 + dx * dx + dy * dy);
                    kernelRe[r * length + c] = q * q;
                    kernelIm[r * length + c] = 0;
                }
            }
        });
    }

    /**
     * The 2-D FFT, rows then columns (or columns then rows when inverse). Only the first {@code rows} rows hold
     * charges going forward, and only they are read coming back, so the other rows' row transforms are skipped.
     */
    private void transform2d(double[] re, double[] im, int length, int rows, boolean inverse) {
        if (!inverse) {
            parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    fft.transform(re, im, r * length, false);
                }
            });
        }
        parallel.forRange(length, (start, end) -> fft.transformColumns(re, im, start, end, inverse));
        if (inverse) {
            parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    fft.transform(re, im, r * length, true);
                }
            });
        }
    }

    private static void multiply(double[] re, double[] im, int c, double kr, double ki) {
        double r = re[c] * kr - im[c] * ki;
        im[c] = re[c] * ki + im[c] * kr;
        re[c] = r;
    }

    private double interpolate(double[] grid, int i, int length) {
        double sum = 0;
        for (int a = 0; a < NODES; a++) {
            int row = (cornerX[i] + a) * length + cornerY[i];
            double rowSum = 0;
            for (int b = 0; b < NODES; b++) {
                rowSum += weightY[NODES * i + b] * grid[row + b];
            }
            sum += weightX[NODES * i + a] * rowSum;
        }
        return sum;
    }
}

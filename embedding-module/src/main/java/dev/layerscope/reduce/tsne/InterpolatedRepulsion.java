package dev.layerscope.reduce.tsne;

import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * {@link Repulsion} by FFT-accelerated interpolation (Linderman et al. 2019, FIt-SNE; openTSNE's
 * {@code negative_gradient_method="fft"} with its defaults: 3 interpolation nodes per box, boxes at most 1 wide, at
 * least 50 boxes per side). With the kernel {@code K = q^2} every sum t-SNE needs is a convolution of K with four
 * charges per point, {@code 1, x, y, x^2 + y^2}: {@code sum_j q_ij = sum_j K_ij (1 + |y_i|^2 - 2 y_i.y_j + |y_j|^2)}
 * and {@code sum_j q_ij^2 (y_i - y_j) = y_i sum_j K_ij - sum_j K_ij y_j}. The charges are spread onto an equispaced
 * grid by Lagrange interpolation, the grid is convolved with K by FFT, and the potentials are interpolated back:
 * O(n + G log G) for a grid of G nodes, against the tree's O(n log n) with a large constant.
 *
 * <p>The grid is square over the points' bounding box, {@code 3 b} nodes a side for {@code b} boxes, and the FFT
 * length L is at least {@code 2 x 3 b} (the circulant embedding of a linear convolution). L is a power of two,
 * because JTransforms' split-radix transforms of those lengths run 2 to 3 times faster per point than its
 * mixed-radix ones of the 5-smooth lengths FFTW would take (measured: 1,024 faster than 600), and the boxes are then
 * made as many as L holds, so the rounding buys accuracy instead of costing time. Two real
 * charge grids share one complex transform (one as the real, one as the imaginary part), which convolution with a
 * real kernel keeps apart. The 2-D transforms are made of 1-D ones over rows and columns, shared among
 * {@link Parallel}'s threads: each 1-D transform is computed the same way on any thread, and every grid sum runs in
 * point order, so the thread count does not change a bit. The 1-D transforms stay far below the length (8,192) from
 * which JTransforms would start threads of its own.
 *
 * <p>A first attempt (commit 78ba975, reverted) used a radix-2 FFT in pure Java, which rounded the grid up to a power
 * of two and spent about 5 ns a butterfly, and lost to the quadtree.
 */
final class InterpolatedRepulsion implements Repulsion {

    private static final int NODES = 3;
    /** openTSNE's {@code min_num_intervals}: early on, when the map is tiny, the grid still resolves it. */
    private static final int MIN_BOXES = 50;
    /** openTSNE's {@code ints_in_interval = 1}: a box at most 1 wide, where the kernel changes slowly enough. */
    private static final double MAX_BOX_WIDTH = 1;
    /**
     * Wider maps than 682 (= 4,096 / 6) get wider boxes instead of more, and lose accuracy (boxes 1.25 wide already
     * err by 40 % on some forces); the three grids take 805 MB at this length. t-SNE maps of 50,000 points span
     * about 100 to 200.
     */
    private static final int MAX_LENGTH = 4096;
    /** Node positions within a box of width 1. */
    private static final double[] NODE_AT = {1.0 / 6, 1.0 / 2, 5.0 / 6};
    /** Columns gathered at once for the column transforms, so each row's cache line serves several. */
    private static final int COLUMN_BLOCK = 8;

    private final Parallel parallel;
    private DoubleFFT_1D fft;
    private int length;
    /**
     * The kernel's transform, row-major, length x length: real, because the kernel is real and even (laid out
     * circularly, K at offset -d equals K at d).
     */
    private double[] kernel = new double[0];
    /** Charges 1 (real) and x (imaginary), then their potentials. */
    private double[] first = new double[0];
    /** Charges y (real) and x^2 + y^2 (imaginary), then their potentials. */
    private double[] second = new double[0];
    /** Per point: its first grid node in x and y, and its 3 interpolation weights along each. */
    private int[] cornerX = new int[0];
    private int[] cornerY = new int[0];
    private double[] weightX = new double[0];
    private double[] weightY = new double[0];
    private double[] zTerms = new double[0];

    InterpolatedRepulsion(Parallel parallel) {
        this.parallel = parallel;
    }

    /**
     * The FFT length for a map {@code span} wide: the power of two that holds twice the nodes of openTSNE's boxes
     * (at least 50, at most 1 wide), at most {@value #MAX_LENGTH}.
     */
    static int fftLength(double span) {
        double boxes = Math.max(MIN_BOXES, Math.ceil(span / MAX_BOX_WIDTH));
        if (2 * NODES * boxes >= MAX_LENGTH) {
            return MAX_LENGTH;
        }
        return Integer.highestOneBit(2 * NODES * (int) boxes - 1) << 1;
    }

    /** The boxes per side a transform of {@code length} holds. */
    static int boxes(int length) {
        return length / (2 * NODES);
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
        // the sums are translation-invariant, and coordinates about the grid's centre keep the charges x^2 + y^2
        // small, so less cancels when Z is put together from them
        double centre = (min + max) / 2;
        prepare(fftLength(span));
        int boxes = boxes(length);
        int gridSide = NODES * boxes;
        double boxWidth = span / boxes;
        interpolationWeights(positions, n, min, boxWidth, boxes);
        spread(positions, n, centre);
        kernelTransform(gridSide, boxWidth / NODES);
        transformRows(first, gridSide, false);
        transformColumns(first, length, false);
        transformRows(second, gridSide, false);
        transformColumns(second, length, false);
        parallel.forRange(length * length, (start, end) -> {
            for (int c = start; c < end; c++) {
                double k = kernel[c];
                first[2 * c] *= k;
                first[2 * c + 1] *= k;
                second[2 * c] *= k;
                second[2 * c + 1] *= k;
            }
        });
        transformColumns(first, length, true);
        transformRows(first, gridSide, true);
        transformColumns(second, length, true);
        transformRows(second, gridSide, true);
        double scale = 1.0 / ((double) length * length);
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                double ones = interpolate(first, 0, i) * scale;
                double xs = interpolate(first, 1, i) * scale;
                double ys = interpolate(second, 0, i) * scale;
                double squares = interpolate(second, 1, i) * scale;
                double x = positions[2 * i] - centre;
                double y = positions[2 * i + 1] - centre;
                repulsion[2 * i] = x * ones - xs;
                repulsion[2 * i + 1] = y * ones - ys;
                zTerms[i] = (1 + x * x + y * y) * ones - 2 * (x * xs + y * ys) + squares;
            }
        });
        double z = 0;
        for (double term : zTerms) {
            z += term;
        }
        // each point's own term, K_ii (1 + 0) = 1, is in the sums; Z counts pairs i != j
        return z - n;
    }

    private void prepare(int fftLength) {
        if (fft == null || length != fftLength) {
            length = fftLength;
            fft = new DoubleFFT_1D(fftLength);
            int doubles = 2 * fftLength * fftLength;
            kernel = new double[fftLength * fftLength];
            first = new double[doubles];
            second = new double[doubles];
        }
    }

    private void interpolationWeights(double[] positions, int n, double min, double boxWidth, int boxes) {
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                cornerX[i] = weights(positions[2 * i], min, boxWidth, boxes, weightX, NODES * i);
                cornerY[i] = weights(positions[2 * i + 1], min, boxWidth, boxes, weightY, NODES * i);
            }
        });
    }

    /** Writes the Lagrange weights of coordinate {@code v} at its box's nodes; returns the box's first node. */
    private static int weights(double v, double min, double boxWidth, int boxes, double[] out, int offset) {
        double relative = (v - min) / boxWidth;
        int box = Math.min(boxes - 1, (int) relative);
        double t = relative - box;
        for (int a = 0; a < NODES; a++) {
            double w = 1;
            for (int b = 0; b < NODES; b++) {
                if (b != a) {
                    w *= (t - NODE_AT[b]) / (NODE_AT[a] - NODE_AT[b]);
                }
            }
            out[offset + a] = w;
        }
        return NODES * box;
    }

    /** One thread a grid, each summing in point order, so the bits do not depend on the thread count. */
    private void spread(double[] positions, int n, double centre) {
        parallel.forRange(2, (start, end) -> {
            for (int g = start; g < end; g++) {
                double[] grid = g == 0 ? first : second;
                Arrays.fill(grid, 0);
                for (int i = 0; i < n; i++) {
                    double x = positions[2 * i] - centre;
                    double y = positions[2 * i + 1] - centre;
                    double re = g == 0 ? 1 : y;
                    double im = g == 0 ? x : x * x + y * y;
                    for (int a = 0; a < NODES; a++) {
                        int row = 2 * ((cornerX[i] + a) * length + cornerY[i]);
                        double wx = weightX[NODES * i + a];
                        for (int b = 0; b < NODES; b++) {
                            double w = wx * weightY[NODES * i + b];
                            grid[row + 2 * b] += w * re;
                            grid[row + 2 * b + 1] += w * im;
                        }
                    }
                }
            }
        });
    }

    /**
     * The 2-D transform of K at every grid offset, laid out circularly (offset -d at index L - d); offsets of
     * {@code gridSide} or more never meet a charge, because the charges fill only the first {@code gridSide <= L / 2}
     * rows and columns. K is real and even along each axis, so every row's transform is real, and so is every
     * column's after it: two rows share one complex transform (one as the real, one as the imaginary part), and then
     * two columns, which halves the work of transforming K as a complex grid.
     */
    private void kernelTransform(int gridSide, double spacing) {
        parallel.forRange(length / 2, (start, end) -> {
            double[] pair = new double[2 * length];
            for (int m = start; m < end; m++) {
                for (int part = 0; part < 2; part++) {
                    int r = 2 * m + part;
                    double dx = (r <= gridSide ? r : r - length) * spacing;
                    for (int c = 0; c < length; c++) {
                        double dy = (c <= gridSide ? c : c - length) * spacing;
                        double q = 1 / (1 + dx * dx + dy * dy);
                        pair[2 * c + part] = q * q;
                    }
                }
                fft.complexForward(pair, 0);
                for (int c = 0; c < length; c++) {
                    kernel[2 * m * length + c] = pair[2 * c];
                    kernel[(2 * m + 1) * length + c] = pair[2 * c + 1];
                }
            }
        });
        int pairs = length / 2;
        int blocks = (pairs + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        parallel.forRange(blocks, (start, end) -> {
            double[] scratch = new double[2 * length * COLUMN_BLOCK];
            for (int block = start; block < end; block++) {
                int m0 = block * COLUMN_BLOCK;
                int width = Math.min(COLUMN_BLOCK, pairs - m0);
                for (int r = 0; r < length; r++) {
                    int from = r * length + 2 * m0;
                    for (int m = 0; m < width; m++) {
                        scratch[2 * (m * length + r)] = kernel[from + 2 * m];
                        scratch[2 * (m * length + r) + 1] = kernel[from + 2 * m + 1];
                    }
                }
                for (int m = 0; m < width; m++) {
                    fft.complexForward(scratch, 2 * m * length);
                }
                for (int r = 0; r < length; r++) {
                    int to = r * length + 2 * m0;
                    for (int m = 0; m < width; m++) {
                        kernel[to + 2 * m] = scratch[2 * (m * length + r)];
                        kernel[to + 2 * m + 1] = scratch[2 * (m * length + r) + 1];
                    }
                }
            }
        });
    }

    /** Transforms the first {@code rows} rows in place (the others hold zeros going forward, or are not read back). */
    private void transformRows(double[] grid, int rows, boolean inverse) {
        parallel.forRange(rows, (start, end) -> {
            for (int r = start; r < end; r++) {
                if (inverse) {
                    fft.complexInverse(grid, 2 * r * length, false);
                } else {
                    fft.complexForward(grid, 2 * r * length);
                }
            }
        });
    }

    /** Transforms every column in place, {@value #COLUMN_BLOCK} at a time through a contiguous copy. */
    private void transformColumns(double[] grid, int columns, boolean inverse) {
        int blocks = (columns + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        parallel.forRange(blocks, (start, end) -> {
            double[] scratch = new double[2 * length * COLUMN_BLOCK];
            for (int block = start; block < end; block++) {
                int c0 = block * COLUMN_BLOCK;
                int width = Math.min(COLUMN_BLOCK, columns - c0);
                for (int r = 0; r < length; r++) {
                    int from = 2 * (r * length + c0);
                    for (int c = 0; c < width; c++) {
                        scratch[2 * (c * length + r)] = grid[from + 2 * c];
                        scratch[2 * (c * length + r) + 1] = grid[from + 2 * c + 1];
                    }
                }
                for (int c = 0; c < width; c++) {
                    if (inverse) {
                        fft.complexInverse(scratch, 2 * c * length, false);
                    } else {
                        fft.complexForward(scratch, 2 * c * length);
                    }
                }
                for (int r = 0; r < length; r++) {
                    int to = 2 * (r * length + c0);
                    for (int c = 0; c < width; c++) {
                        grid[to + 2 * c] = scratch[2 * (c * length + r)];
                        grid[to + 2 * c + 1] = scratch[2 * (c * length + r) + 1];
                    }
                }
            }
        });
    }

    /** The potential at point {@code i} of the grid's real ({@code part} 0) or imaginary (1) charges. */
    private double interpolate(double[] grid, int part, int i) {
        double sum = 0;
        for (int a = 0; a < NODES; a++) {
            int row = 2 * ((cornerX[i] + a) * length + cornerY[i]) + part;
            double rowSum = 0;
            for (int b = 0; b < NODES; b++) {
                rowSum += weightY[NODES * i + b] * grid[row + 2 * b];
            }
            sum += weightX[NODES * i + a] * rowSum;
        }
        return sum;
    }
}

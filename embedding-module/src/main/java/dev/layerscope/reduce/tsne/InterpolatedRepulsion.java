package dev.layerscope.reduce.tsne;

import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * {@link Repulsion} by FFT-accelerated interpolation (Linderman et al. 2019, FIt-SNE; openTSNE's
 * {@code negative_gradient_method="fft"} with its defaults: 3 interpolation nodes per box, boxes at most 1 wide, at
 * least 50 boxes along the longer side). With the kernel {@code K = q^2} every sum t-SNE needs is a convolution of K
 * with four charges per point, {@code 1, x, y, x^2 + y^2}: {@code sum_j q_ij = sum_j K_ij (1 + |y_i|^2 - 2 y_i.y_j +
 * |y_j|^2)} and {@code sum_j q_ij^2 (y_i - y_j) = y_i sum_j K_ij - sum_j K_ij y_j}. The charges are spread onto an
 * equispaced grid by Lagrange interpolation, the grid is convolved with K by FFT, and the potentials are interpolated
 * back: O(n + G log G) for a grid of G nodes, against the tree's O(n log n) with a large constant.
 *
 * <p>The grid covers the points' bounding box with square boxes, as many along each axis as its side needs
 * (a map twice as long as it is wide gets half the rows), {@code 3 b} nodes for {@code b} boxes, and the transform
 * along an axis is the power of two that holds the circulant embedding of the linear convolution,
 * {@code 2 x 3 b - 1}: JTransforms' split-radix transforms of powers of two run about twice as fast per point as its
 * mixed-radix ones of the 5-smooth lengths FFTW would take (1,024 points: 4.7 us, 768 or 1,200: 6 and 10 us). Two
 * real charge grids share one complex transform (one as the real, one as the imaginary part), which convolution with
 * a real kernel keeps apart.
 *
 * <p>What makes an evaluation cheap (docs/performance.md, "t-SNE speed"):
 * <ul>
 *   <li>The box width is 1 once the map is 50 wide, and below that one of the widths {@code 2^(-j/8)}, the widest
 *       that still gives 50 boxes, so the kernel's transform depends on the width and the lengths alone and is
 *       reused until they change (in a 1,000-step fit it is computed a few dozen times, not 1,000).</li>
 *   <li>The grids hold only the rows that carry charges, {@code 3 b} of them, not the zero padding: the points are
 *       sorted by the row of boxes they fall in, and each row of boxes is spread, transformed along its rows,
 *       and later transformed back and interpolated while its three rows are in cache.</li>
 *   <li>Each block of columns is gathered once, transformed, multiplied by the kernel, transformed back and
 *       scattered, instead of one pass over the grid for each of the three.</li>
 * </ul>
 * The rows of boxes and the blocks of columns are shared among {@link Parallel}'s threads; each 1-D transform is
 * computed the same way on any thread, each box row is spread in point order, and Z is summed in point order, so the
 * thread count does not change a bit. The 1-D transforms stay below the length (8,192) from which JTransforms would
 * start threads of its own.
 */
final class InterpolatedRepulsion implements Repulsion {

    private static final int NODES = 3;
    /** openTSNE's {@code min_num_intervals}: early on, when the map is tiny, the grid still resolves it. */
    static final int MIN_BOXES = 50;
    /** openTSNE's {@code ints_in_interval = 1}: a box at most 1 wide, where the kernel changes slowly enough. */
    private static final double MAX_BOX_WIDTH = 1;
    /** Widths below the most are {@code 2^(-j / STEPS_PER_OCTAVE)}, so they repeat from one step to the next. */
    private static final int STEPS_PER_OCTAVE = 8;
    /**
     * Longer sides than 682 boxes (= 4,096 / 6) get wider boxes instead of more, and lose accuracy (boxes 1.25 wide
     * already err by 40 % on some forces). t-SNE maps of 50,000 points span about 100 to 200.
     */
    private static final int MAX_LENGTH = 4096;
    /** Node positions within a box of width 1. */
    private static final double[] NODE_AT = {1.0 / 6, 1.0 / 2, 5.0 / 6};
    /** Columns gathered at once for the column transforms, so each row's cache line serves several. */
    private static final int COLUMN_BLOCK = 8;
    /**
     * Complex values after each grid row's lengthY: rows a power of two apart in memory fall into the same few cache
     * sets, so a column's gathers would evict each other.
     */
    private static final int ROW_PADDING = 8;

    private final Parallel parallel;
    private final int minBoxes;

    /** The kernel's transform, column-major (lengthX per column), and the grid it was computed for. */
    private double[] kernel = new double[0];
    private double kernelWidth = Double.NaN;
    private int kernelLengthX;
    private int kernelLengthY;

    private int lengthX;
    private int lengthY;
    /** Complex values from one grid row to the next: lengthY and the padding. */
    private int rowStride;
    private DoubleFFT_1D rowTransform;
    private DoubleFFT_1D columnTransform;
    /** Charges 1 (real) and x (imaginary), then their potentials: 3 boxesX rows of lengthY complex values. */
    private double[] first = new double[0];
    /** Charges y (real) and x^2 + y^2 (imaginary), then their potentials. */
    private double[] second = new double[0];

    /** Per point: its box row, its first grid column, and its 3 interpolation weights along each axis. */
    private int[] boxX = new int[0];
    private int[] cornerY = new int[0];
    private double[] weightX = new double[0];
    private double[] weightY = new double[0];
    private double[] zTerms = new double[0];
    /** The points sorted by box row, in point order within a row; rowStart[b] is where box row b starts. */
    private int[] byRow = new int[0];
    private int[] rowStart = new int[0];

    InterpolatedRepulsion(Parallel parallel) {
        this(parallel, MIN_BOXES);
    }

    /** With at least {@code minBoxes} boxes along the longer side (openTSNE's 50; tests take fewer to run fast). */
    InterpolatedRepulsion(Parallel parallel, int minBoxes) {
        if (minBoxes < 1 || NODES * minBoxes > MAX_LENGTH / 2) {
            throw new IllegalArgumentException("minBoxes must be in [1, " + MAX_LENGTH / (2 * NODES) + "], got "
                    + minBoxes);
        }
        this.parallel = parallel;
        this.minBoxes = minBoxes;
    }

    /**
     * The box width for a map whose longer side is {@code span}: 1 when {@code minBoxes} boxes of 1 cover it and
     * {@value #MAX_LENGTH} / 6 do too; wider above; below, the widest {@code 2^(-j/8)} that gives at least
     * {@code minBoxes} boxes.
     */
    static double boxWidth(double span, int minBoxes) {
        int maxBoxes = MAX_LENGTH / (2 * NODES);
        if (span > maxBoxes * MAX_BOX_WIDTH) {
            return span / maxBoxes;
        }
        double widest = span / minBoxes;
        if (widest >= MAX_BOX_WIDTH) {
            return MAX_BOX_WIDTH;
        }
        int step = (int) Math.ceil(-Math.log(widest) / Math.log(2) * STEPS_PER_OCTAVE);
        double width = Math.pow(2, -(double) step / STEPS_PER_OCTAVE);
        while (width > widest) {
            width = Math.pow(2, -(double) ++step / STEPS_PER_OCTAVE);
        }
        return width;
    }

    /** The box width of a map {@code spanX} by {@code spanY}: {@link #boxWidth} of its longer side. */
    private static double width(double spanX, double spanY, int minBoxes) {
        return boxWidth(Math.max(Math.max(spanX, spanY), 1e-12), minBoxes);
    }

    /**
     * The cells of the 2-D transform a map {@code spanX} by {@code spanY} takes (the product of the two transform
     * lengths): what an evaluation's FFT work grows with.
     */
    static long transformCells(double spanX, double spanY, int minBoxes) {
        double width = width(spanX, spanY, minBoxes);
        return (long) fftLength(boxes(spanX, width)) * fftLength(boxes(spanY, width));
    }

    /** {@link #transformCells(double, double, int)} of a map of {@code extent}. */
    static long transformCells(MapExtent extent, int minBoxes) {
        return transformCells(extent.spanX(), extent.spanY(), minBoxes);
    }

    /** How many boxes of {@code width} cover {@code span}: at least 1, at most {@value #MAX_LENGTH} / 6. */
    static int boxes(double span, double width) {
        return (int) Math.max(1, Math.min(MAX_LENGTH / (2 * NODES), Math.ceil(span / width)));
    }

    /** The power-of-two transform length that holds the linear convolution of {@code boxes} boxes' nodes. */
    static int fftLength(int boxes) {
        int needed = 2 * NODES * boxes - 1;
        return needed <= 1 ? 2 : Integer.highestOneBit(needed - 1) << 1;
    }

    @Override
    public double compute(double[] positions, double[] repulsion) {
        return compute(positions, repulsion, MapExtent.of(positions));
    }

    /** {@link #compute(double[], double[])} with the map's extent known already. */
    double compute(double[] positions, double[] repulsion, MapExtent extent) {
        int n = positions.length / 2;
        if (zTerms.length != n) {
            boxX = new int[n];
            cornerY = new int[n];
            weightX = new double[NODES * n];
            weightY = new double[NODES * n];
            zTerms = new double[n];
            byRow = new int[n];
        }
        double minX = extent.minX();
        double maxX = extent.maxX();
        double minY = extent.minY();
        double maxY = extent.maxY();
        double width = width(maxX - minX, maxY - minY, minBoxes);
        int boxesX = boxes(maxX - minX, width);
        int boxesY = boxes(maxY - minY, width);
        prepare(fftLength(boxesX), fftLength(boxesY), NODES * boxesX, width);
        // the sums are translation-invariant, and coordinates about the grid's centre keep the charges x^2 + y^2
        // small, so less cancels when Z is put together from them
        double centreX = (minX + maxX) / 2;
        double centreY = (minY + maxY) / 2;
        locate(positions, n, minX, minY, width, boxesX, boxesY);
        int rows = NODES * boxesX;
        parallel.forRange(boxesX, (start, end) -> {
            for (int b = start; b < end; b++) {
                spreadAndTransform(positions, b, centreX, centreY);
            }
        });
        convolveColumns(rows);
        double scale = 1.0 / ((double) lengthX * lengthY);
        parallel.forRange(boxesX, (start, end) -> {
            for (int b = start; b < end; b++) {
                transformBackAndInterpolate(positions, b, centreX, centreY, scale, repulsion);
            }
        });
        double z = 0;
        for (double term : zTerms) {
            z += term;
        }
        // each point's own term, K_ii (1 + 0) = 1, is in the sums; Z counts pairs i != j
        return z - n;
    }

    private void prepare(int newLengthX, int newLengthY, int rows, double width) {
        if (rowTransform == null || lengthY != newLengthY) {
            rowTransform = new DoubleFFT_1D(newLengthY);
        }
        if (columnTransform == null || lengthX != newLengthX) {
            columnTransform = new DoubleFFT_1D(newLengthX);
        }
        lengthX = newLengthX;
        lengthY = newLengthY;
        rowStride = newLengthY + ROW_PADDING;
        int doubles = 2 * rows * rowStride;
        if (first.length < doubles) {
            first = new double[doubles];
            second = new double[doubles];
        }
        if (width != kernelWidth || newLengthX != kernelLengthX || newLengthY != kernelLengthY) {
            kernelTransform(width / NODES);
            kernelWidth = width;
            kernelLengthX = newLengthX;
            kernelLengthY = newLengthY;
        }
    }

    /** Each point's box row and weights, and the points sorted by box row (a stable counting sort). */
    private void locate(double[] positions, int n, double minX, double minY, double width, int boxesX, int boxesY) {
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                boxX[i] = weights(positions[2 * i], minX, width, boxesX, weightX, NODES * i);
                cornerY[i] = NODES * weights(positions[2 * i + 1], minY, width, boxesY, weightY, NODES * i);
            }
        });
        if (rowStart.length < boxesX + 1) {
            rowStart = new int[boxesX + 1];
        }
        Arrays.fill(rowStart, 0, boxesX + 1, 0);
        for (int i = 0; i < n; i++) {
            rowStart[boxX[i] + 1]++;
        }
        for (int b = 0; b < boxesX; b++) {
            rowStart[b + 1] += rowStart[b];
        }
        int[] fill = Arrays.copyOf(rowStart, boxesX);
        for (int i = 0; i < n; i++) {
            byRow[fill[boxX[i]]++] = i;
        }
    }

    /** Writes the Lagrange weights of coordinate {@code v} at its box's nodes; returns the box. */
    private static int weights(double v, double min, double width, int boxes, double[] out, int offset) {
        double relative = (v - min) / width;
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
        return box;
    }

    /** Spreads the charges of box row {@code b}'s points onto its three grid rows and transforms those rows. */
    private void spreadAndTransform(double[] positions, int b, double centreX, double centreY) {
        int from = 2 * NODES * b * rowStride;
        int to = from + 2 * NODES * rowStride;
        Arrays.fill(first, from, to, 0);
        Arrays.fill(second, from, to, 0);
        for (int s = rowStart[b]; s < rowStart[b + 1]; s++) {
            int i = byRow[s];
            double x = positions[2 * i] - centreX;
            double y = positions[2 * i + 1] - centreY;
            double squares = x * x + y * y;
            for (int a = 0; a < NODES; a++) {
                int at = from + 2 * (a * rowStride + cornerY[i]);
                double wx = weightX[NODES * i + a];
                for (int c = 0; c < NODES; c++) {
                    double w = wx * weightY[NODES * i + c];
                    first[at + 2 * c] += w;
                    first[at + 2 * c + 1] += w * x;
                    second[at + 2 * c] += w * y;
                    second[at + 2 * c + 1] += w * squares;
                }
            }
        }
        for (int a = 0; a < NODES; a++) {
            rowTransform.complexForward(first, from + 2 * a * rowStride);
            rowTransform.complexForward(second, from + 2 * a * rowStride);
        }
    }

    /**
     * Along each column: the transform of the {@code rows} charged rows padded with zeros to lengthX, times the
     * kernel's transform, transformed back, of which the first {@code rows} values are kept. A block of columns of
     * both grids is gathered into a contiguous scratch once for all three.
     */
    private void convolveColumns(int rows) {
        int blocks = (lengthY + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        // the scratch's columns are padded apart too, for the same reason as the grid's rows
        int columnStride = lengthX + ROW_PADDING;
        parallel.forRange(blocks, (start, end) -> {
            double[] scratch = new double[2 * columnStride * 2 * COLUMN_BLOCK];
            for (int block = start; block < end; block++) {
                int c0 = block * COLUMN_BLOCK;
                int width = Math.min(COLUMN_BLOCK, lengthY - c0);
                for (int c = 0; c < width; c++) {
                    for (int grid = 0; grid < 2; grid++) {
                        int offset = 2 * (grid * COLUMN_BLOCK + c) * columnStride;
                        Arrays.fill(scratch, offset + 2 * rows, offset + 2 * lengthX, 0);
                    }
                }
                for (int r = 0; r < rows; r++) {
                    int from = 2 * (r * rowStride + c0);
                    for (int c = 0; c < width; c++) {
                        int at = 2 * (c * columnStride + r);
                        int atSecond = at + 2 * columnStride * COLUMN_BLOCK;
                        scratch[at] = first[from + 2 * c];
                        scratch[at + 1] = first[from + 2 * c + 1];
                        scratch[atSecond] = second[from + 2 * c];
                        scratch[atSecond + 1] = second[from + 2 * c + 1];
                    }
                }
                for (int c = 0; c < width; c++) {
                    int kernelColumn = (c0 + c) * lengthX;
                    for (int grid = 0; grid < 2; grid++) {
                        int offset = 2 * (grid * COLUMN_BLOCK + c) * columnStride;
                        columnTransform.complexForward(scratch, offset);
                        for (int r = 0; r < lengthX; r++) {
                            double k = kernel[kernelColumn + r];
                            scratch[offset + 2 * r] *= k;
                            scratch[offset + 2 * r + 1] *= k;
                        }
                        columnTransform.complexInverse(scratch, offset, false);
                    }
                }
                for (int r = 0; r < rows; r++) {
                    int to = 2 * (r * rowStride + c0);
                    for (int c = 0; c < width; c++) {
                        int at = 2 * (c * columnStride + r);
                        int atSecond = at + 2 * columnStride * COLUMN_BLOCK;
                        first[to + 2 * c] = scratch[at];
                        first[to + 2 * c + 1] = scratch[at + 1];
                        second[to + 2 * c] = scratch[atSecond];
                        second[to + 2 * c + 1] = scratch[atSecond + 1];
                    }
                }
            }
        });
    }

    /** Transforms box row {@code b}'s three grid rows back and interpolates the potentials at its points. */
    private void transformBackAndInterpolate(double[] positions, int b, double centreX, double centreY, double scale,
                                             double[] repulsion) {
        int from = 2 * NODES * b * rowStride;
        for (int a = 0; a < NODES; a++) {
            rowTransform.complexInverse(first, from + 2 * a * rowStride, false);
            rowTransform.complexInverse(second, from + 2 * a * rowStride, false);
        }
        for (int s = rowStart[b]; s < rowStart[b + 1]; s++) {
            int i = byRow[s];
            double ones = 0;
            double xs = 0;
            double ys = 0;
            double squares = 0;
            for (int a = 0; a < NODES; a++) {
                int at = from + 2 * (a * rowStride + cornerY[i]);
                double ones1 = 0;
                double xs1 = 0;
                double ys1 = 0;
                double squares1 = 0;
                for (int c = 0; c < NODES; c++) {
                    double w = weightY[NODES * i + c];
                    ones1 += w * first[at + 2 * c];
                    xs1 += w * first[at + 2 * c + 1];
                    ys1 += w * second[at + 2 * c];
                    squares1 += w * second[at + 2 * c + 1];
                }
                double wx = weightX[NODES * i + a];
                ones += wx * ones1;
                xs += wx * xs1;
                ys += wx * ys1;
                squares += wx * squares1;
            }
            ones *= scale;
            xs *= scale;
            ys *= scale;
            squares *= scale;
            double x = positions[2 * i] - centreX;
            double y = positions[2 * i + 1] - centreY;
            repulsion[2 * i] = x * ones - xs;
            repulsion[2 * i + 1] = y * ones - ys;
            zTerms[i] = (1 + x * x + y * y) * ones - 2 * (x * xs + y * ys) + squares;
        }
    }

    /**
     * The 2-D transform of K at every grid offset for node spacing {@code spacing}, laid out circularly (offset -d
     * at index L - d), column-major. Offsets beyond the charged rows and columns never meet a charge. K is real and
     * even along each axis, so every row's transform is real, and so is every column's after it: two rows share one
     * complex transform (one as the real, one as the imaginary part), and then two columns.
     */
    private void kernelTransform(double spacing) {
        int lx = lengthX;
        int ly = lengthY;
        double[] rowMajor = new double[lx * ly];
        int rowPairs = (lx + 1) / 2;
        parallel.forRange(rowPairs, (start, end) -> {
            double[] pair = new double[2 * ly];
            for (int m = start; m < end; m++) {
                Arrays.fill(pair, 0);
                for (int part = 0; part < 2 && 2 * m + part < lx; part++) {
                    int r = 2 * m + part;
                    double dx = (r <= lx / 2 ? r : r - lx) * spacing;
                    for (int c = 0; c < ly; c++) {
                        double dy = (c <= ly / 2 ? c : c - ly) * spacing;
                        double q = 1 / (1 + dx * dx + dy * dy);
                        pair[2 * c + part] = q * q;
                    }
                }
                rowTransform.complexForward(pair, 0);
                for (int part = 0; part < 2 && 2 * m + part < lx; part++) {
                    for (int c = 0; c < ly; c++) {
                        rowMajor[(2 * m + part) * ly + c] = pair[2 * c + part];
                    }
                }
            }
        });
        double[] transformed = new double[lx * ly];
        int columnPairs = (ly + 1) / 2;
        parallel.forRange(columnPairs, (start, end) -> {
            double[] pair = new double[2 * lx];
            for (int m = start; m < end; m++) {
                Arrays.fill(pair, 0);
                for (int part = 0; part < 2 && 2 * m + part < ly; part++) {
                    for (int r = 0; r < lx; r++) {
                        pair[2 * r + part] = rowMajor[r * ly + 2 * m + part];
                    }
                }
                columnTransform.complexForward(pair, 0);
                for (int part = 0; part < 2 && 2 * m + part < ly; part++) {
                    for (int r = 0; r < lx; r++) {
                        transformed[(2 * m + part) * lx + r] = pair[2 * r + part];
                    }
                }
            }
        });
        kernel = transformed;
    }
}

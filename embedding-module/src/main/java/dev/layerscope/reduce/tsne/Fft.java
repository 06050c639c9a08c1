package dev.layerscope.reduce.tsne;

/**
 * An in-place radix-2 complex FFT of one power-of-two length, with its bit-reversal permutation and twiddle factors
 * computed once, since the interpolation grid keeps its size for many iterations. Real and imaginary parts are
 * separate arrays so that a grid row is a contiguous slice of each.
 */
final class Fft {

    /** Columns transformed together: at length 1024, 16 of them (both parts) take 256 KB, an L2 cache. */
    private static final int COLUMN_BLOCK = 16;

    private final int length;
    private final int[] reversed;
    private final double[] cos;
    private final double[] sin;

    Fft(int length) {
        if (length < 2 || Integer.bitCount(length) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two >= 2, got " + length);
        }
        this.length = length;
        int bits = Integer.numberOfTrailingZeros(length);
        reversed = new int[length];
        for (int i = 0; i < length; i++) {
            reversed[i] = Integer.reverse(i) >>> (32 - bits);
        }
        cos = new double[length / 2];
        sin = new double[length / 2];
        for (int i = 0; i < length / 2; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / length);
            sin[i] = Math.sin(2 * Math.PI * i / length);
        }
    }

    int length() {
        return length;
    }

    /**
     * Transforms {@code re[offset..offset + length)} and {@code im[...]} in place: forward {@code sum x_t
     * e^(-2 pi i f t / L)}, or with {@code inverse} the conjugate sum, unscaled.
     */
    void transform(double[] re, double[] im, int offset, boolean inverse) {
        for (int i = 0; i < length; i++) {
            int j = reversed[i];
            if (j > i) {
                double t = re[offset + i];
                re[offset + i] = re[offset + j];
                re[offset + j] = t;
                t = im[offset + i];
                im[offset + i] = im[offset + j];
                im[offset + j] = t;
            }
        }
        double sign = inverse ? 1 : -1;
        for (int half = 1; half < length; half *= 2) {
            int step = length / (2 * half);
            for (int start = 0; start < length; start += 2 * half) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * step];
                    double wi = sign * sin[k * step];
                    int a = offset + start + k;
                    int b = a + half;
                    double tr = wr * re[b] - wi * im[b];
                    double ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }

    /**
     * Transforms columns {@code [fromColumn, toColumn)} of the {@code length x length} row-major grid in place, a
     * block of {@link #COLUMN_BLOCK} columns at a time: each butterfly combines two rows of the block, so the
     * innermost loop runs along contiguous memory, and the block (all rows) stays in cache through all stages.
     */
    void transformColumns(double[] re, double[] im, int fromColumn, int toColumn, boolean inverse) {
        for (int block = fromColumn; block < toColumn; block += COLUMN_BLOCK) {
            transformBlock(re, im, block, Math.min(toColumn, block + COLUMN_BLOCK), inverse);
        }
    }

    private void transformBlock(double[] re, double[] im, int fromColumn, int toColumn, boolean inverse) {
        for (int i = 0; i < length; i++) {
            int j = reversed[i];
            if (j > i) {
                for (int c = fromColumn; c < toColumn; c++) {
                    double t = re[i * length + c];
                    re[i * length + c] = re[j * length + c];
                    re[j * length + c] = t;
                    t = im[i * length + c];
                    im[i * length + c] = im[j * length + c];
                    im[j * length + c] = t;
                }
            }
        }
        double sign = inverse ? 1 : -1;
        for (int half = 1; half < length; half *= 2) {
            int step = length / (2 * half);
            for (int start = 0; start < length; start += 2 * half) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * step];
                    double wi = sign * sin[k * step];
                    int a = (start + k) * length;
                    int b = a + half * length;
                    for (int c = fromColumn; c < toColumn; c++) {
                        double tr = wr * re[b + c] - wi * im[b + c];
                        double ti = wr * im[b + c] + wi * re[b + c];
                        re[b + c] = re[a + c] - tr;
                        im[b + c] = im[a + c] - ti;
                        re[a + c] += tr;
                        im[a + c] += ti;
                    }
                }
            }
        }
    }
}

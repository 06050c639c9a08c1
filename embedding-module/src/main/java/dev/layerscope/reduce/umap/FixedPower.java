package dev.layerscope.reduce.umap;

import java.util.Arrays;

/**
 * {@code x^b} in single precision for one fixed exponent {@code b > 0}, by table: a float is {@code 2^e m} with
 * {@code m} in [1, 2), so {@code x^b = (2^b)^e m^b}. The first factor is one entry per exponent {@code e}, the second
 * a linear interpolation between the 513 values of {@code m^b} at {@code m = 1 + i/512}, whose relative error is at
 * most {@code b |b - 1| / (8 * 512^2)}: below 1e-6 for every {@code b} up to 2, plus float rounding.
 *
 * <p>Why a table: the layout raises millions of squared distances an epoch to the same {@code b}, each power in a
 * chain of dependent moves. Two table reads and a multiply-add make a short chain, where {@code log2} and
 * {@code 2^f} as polynomials made a long one (more than half of the layout's time). Zero, subnormal, infinite and
 * NaN arguments go to {@link StrictMath#pow}.
 *
 * <p>The tables come from {@link StrictMath}, not {@link Math}, whose {@code pow} may differ in the last bit from one
 * CPU or JVM to another: so the layout's powers are the same bits on every machine.
 */
final class FixedPower {

    private static final int MANTISSA_BITS = 9;
    private static final int STEPS = 1 << MANTISSA_BITS;
    private static final int FRACTION_BITS = 23 - MANTISSA_BITS;
    private static final float FRACTION_SCALE = 1f / (1 << FRACTION_BITS);
    /** The values of a float's top 9 bits, its sign and its biased exponent. */
    private static final int SIGN_AND_EXPONENTS = 1 << 9;

    private final float b;
    /** {@code 2^(b (E - 127))} by the float's biased exponent field E; NaN for the sign bit's half (x < 0). */
    private final float[] scale = new float[SIGN_AND_EXPONENTS];
    /** {@code m^b} at {@code m = 1 + i / 512}, then the step to the next, for i = 0..511, interleaved. */
    private final float[] mantissa = new float[2 * STEPS];

    /** The powers of {@code (float) b}, the exponent rounded as the layout's other coefficients are. */
    FixedPower(double exponent) {
        if (!(exponent > 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("the exponent must be positive and finite, not " + exponent);
        }
        this.b = (float) exponent;
        Arrays.fill(scale, Float.NaN);
        for (int biased = 1; biased < 255; biased++) {
            scale[biased] = (float) StrictMath.pow(2, (double) b * (biased - 127));
        }
        for (int i = 0; i < STEPS; i++) {
            double here = StrictMath.pow(1 + (double) i / STEPS, b);
            double next = StrictMath.pow(1 + (double) (i + 1) / STEPS, b);
            mantissa[2 * i] = (float) here;
            mantissa[2 * i + 1] = (float) (next - here);
        }
    }

    /** {@code x^b} for {@code x >= 0}. */
    float of(float x) {
        int bits = Float.floatToRawIntBits(x);
        int biased = bits >>> 23;
        if (biased == 0 || biased >= 255) {
            return (float) StrictMath.pow(x, b);
        }
        int step = (bits >>> FRACTION_BITS) & (STEPS - 1);
        float fraction = (bits & ((1 << FRACTION_BITS) - 1)) * FRACTION_SCALE;
        return scale[biased] * (mantissa[2 * step] + fraction * mantissa[2 * step + 1]);
    }
}

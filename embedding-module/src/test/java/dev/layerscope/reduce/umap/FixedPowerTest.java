package dev.layerscope.reduce.umap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FixedPowerTest {

    @Test
    void matchesMathPowAcrossTheLayoutsDistances() {
        // b of min-dist 0.1, and others up to 2, over squared distances 1e-30 .. 1e30 where x^b is a normal float
        for (double b : new double[] {0.8950608781227859, 0.5, 0.79, 1.2, 2}) {
            FixedPower power = new FixedPower(b);
            for (double log = -30; log <= 30; log += 0.00137) {
                float x = (float) Math.pow(10, log);
                double exact = Math.pow(x, (float) b);
                if (exact < Float.MIN_NORMAL || exact > Float.MAX_VALUE) {
                    continue;
                }
                assertEquals(exact, power.of(x), 1.2e-6 * exact, "x = " + x + ", b = " + b);
            }
        }
    }

    @Test
    void isExactWhereTheTableHoldsTheValue() {
        FixedPower power = new FixedPower(0.5);
        assertEquals(1, power.of(1));
        assertEquals(2, power.of(4));
        assertEquals(0.5f, power.of(0.25f));
        assertEquals((float) Math.sqrt(1.5), power.of(1.5f));
    }

    @Test
    void handsZeroSubnormalAndInfiniteArgumentsToStrictMathPow() {
        FixedPower power = new FixedPower(0.895);
        float subnormal = Float.MIN_VALUE * 1000;
        assertEquals((float) StrictMath.pow(subnormal, 0.895f), power.of(subnormal));
        assertEquals(0, power.of(0));
        assertEquals(Float.POSITIVE_INFINITY, power.of(Float.POSITIVE_INFINITY));
        assertEquals(Float.NaN, power.of(Float.NaN));
    }

    @Test
    void rejectsAnExponentThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new FixedPower(0));
        assertThrows(IllegalArgumentException.class, () -> new FixedPower(-0.5));
        assertThrows(IllegalArgumentException.class, () -> new FixedPower(Double.NaN));
    }
}

package dev.layerscope.reduce.umap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void fastPowerMatchesMathPowAcrossTheLayoutsDistances() {
        // b of min-dist 0.1 and of a few other min-dist / spread pairs, over squared distances 1e-12 .. 1e12
        for (float b : new float[] {0.895f, 0.5f, 0.79f, 1.2f}) {
            for (double log = -12; log <= 12; log += 0.0137) {
                float x = (float) Math.pow(10, log);
                double exact = Math.pow(x, b);
                assertEquals(exact, Layout.pow(x, b), 1e-5 * exact, "x = " + x + ", b = " + b);
            }
        }
        assertEquals(1, Layout.pow(1, 0.895f), 1e-6);
        assertEquals(Math.pow(4, 0.5), Layout.pow(4, 0.5f), 1e-6);
    }

    @Test
    void fastPowerHandsSubnormalAndHugeArgumentsToMathPow() {
        float subnormal = Float.MIN_VALUE * 1000;
        assertEquals((float) Math.pow(subnormal, 0.895f), Layout.pow(subnormal, 0.895f));
        float huge = 1e38f;
        assertEquals((float) Math.pow(huge, 1.2f), Layout.pow(huge, 1.2f));
    }
}

package dev.layerscope.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZCurveTest {

    @Test
    void theFourQuadrantsComeInZOrderAndTiesInTheOrderOfTheirRanks() {
        // slots: upper right, lower left twice (ranks 3 and 1), upper left, lower right
        double[] positions = {10, 10, 0, 0, 0, 0, 0, 10, 10, 0};
        int[] ranks = {0, 3, 1, 2, 4};
        // Z: lower left (x low, y low), lower right (x high), upper left (y high), upper right
        assertArrayEquals(new int[] {2, 1, 4, 3, 0}, ZCurve.order(positions, ranks));
    }

    @Test
    void pointsCloseInThePlaneAreCloseInTheOrder() {
        Random random = new Random(5);
        int n = 4096;
        double[] positions = new double[2 * n];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = random.nextDouble() * 100;
        }
        int[] ranks = new int[n];
        Arrays.setAll(ranks, i -> i);
        int[] order = ZCurve.order(positions, ranks);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        int[] identity = new int[n];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted, "a permutation of the slots");
        // consecutive points of the order are far nearer each other than random pairs (about 52 apart on average)
        double along = 0;
        for (int s = 1; s < n; s++) {
            along += Math.hypot(positions[2 * order[s]] - positions[2 * order[s - 1]],
                    positions[2 * order[s] + 1] - positions[2 * order[s - 1] + 1]);
        }
        assertTrue(along / (n - 1) < 5, "mean step along the curve " + along / (n - 1));
    }

    @Test
    void aMapOfOnePlaceKeepsTheOrderOfTheRanks() {
        assertArrayEquals(new int[] {1, 2, 0}, ZCurve.order(new double[] {3, 3, 3, 3, 3, 3}, new int[] {2, 0, 1}));
        assertEquals(0, ZCurve.order(new double[0], new int[0]).length);
        assertThrows(IllegalArgumentException.class, () -> ZCurve.order(new double[4], new int[3]));
    }

    @Test
    void spreadPutsTheBitsOnEvenPlaces() {
        assertEquals(0b1010101, ZCurve.spread(0b1111));
        assertEquals(0x15555555, ZCurve.spread(0x7fff));
        assertEquals(0, ZCurve.spread(0x8000), "only the low 15 bits");
    }
}

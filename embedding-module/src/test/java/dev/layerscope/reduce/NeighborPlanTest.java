package dev.layerscope.reduce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NeighborPlanTest {

    /**
     * One search, for the largest k of the run, serves every map by truncation: that only holds each map's own
     * candidates when the candidates never shrink as k grows, and a map of k neighbours needs at least k of them.
     */
    @Test
    void candidatesGrowWithKAndAreAtLeastK() {
        int previous = 0;
        for (int k = 1; k <= 1000; k++) {
            int candidates = NeighborPlan.candidates(k);
            assertTrue(candidates >= k, "k = " + k + ": " + candidates + " candidates");
            assertTrue(candidates >= previous, "k = " + k + ": " + candidates + " < " + previous);
            previous = candidates;
        }
    }
}

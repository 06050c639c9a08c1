package dev.layerscope.linalg;

import java.util.Arrays;

/**
 * An order of 2-D points along a Z-order (Morton) curve through their bounding box: points near each other in the
 * plane are mostly near each other in the order. A map's optimiser that reads, for each point, the positions of the
 * points it is tied to (its neighbours in a graph) finds them in cache when the points are stored in this order, and
 * at random places of the array otherwise.
 */
public final class ZCurve {

    /**
     * Bits of each coordinate in the code: a grid of 32,768 x 32,768 cells over the bounding box, and codes below
     * 2^30, so that a code in a long's upper half keeps the long positive and sorts as a number.
     */
    private static final int BITS = 15;

    private ZCurve() {
    }

    /**
     * The slots of the {@code positions.length / 2} points (x and y interleaved) in curve order: element {@code s} is
     * the slot of the point that goes to slot {@code s}. Points in one cell of the grid keep the order of their
     * {@code ranks} (a permutation of {@code 0..n-1}, such as each point's row in the data), so the result depends
     * on the positions and ranks alone.
     */
    public static int[] order(double[] positions, int[] ranks) {
        int n = positions.length / 2;
        if (ranks.length != n) {
            throw new IllegalArgumentException(ranks.length + " ranks for " + n + " points");
        }
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int slot = 0; slot < n; slot++) {
            minX = Math.min(minX, positions[2 * slot]);
            maxX = Math.max(maxX, positions[2 * slot]);
            minY = Math.min(minY, positions[2 * slot + 1]);
            maxY = Math.max(maxY, positions[2 * slot + 1]);
        }
        int cells = (1 << BITS) - 1;
        double scaleX = maxX > minX ? cells / (maxX - minX) : 0;
        double scaleY = maxY > minY ? cells / (maxY - minY) : 0;
        // code above rank: a sort of the longs is a sort by code, then by rank
        long[] keys = new long[n];
        for (int slot = 0; slot < n; slot++) {
            int x = (int) ((positions[2 * slot] - minX) * scaleX);
            int y = (int) ((positions[2 * slot + 1] - minY) * scaleY);
            keys[slot] = (long) (spread(x) | spread(y) << 1) << 32 | ranks[slot];
        }
        Arrays.sort(keys);
        int[] slotOfRank = new int[n];
        for (int slot = 0; slot < n; slot++) {
            slotOfRank[ranks[slot]] = slot;
        }
        int[] order = new int[n];
        for (int s = 0; s < n; s++) {
            order[s] = slotOfRank[(int) keys[s]];
        }
        return order;
    }

    /** The low {@link #BITS} bits of {@code v} on the even bits of an int. */
    static int spread(int v) {
        v &= (1 << BITS) - 1;
        v = (v | v << 8) & 0x00ff00ff;
        v = (v | v << 4) & 0x0f0f0f0f;
        v = (v | v << 2) & 0x33333333;
        return (v | v << 1) & 0x55555555;
    }
}

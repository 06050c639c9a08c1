package dev.layerscope.knn;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.neighbors.NearestHeap;

/**
 * A k-d tree of 2-D points for exact nearest-neighbour queries. A brute-force search of 10,000 test points against
 * 50,000 training points is 500 million distances per map and k; the tree answers a query from a few dozen. (The
 * BLAS search of the high-dimensional inputs suits 2-D badly too: its expanded form |q|^2 + |r|^2 - 2 q.r loses
 * the small distances inside a dense t-SNE cluster to rounding.)
 *
 * <p>Distances are computed in double from the float coordinates, directly as differences, and neighbours are
 * ordered by (distance, row) through {@link NearestHeap}, so ties go to the lower training row.
 */
final class KdTree {

    /** Points a leaf holds: scanning a few is cheaper than descending further. */
    private static final int LEAF = 12;

    /** The points' coordinates and rows, in tree order: each node's points are a contiguous range. */
    private final double[] xs;
    private final double[] ys;
    private final int[] rows;
    /** Per inner node, numbered as a heap from 1: whether it splits on y, and where. */
    private final boolean[] splitsY;
    private final double[] splits;

    KdTree(FloatMatrix points) {
        if (points.cols() != 2) {
            throw new IllegalArgumentException("a k-d tree of the plane needs 2 columns, got " + points.cols());
        }
        int n = points.rows();
        rows = new int[n];
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            x[i] = points.get(i, 0);
            y[i] = points.get(i, 1);
        }
        int depth = 0;
        for (int size = n; size > LEAF; size = (size + 1) / 2) {
            depth++;
        }
        splitsY = new boolean[1 << depth];
        splits = new double[1 << depth];
        build(1, 0, n, x, y);
        xs = new double[n];
        ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = x[rows[i]];
            ys[i] = y[rows[i]];
        }
    }

    /** Offers every point to {@code nearest} that could be among its k nearest to (qx, qy). */
    void search(double qx, double qy, NearestHeap nearest) {
        search(1, 0, rows.length, qx, qy, nearest);
    }

    private void search(int node, int from, int to, double qx, double qy, NearestHeap nearest) {
        if (to - from <= LEAF) {
            for (int p = from; p < to; p++) {
                double dx = qx - xs[p];
                double dy = qy - ys[p];
                nearest.offer(dx * dx + dy * dy, rows[p]);
            }
            return;
        }
        int middle = (from + to) >>> 1;
        double gap = (splitsY[node] ? qy : qx) - splits[node];
        boolean leftFirst = gap < 0;
        search(leftFirst ? 2 * node : 2 * node + 1, leftFirst ? from : middle, leftFirst ? middle : to, qx, qy,
                nearest);
        // every point across the split is at least |gap| away; one exactly that far may still tie the worst kept
        // and win on a lower row, hence <=
        if (gap * gap <= nearest.worst()) {
            search(leftFirst ? 2 * node + 1 : 2 * node, leftFirst ? middle : from, leftFirst ? to : middle, qx, qy,
                    nearest);
        }
    }

    /**
     * Splits rows[from, to) at its middle along the axis of the wider spread: the left half holds coordinates up to
     * the split value, the right half from it on.
     */
    private void build(int node, int from, int to, double[] x, double[] y) {
        if (to - from <= LEAF) {
            return;
        }
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            minX = Math.min(minX, x[rows[i]]);
            maxX = Math.max(maxX, x[rows[i]]);
            minY = Math.min(minY, y[rows[i]]);
            maxY = Math.max(maxY, y[rows[i]]);
        }
        boolean onY = maxY - minY > maxX - minX;
        double[] coordinate = onY ? y : x;
        int middle = (from + to) >>> 1;
        select(from, to - 1, middle, coordinate);
        splitsY[node] = onY;
        splits[node] = coordinate[rows[middle]];
        build(2 * node, from, middle, x, y);
        build(2 * node + 1, middle, to, x, y);
    }

    /**
     * Reorders rows[left..right] so that position {@code nth} holds the row whose coordinate ranks there, none after
     * it smaller and none before it larger (Hoare's selection; equal values stop both scans, so many equal
     * coordinates do not make it quadratic).
     */
    private void select(int left, int right, int nth, double[] coordinate) {
        while (left < right) {
            double pivot = coordinate[rows[(left + right) >>> 1]];
            int i = left;
            int j = right;
            while (i <= j) {
                while (coordinate[rows[i]] < pivot) {
                    i++;
                }
                while (coordinate[rows[j]] > pivot) {
                    j--;
                }
                if (i <= j) {
                    int swap = rows[i];
                    rows[i] = rows[j];
                    rows[j] = swap;
                    i++;
                    j--;
                }
            }
            if (nth <= j) {
                right = j;
            } else if (nth >= i) {
                left = i;
            } else {
                return;
            }
        }
    }
}

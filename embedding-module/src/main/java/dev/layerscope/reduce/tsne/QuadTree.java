package dev.layerscope.reduce.tsne;

import java.util.Arrays;

/**
 * The Barnes-Hut quadtree over 2-D points for t-SNE's repulsive forces. The nodes are stored in depth-first order
 * in flat arrays, each with the index of the node after its subtree, so a query walks the array forwards without a
 * stack: summarise a node and jump past its subtree, or step into its first child. The arrays are kept between
 * rebuilds, so an optimisation that rebuilds the tree every iteration allocates nothing after the first.
 *
 * <p>A node is summarised by its centre of mass when it is a leaf or when its cell is small seen from the query,
 * {@code width^2 < theta^2 * distance^2} (scikit-learn's criterion, the cell's longer side as width). Leaves at
 * distance zero (the query point itself, or exact duplicates of it) are skipped, as in scikit-learn.
 */
final class QuadTree {

    /** Below this depth cells are narrower than doubles resolve; what remains is one summarised leaf. */
    private static final int MAX_DEPTH = 50;
    /** Per node: centre of mass x and y, squared cell width, number of points. */
    private static final int STRIDE = 4;

    private double[] nodes = new double[0];
    private int[] next = new int[0];
    private int[] order = new int[0];
    private int nodeCount;
    private double[] points;

    /** Rebuilds the tree over the first {@code n} points of {@code xy} (x and y interleaved). */
    void build(double[] xy, int n) {
        points = xy;
        if (order.length != n) {
            order = new int[n];
            nodes = new double[STRIDE * Math.max(16, 2 * n)];
            next = new int[Math.max(16, 2 * n)];
        }
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            minX = Math.min(minX, xy[2 * i]);
            maxX = Math.max(maxX, xy[2 * i]);
            minY = Math.min(minY, xy[2 * i + 1]);
            maxY = Math.max(maxY, xy[2 * i + 1]);
        }
        nodeCount = 0;
        if (n > 0) {
            buildNode(0, n, minX, minY, maxX, maxY, 0);
        }
    }

    /**
     * The points in the order the tree's leaves hold them: neighbours in space are neighbours in this order, so
     * queries made in it touch the same nodes one after another.
     */
    int[] order() {
        return order;
    }

    private void buildNode(int lo, int hi, double x0, double y0, double x1, double y1, int depth) {
        int node = nodeCount++;
        if (next.length < nodeCount) {
            next = Arrays.copyOf(next, 2 * next.length);
            nodes = Arrays.copyOf(nodes, 2 * nodes.length);
        }
        double sumX = 0;
        double sumY = 0;
        for (int r = lo; r < hi; r++) {
            sumX += points[2 * order[r]];
            sumY += points[2 * order[r] + 1];
        }
        int count = hi - lo;
        double width = Math.max(x1 - x0, y1 - y0);
        int base = node * STRIDE;
        nodes[base] = sumX / count;
        nodes[base + 1] = sumY / count;
        nodes[base + 2] = width * width;
        nodes[base + 3] = count;
        if (count > 1 && depth < MAX_DEPTH && width > 0) {
            double midX = (x0 + x1) / 2;
            double midY = (y0 + y1) / 2;
            int splitY = partition(lo, hi, 1, midY);
            int lowerSplitX = partition(lo, splitY, 0, midX);
            int upperSplitX = partition(splitY, hi, 0, midX);
            buildChild(lo, lowerSplitX, x0, y0, midX, midY, depth);
            buildChild(lowerSplitX, splitY, midX, y0, x1, midY, depth);
            buildChild(splitY, upperSplitX, x0, midY, midX, y1, depth);
            buildChild(upperSplitX, hi, midX, midY, x1, y1, depth);
        }
        next[node] = nodeCount;
    }

    private void buildChild(int lo, int hi, double x0, double y0, double x1, double y1, int depth) {
        if (hi > lo) {
            buildNode(lo, hi, x0, y0, x1, y1, depth + 1);
        }
    }

    /** Reorders {@code order[lo..hi)} so that coordinate {@code axis} is below {@code mid} first; returns the split. */
    private int partition(int lo, int hi, int axis, double mid) {
        int i = lo;
        int j = hi - 1;
        while (i <= j) {
            if (points[2 * order[i] + axis] < mid) {
                i++;
            } else {
                int swap = order[i];
                order[i] = order[j];
                order[j--] = swap;
            }
        }
        return i;
    }

    /**
     * The repulsion on a point at ({@code x}, {@code y}) from the tree's points: writes the unnormalised force
     * {@code sum q^2 (y_i - y_j)} to {@code force[offset]} and {@code force[offset + 1]} and returns
     * {@code sum q}, where {@code q = 1 / (1 + |y_i - y_j|^2)}; t-SNE divides the force by the total of these sums.
     */
    double repulsion(double x, double y, double thetaSquared, double[] force, int offset) {
        double sumQ = 0;
        double forceX = 0;
        double forceY = 0;
        int node = 0;
        while (node < nodeCount) {
            int base = node * STRIDE;
            double dx = x - nodes[base];
            double dy = y - nodes[base + 1];
            double distanceSquared = dx * dx + dy * dy;
            int after = next[node];
            if (after == node + 1 || nodes[base + 2] < thetaSquared * distanceSquared) {
                if (distanceSquared > 0) {
                    double q = 1 / (1 + distanceSquared);
                    double countQ = nodes[base + 3] * q;
                    sumQ += countQ;
                    forceX += countQ * q * dx;
                    forceY += countQ * q * dy;
                }
                node = after;
            } else {
                node++;
            }
        }
        force[offset] = forceX;
        force[offset + 1] = forceY;
        return sumQ;
    }
}

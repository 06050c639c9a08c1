package dev.layerscope.neighbors;

import dev.layerscope.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A random projection tree (Dasgupta and Freund 2008, as pynndescent builds it for the Euclidean distance): each
 * node splits its points by the hyperplane halfway between two of them drawn at random, until a leaf holds at most
 * {@code leafSize} points. Points in one leaf are likely near each other, which is what starts NN-descent with a
 * good graph and what routes a query to its first candidates. Built from one seeded random stream in a fixed order,
 * so the same seed gives the same tree.
 */
final class RpTree {

    private final FloatMatrix data;
    /** The points, permuted so that every leaf is a contiguous range. */
    private final int[] order;
    /** Per node: its left child, or -1 for a leaf. */
    private int[] left = new int[16];
    /** Per node: its right child, or for a leaf its index among the leaves (see {@link #leafBounds}). */
    private int[] right = new int[16];
    /** Per internal node: its hyperplane's offset. */
    private float[] offsets = new float[16];
    /** Per node: the hyperplane's normal, {@code cols} values a node. */
    private float[] normals;
    private int nodes;
    /** The leaves' ranges in {@link #order}, in order: leaf i holds [leafBounds[i], leafBounds[i + 1]). */
    private int[] leafBounds = new int[16];
    private int leaves;

    RpTree(FloatMatrix data, int leafSize, long seed) {
        this.data = data;
        int n = data.rows();
        this.order = new int[n];
        Arrays.setAll(order, i -> i);
        this.normals = new float[16 * data.cols()];
        SplittableRandom random = new SplittableRandom(seed);
        build(0, n, Math.max(2, leafSize), random);
    }

    int[] order() {
        return order;
    }

    /** How many leaves the tree has; leaf i holds {@code order[leafRangeStart(i), leafRangeEnd(i))}. */
    int leafCount() {
        return leaves;
    }

    int leafRangeStart(int leaf) {
        return leafBounds[leaf];
    }

    int leafRangeEnd(int leaf) {
        return leafBounds[leaf + 1];
    }

    /**
     * The leaf {@code query} (a row of {@code queries}, with the tree's columns) falls into, as an index for
     * {@link #leafRangeStart} and {@link #leafRangeEnd}.
     */
    int route(FloatMatrix queries, int query) {
        int cols = data.cols();
        float[] q = queries.values();
        int base = query * cols;
        int node = 0;
        while (left[node] >= 0) {
            double margin = offsets[node];
            int normal = node * cols;
            for (int c = 0; c < cols; c++) {
                margin += (double) normals[normal + c] * q[base + c];
            }
            // a query on the plane goes left: routing needs no randomness
            node = margin > 0 ? right[node] : left[node];
        }
        return right[node];
    }

    /** Builds the subtree of {@code order[from, to)} depth first; returns its node. */
    private int build(int from, int to, int leafSize, SplittableRandom random) {
        int node = newNode();
        if (to - from <= leafSize) {
            makeLeaf(node, from, to);
            return node;
        }
        int cols = data.cols();
        float[] values = data.values();
        int a = order[from + random.nextInt(to - from)];
        int b = order[from + random.nextInt(to - from - 1)];
        if (b == a) {
            b = order[to - 1];
        }
        // the hyperplane of points equidistant from a and b: normal a - b, through their midpoint
        int normal = node * cols;
        double offset = 0;
        for (int c = 0; c < cols; c++) {
            float difference = values[a * cols + c] - values[b * cols + c];
            normals[normal + c] = difference;
            offset -= difference * (values[a * cols + c] + values[b * cols + c]) / 2.0;
        }
        offsets[node] = (float) offset;
        // partition in place: the right side (margin > 0) moves to the end, ties take a side at random
        int low = from;
        int high = to;
        while (low < high) {
            int point = order[low];
            double margin = offset;
            for (int c = 0; c < cols; c++) {
                margin += (double) normals[normal + c] * values[point * cols + c];
            }
            boolean goesRight = margin > 0 || (margin == 0 && random.nextBoolean());
            if (goesRight) {
                high--;
                order[low] = order[high];
                order[high] = point;
            } else {
                low++;
            }
        }
        int split = low;
        if (split == from || split == to) {
            // every point on one side (duplicates): halve the range so that the tree still ends
            split = (from + to) >>> 1;
            Arrays.fill(normals, normal, normal + cols, 0f);
            offsets[node] = 0;
        }
        int leftChild = build(from, split, leafSize, random);
        int rightChild = build(split, to, leafSize, random);
        left[node] = leftChild;
        right[node] = rightChild;
        return node;
    }

    /** Leaves are made depth first, left before right, so their ranges follow each other from 0 to n. */
    private void makeLeaf(int node, int from, int to) {
        if (leaves + 2 > leafBounds.length) {
            leafBounds = Arrays.copyOf(leafBounds, leafBounds.length * 2);
        }
        leafBounds[leaves] = from;
        leafBounds[++leaves] = to;
        left[node] = -1;
        right[node] = leaves - 1;
    }

    private int newNode() {
        if (nodes == left.length) {
            int size = nodes * 2;
            left = Arrays.copyOf(left, size);
            right = Arrays.copyOf(right, size);
            offsets = Arrays.copyOf(offsets, size);
            normals = Arrays.copyOf(normals, size * data.cols());
        }
        return nodes++;
    }
}

package dev.layerscope.reduce.tsne;

import dev.layerscope.linalg.Parallel;

/**
 * {@link Repulsion} by a Barnes-Hut quadtree (scikit-learn's criterion, see {@link QuadTree}), rebuilt for every
 * evaluation. The points are visited in the tree's order, so consecutive queries walk the same nodes; each writes
 * only its own slots, and Z is summed in point order.
 */
final class BarnesHutRepulsion implements Repulsion {

    private final QuadTree tree = new QuadTree();
    private final double thetaSquared;
    private final Parallel parallel;
    private double[] sumQ = new double[0];

    BarnesHutRepulsion(double theta, Parallel parallel) {
        this.thetaSquared = theta * theta;
        this.parallel = parallel;
    }

    @Override
    public double compute(double[] positions, double[] repulsion) {
        int n = positions.length / 2;
        if (sumQ.length != n) {
            sumQ = new double[n];
        }
        tree.build(positions, n);
        int[] order = tree.order();
        parallel.forRange(n, (start, end) -> {
            for (int r = start; r < end; r++) {
                int i = order[r];
                sumQ[i] = tree.repulsion(positions[2 * i], positions[2 * i + 1], thetaSquared, repulsion, 2 * i);
            }
        });
        double z = 0;
        for (double s : sumQ) {
            z += s;
        }
        return z;
    }
}

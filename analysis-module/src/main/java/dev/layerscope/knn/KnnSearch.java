package dev.layerscope.knn;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NearestHeap;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.neighbors.NeighborSearch;

/**
 * The {@code k} nearest training points of every test point, nearest first, with equal distances in the order of
 * the training rows. A graph made with the largest k serves every smaller k: its first k neighbours are exactly
 * the k nearest.
 */
final class KnnSearch {

    /**
     * Candidates per neighbour taken from the BLAS search of a high-dimensional input before ranking by exact
     * distance: room for the neighbours its rounding or its order of equal distances would otherwise drop.
     */
    static final int CANDIDATES = 2;

    private KnnSearch() {
    }

    /** Neighbours in a 2-D map, by a k-d tree of the training points. */
    static NeighborGraph inPlane(FloatMatrix train, FloatMatrix test, int k, Parallel parallel) {
        requireK(train, k);
        KdTree tree = new KdTree(train);
        int[] indices = new int[test.rows() * k];
        double[] distances = new double[test.rows() * k];
        parallel.forRange(test.rows(), (from, to) -> {
            NearestHeap nearest = new NearestHeap(k);
            for (int q = from; q < to; q++) {
                tree.search(test.get(q, 0), test.get(q, 1), nearest);
                nearest.drain(indices, distances, q * k);
            }
        });
        return ExactNeighbors.euclidean(test.rows(), k, indices, distances);
    }

    /**
     * Neighbours in a high-dimensional input: the {@code CANDIDATES x k} nearest by {@link NeighborSearch} (exact
     * blocked BLAS products, fast but in the rounding of |q|^2 + |r|^2 - 2 q.r, up to its hand-over; NN-descent
     * above), then ranked by their exact distance ({@link ExactNeighbors#refine}). An approximate search's recall is
     * that of the ranked neighbours, on the search's seeded sample of test points.
     */
    static NeighborSearch.Found highDimensional(FloatMatrix train, FloatMatrix test, int k,
                                                NeighborSearch.Options search, Parallel parallel) {
        requireK(train, k);
        int candidates = Math.min(CANDIDATES * k, search.approximate(train.rows()) ? train.rows() - 1 : train.rows());
        NeighborSearch.Found found = NeighborSearch.query(train, test, candidates, search, parallel);
        NeighborGraph ranked = ExactNeighbors.refine(train, test, found.graph(), k, parallel);
        if (!found.approximate()) {
            return new NeighborSearch.Found(ranked, false, Double.NaN, 0);
        }
        int[] sample = SeededRows.uniform(test.rows(), search.recallSample(), search.seed());
        return sample.length == 0 ? new NeighborSearch.Found(ranked, true, Double.NaN, 0)
                : new NeighborSearch.Found(ranked, true, NeighborSearch.recall(train, test, ranked, false, sample,
                        parallel), sample.length);
    }

    private static void requireK(FloatMatrix train, int k) {
        if (k > train.rows()) {
            throw new IllegalArgumentException("k = " + k + " neighbours of " + train.rows() + " training points");
        }
    }
}

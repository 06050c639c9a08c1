package dev.layerscope.neighbors;

import java.util.Objects;

/**
 * The {@code k} nearest neighbours of each of {@code size} points, nearest first, as Euclidean distances. For a graph
 * of a set onto itself a point is not its own neighbour; for a graph of queries onto a reference set the indices
 * are rows of the reference set. One graph, computed once per input with the largest {@code k} any method asks for,
 * serves t-SNE, UMAP and TriMAP alike ({@link #truncate}).
 *
 * @param indices   {@code size * k} neighbour indices, row-major
 * @param distances {@code size * k} Euclidean distances, ascending within a row
 */
public record NeighborGraph(int size, int k, int[] indices, float[] distances) {

    public NeighborGraph {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(distances, "distances");
        if (size < 0 || k < 1) {
            throw new IllegalArgumentException("a neighbour graph needs size >= 0 and k >= 1, got " + size + ", " + k);
        }
        if ((long) size * k != indices.length || indices.length != distances.length) {
            throw new IllegalArgumentException("a graph of " + size + " points x " + k + " neighbours needs "
                    + (long) size * k + " indices and distances, got " + indices.length + " and " + distances.length);
        }
    }

    /** The index of the {@code rank}-th nearest neighbour of {@code point} (rank 0 is the nearest). */
    public int neighbor(int point, int rank) {
        return indices[point * k + rank];
    }

    /** The distance to the {@code rank}-th nearest neighbour of {@code point}. */
    public float distance(int point, int rank) {
        return distances[point * k + rank];
    }

    /** The same graph with only the {@code newK} nearest neighbours of each point. */
    public NeighborGraph truncate(int newK) {
        if (newK > k || newK < 1) {
            throw new IllegalArgumentException("cannot truncate a graph of k = " + k + " to k = " + newK);
        }
        if (newK == k) {
            return this;
        }
        int[] keptIndices = new int[size * newK];
        float[] keptDistances = new float[size * newK];
        for (int i = 0; i < size; i++) {
            System.arraycopy(indices, i * k, keptIndices, i * newK, newK);
            System.arraycopy(distances, i * k, keptDistances, i * newK, newK);
        }
        return new NeighborGraph(size, newK, keptIndices, keptDistances);
    }
}

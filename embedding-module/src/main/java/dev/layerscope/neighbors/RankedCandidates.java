package dev.layerscope.neighbors;

/**
 * Every candidate of each query in the order of its exact distance ({@link ExactNeighbors#rank}), with the place it
 * had among the query's candidates: the nearest {@code k} among any leading part of the candidates can be read off
 * it without computing a distance again. So one ranking of an input's candidates serves every map of the input,
 * each taking its own k among its own number of candidates, and each gets what ranking those candidates alone would
 * give ({@link #nearest}).
 */
public final class RankedCandidates {

    private final int size;
    private final int count;
    /** Per query, its candidates nearest first by (exact distance, row). */
    private final int[] rows;
    private final float[] distances;
    /** Per ranked candidate, its place among the query's candidates as they were given. */
    private final int[] places;

    RankedCandidates(int size, int count, int[] rows, float[] distances, int[] places) {
        this.size = size;
        this.count = count;
        this.rows = rows;
        this.distances = distances;
        this.places = places;
    }

    /** How many candidates each query had. */
    public int count() {
        return count;
    }

    /**
     * The {@code k} nearest of each query's first {@code among} candidates, as {@link ExactNeighbors#refine} of the
     * candidate graph truncated to {@code among} gives them.
     */
    public NeighborGraph nearest(int k, int among) {
        if (k < 1 || k > among || among > count) {
            throw new IllegalArgumentException("the " + k + " nearest of the first " + among + " of " + count
                    + " candidates");
        }
        int[] indices = new int[size * k];
        float[] kept = new float[size * k];
        for (int q = 0; q < size; q++) {
            int taken = 0;
            for (int r = q * count; taken < k; r++) {
                if (places[r] < among) {
                    indices[q * k + taken] = rows[r];
                    kept[q * k + taken] = distances[r];
                    taken++;
                }
            }
        }
        return new NeighborGraph(size, k, indices, kept);
    }
}

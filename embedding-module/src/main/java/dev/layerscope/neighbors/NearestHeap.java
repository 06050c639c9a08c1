package dev.layerscope.neighbors;

/**
 * The {@code k} smallest of the (distance, id) pairs offered to it, as a bounded max-heap: LayerScope's one rule for
 * the order of neighbours. Pairs are ordered by distance and then by id, so that equal distances always keep and
 * list the lower id first, whatever order the pairs came in: every neighbour list ranked by it (the exact
 * refinement of {@link ExactNeighbors#refine}, the knn stage's 2-D searches), and with it every vote, is
 * independent of the search order and of the thread count. One heap serves one query at a time; reuse it after
 * {@link #drain}.
 */
public final class NearestHeap {

    private final int k;
    private final double[] distances;
    private final int[] ids;
    private int size;

    public NearestHeap(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("a heap of the k nearest needs k >= 1, got " + k);
        }
        this.k = k;
        this.distances = new double[k];
        this.ids = new int[k];
    }

    /** The largest distance kept once full, infinity before: a pair farther than this cannot enter. */
    public double worst() {
        return size < k ? Double.POSITIVE_INFINITY : distances[0];
    }

    /** Keeps (distance, id) if it is among the k smallest pairs offered since the last drain. */
    public void offer(double distance, int id) {
        if (size < k) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!before(distances[parent], ids[parent], distance, id)) {
                    break;
                }
                distances[i] = distances[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            distances[i] = distance;
            ids[i] = id;
        } else if (before(distance, id, distances[0], ids[0])) {
            siftDown(distance, id, k);
        }
    }

    /**
     * Writes the kept pairs nearest first into {@code targetIds} and {@code targetDistances} from {@code offset}
     * (either array may be null) and empties the heap.
     */
    public void drain(int[] targetIds, double[] targetDistances, int offset) {
        for (int last = size - 1; last >= 0; last--) {
            if (targetIds != null) {
                targetIds[offset + last] = ids[0];
            }
            if (targetDistances != null) {
                targetDistances[offset + last] = distances[0];
            }
            siftDown(distances[last], ids[last], last);
        }
        size = 0;
    }

    /** Whether (a, aId) comes before (b, bId): nearer, or as near with the lower id. */
    public static boolean before(double a, int aId, double b, int bId) {
        return a < b || (a == b && aId < bId);
    }

    /** Puts (distance, id) at the root of the heap's first {@code count} entries and sifts it down. */
    private void siftDown(double distance, int id, int count) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= count) {
                break;
            }
            if (child + 1 < count && before(distances[child], ids[child], distances[child + 1], ids[child + 1])) {
                child++;
            }
            if (!before(distance, id, distances[child], ids[child])) {
                break;
            }
            distances[i] = distances[child];
            ids[i] = ids[child];
            i = child;
        }
        distances[i] = distance;
        ids[i] = id;
    }
}

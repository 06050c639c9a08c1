package dev.layerscope.neighbors;

import java.util.Arrays;

/**
 * The k smallest keys offered to each of many rows, as one bounded max-heap per row in flat arrays. The largest kept
 * key of every row sits in a small array of its own, so that the common case of a search, a candidate farther than
 * everything kept, costs one comparison against memory that stays in cache.
 */
final class BoundedHeaps {

    private final int k;
    private final int[] ids;
    private final float[] keys;
    private final int[] sizes;
    private final float[] worst;

    BoundedHeaps(int rows, int k) {
        this.k = k;
        this.ids = new int[Math.multiplyExact(rows, k)];
        this.keys = new float[rows * k];
        this.sizes = new int[rows];
        this.worst = new float[rows];
        Arrays.fill(worst, Float.POSITIVE_INFINITY);
    }

    /** The largest key {@code row} keeps once full (infinity before): a candidate must be below it to count. */
    float worst(int row) {
        return worst[row];
    }

    /** Keeps {@code id} for {@code row} if {@code key} is among the k smallest offered to it so far. */
    void offer(int row, int id, float key) {
        if (key >= worst[row]) {
            return;
        }
        int base = row * k;
        int size = sizes[row];
        if (size < k) {
            int i = size;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (keys[base + parent] >= key) {
                    break;
                }
                keys[base + i] = keys[base + parent];
                ids[base + i] = ids[base + parent];
                i = parent;
            }
            keys[base + i] = key;
            ids[base + i] = id;
            sizes[row] = ++size;
            if (size == k) {
                worst[row] = keys[base];
            }
        } else {
            siftDown(base, id, key, k);
            worst[row] = keys[base];
        }
    }

    /** Writes row {@code row}'s entries in ascending key order from {@code offset}, emptying its heap. */
    void drainSorted(int row, int[] targetIds, float[] targetKeys, int offset) {
        int base = row * k;
        for (int last = sizes[row] - 1; last >= 0; last--) {
            targetIds[offset + last] = ids[base];
            targetKeys[offset + last] = keys[base];
            siftDown(base, ids[base + last], keys[base + last], last);
        }
        sizes[row] = 0;
        worst[row] = Float.POSITIVE_INFINITY;
    }

    /** Puts (id, key) at the root of the heap at {@code base} of {@code size} entries and sifts it down. */
    private void siftDown(int base, int id, float key, int size) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && keys[base + child + 1] > keys[base + child]) {
                child++;
            }
            if (keys[base + child] <= key) {
                break;
            }
            keys[base + i] = keys[base + child];
            ids[base + i] = ids[base + child];
            i = child;
        }
        keys[base + i] = key;
        ids[base + i] = id;
    }
}

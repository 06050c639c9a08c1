package dev.layerscope.neighbors;

import java.util.Arrays;

/**
 * The k smallest keys offered to each of many rows, ties to the lower id, whatever the order of the offers.
 *
 * <p>Each row appends its accepted candidates to a buffer of 2k entries, and when the buffer is full keeps its k
 * smallest (a selection, linear in k) and raises the bar to the largest of them. A bounded max-heap re-ordered
 * itself on every accepted candidate, a walk of log k unpredictable branches; the buffer made the exact search of
 * 50,000 points 10% faster at k = 90 and changed nothing measurable at k = 60 (docs/performance.md). The bar only
 * tightens at a selection, so somewhat more candidates pass it than passed a heap's, each for an append.
 *
 * <p>An entry is one long: the key's bits in an order that sorts like the float, then the id. Comparing two longs
 * orders by key and breaks ties by id, so the kept set is the k smallest by (key, id): it does not depend on the order
 * of the offers, nor on how a search splits its work among threads.
 */
final class NearestPerRow {

    private final int k;
    private final int capacity;
    private final long[] entries;
    private final int[] sizes;
    private final float[] bars;

    NearestPerRow(int rows, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        this.k = k;
        this.capacity = 2 * k;
        this.entries = new long[Math.multiplyExact(rows, capacity)];
        this.sizes = new int[rows];
        this.bars = new float[rows];
        Arrays.fill(bars, Float.POSITIVE_INFINITY);
    }

    /**
     * The bar of {@code row}: a key above it cannot be among the row's k smallest (infinity until the row has kept k).
     * A key equal to it can, with a lower id, so callers offer every key at or below it.
     */
    float bar(int row) {
        return bars[row];
    }

    /** Keeps {@code id} for {@code row} if (key, id) may be among the k smallest offered to it. */
    void offer(int row, int id, float key) {
        if (key > bars[row]) {
            return;
        }
        int size = sizes[row];
        entries[row * capacity + size] = pack(key, id);
        if (++size == capacity) {
            select(row * capacity, size);
            size = k;
            bars[row] = key(entries[row * capacity + k - 1]);
        }
        sizes[row] = size;
    }

    /**
     * Writes row {@code row}'s k smallest (fewer if fewer were offered) in ascending (key, id) order from
     * {@code offset}, and empties the row.
     */
    int drainSorted(int row, int[] targetIds, float[] targetKeys, int offset) {
        int base = row * capacity;
        int size = sizes[row];
        if (size > k) {
            select(base, size);
            size = k;
        }
        Arrays.sort(entries, base, base + size);
        for (int i = 0; i < size; i++) {
            targetIds[offset + i] = (int) entries[base + i];
            targetKeys[offset + i] = key(entries[base + i]);
        }
        sizes[row] = 0;
        bars[row] = Float.POSITIVE_INFINITY;
        return size;
    }

    /** Moves the k smallest of the {@code size} entries from {@code base} to its first k slots (Hoare's selection). */
    private void select(int base, int size) {
        long[] a = entries;
        int target = base + k - 1;
        int lo = base;
        int hi = base + size - 1;
        while (lo < hi) {
            long first = a[lo];
            long middle = a[(lo + hi) >>> 1];
            long last = a[hi];
            long pivot = Math.max(Math.min(first, middle), Math.min(Math.max(first, middle), last));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long swap = a[i];
                    a[i++] = a[j];
                    a[j--] = swap;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    /**
     * The key's bits flipped so that signed order of the ints is the float order (adding 0 first turns -0 into 0,
     * which the float comparison holds equal), above the id.
     */
    static long pack(float key, int id) {
        int bits = Float.floatToRawIntBits(key + 0f);
        return (long) (bits ^ ((bits >> 31) & 0x7fffffff)) << 32 | (id & 0xffffffffL);
    }

    static float key(long entry) {
        int bits = (int) (entry >> 32);
        return Float.intBitsToFloat(bits ^ ((bits >> 31) & 0x7fffffff));
    }
}

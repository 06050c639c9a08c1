package dev.layerscope.linalg;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded subsets of rows: the one rule by which a stage that measures on part of a split (the map quality sample,
 * the scorecard's subsets) picks its rows, so that the same seed and size pick the same rows in every stage.
 */
public final class SeededRows {

    private SeededRows() {
    }

    /**
     * {@code size} distinct rows of {@code n}, ascending, drawn with {@code seed}; all of them when {@code size >= n}.
     */
    public static int[] uniform(int n, int size, long seed) {
        int[] rows = new int[n];
        Arrays.setAll(rows, i -> i);
        if (size >= n) {
            return rows;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(n - i);
            int swap = rows[i];
            rows[i] = rows[j];
            rows[j] = swap;
        }
        int[] picked = Arrays.copyOf(rows, size);
        Arrays.sort(picked);
        return picked;
    }
}

package dev.layerscope.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeededRowsTest {

    @Test
    void theRowsAreSeededDistinctAndAscending() {
        int[] rows = SeededRows.uniform(10_000, 5000, 42);
        assertEquals(5000, rows.length);
        for (int i = 1; i < rows.length; i++) {
            assertTrue(rows[i - 1] < rows[i], "distinct and ascending at " + i);
        }
        assertArrayEquals(rows, SeededRows.uniform(10_000, 5000, 42));
        assertNotEquals(Arrays.toString(rows), Arrays.toString(SeededRows.uniform(10_000, 5000, 43)));
        assertArrayEquals(IntStream.range(0, 60).toArray(), SeededRows.uniform(60, 5000, 42),
                "a split smaller than the subset is taken whole");
    }
}

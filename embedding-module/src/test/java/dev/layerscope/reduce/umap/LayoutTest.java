package dev.layerscope.reduce.umap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.layerscope.linalg.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void clipGivesWhatMathMaxOfMathMinGivesForEveryKindOfValue() {
        List<Float> values = new ArrayList<>(List.of(Float.NaN, 0f, -0f, 4f, -4f,
                Math.nextUp(4f), Math.nextDown(-4f), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE));
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            values.add((float) (random.nextGaussian() * 8));
        }
        for (float value : values) {
            float expected = Math.max(-4f, Math.min(4f, value));
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(Layout.clip(value)),
                    "clip(" + value + ")");
        }
    }

    @Test
    void theLayoutIsTheSameWhateverTheLanesAndThreads() {
        // 600 vertices: two full chunks and a part, so lanes fall idle at a chunk's end; 6 random edges each way
        int n = 600;
        Random random = new Random(11);
        List<List<Integer>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < 6; e++) {
                int j = (i + 1 + random.nextInt(n - 1)) % n;
                rows.get(i).add(j);
                rows.get(j).add(i);
            }
        }
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offsets[i + 1] = offsets[i] + rows.get(i).size();
        }
        int[] columns = new int[offsets[n]];
        double[] weights = new double[offsets[n]];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < rows.get(i).size(); e++) {
                columns[offsets[i] + e] = rows.get(i).get(e);
                weights[offsets[i] + e] = 0.05 + random.nextDouble();
            }
        }
        SparseGraph graph = new SparseGraph(offsets, columns, weights);
        float[] start = new float[2 * n];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) (random.nextGaussian() * 10);
        }
        float[] expected = null;
        for (int lanes : new int[] {1, 3, 4}) {
            for (int threads : new int[] {1, 2}) {
                float[] embedding = start.clone();
                Layout.optimizeFit(embedding, graph, 30, Umap.Options.defaults(), 1.577, 0.895,
                        new Parallel(threads), lanes);
                if (expected == null) {
                    expected = embedding;
                    assertFalse(Arrays.equals(start, embedding), "the layout moved nothing");
                } else {
                    assertArrayEquals(expected, embedding, lanes + " lanes, " + threads + " threads");
                }
            }
        }
    }
}

package dev.layerscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.RuntimeSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How many points the local engine runs at once, from the machine and the points' runtime limits. */
class ParallelLimitsTest {

    private static final long GB = 1L << 30;

    private static SweepPoint point(String name, String heap, String offHeap, int threads) {
        return new SweepPoint(name, "conf/x.conf", Map.of(), new RuntimeSettings(heap, offHeap, threads));
    }

    @Test
    void autoTakesTheFewerOfWhatTheCoresAndWhatTheMemoryHold() {
        LocalSettings auto = new LocalSettings("auto");
        List<SweepPoint> small = List.of(point("a", "1g", "2g", 1), point("b", "1g", "2g", 1));

        // 8 cores / 1 thread = 8; 16 GB / 3 GB = 5
        assertEquals(5, LocalEngine.parallelism(auto, new LocalEngine.Machine(8, 16 * GB), small));
        // 2 cores / 1 thread = 2; 64 GB / 3 GB = 21
        assertEquals(2, LocalEngine.parallelism(auto, new LocalEngine.Machine(2, 64 * GB), small));
    }

    @Test
    void autoCountsTheLargestPointSoThatAnyPointsAtOnceFit() {
        LocalSettings auto = new LocalSettings("auto");
        List<SweepPoint> mixed = List.of(point("mlp", "1g", "2g", 1), point("cnn", "4g", "8g", 2));

        // by cores 8 / 2 = 4; by memory 30 GB / 12 GB = 2
        assertEquals(2, LocalEngine.parallelism(auto, new LocalEngine.Machine(8, 30 * GB), mixed));
        // a machine smaller than one point still runs one at a time
        assertEquals(1, LocalEngine.parallelism(auto, new LocalEngine.Machine(1, 8 * GB), mixed));
    }

    @Test
    void aFixedNumberIsTakenAndCheckedAgainstTheMemory() {
        List<SweepPoint> points = List.of(point("a", "4g", "8g", 1), point("b", "4g", "8g", 1),
                point("c", "4g", "8g", 1));
        LocalEngine.Machine machine = new LocalEngine.Machine(16, 30 * GB);

        assertEquals(3, LocalEngine.parallelism(new LocalSettings("3"), machine, points));
        assertEquals(List.of(), LocalEngine.memoryProblem(new LocalSettings("2"), machine, points).stream().toList());
        String problem = LocalEngine.memoryProblem(new LocalSettings("3"), machine, points).orElseThrow();
        assertTrue(problem.contains("36.0 GB in all, more than this machine's 30.0 GB; write parallel = 2"), problem);
        // more points at once than there are points asks no more memory than the points
        assertEquals(List.of(), LocalEngine.memoryProblem(new LocalSettings("9"), machine, points.subList(0, 2))
                .stream().toList());
    }
}

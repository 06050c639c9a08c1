package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The guard collects while the resident set is above its limit, and ends the run only when that does not help. */
class ResidentMemoryGuardTest {

    private static final long MB = 1 << 20;

    /** Records what the guard asked for. */
    private static final class Recorded implements ResidentMemoryGuard.Actions {
        int collections;
        final List<Long> pauses = new ArrayList<>();
        String ended;

        @Override
        public void collect() {
            collections++;
        }

        @Override
        public void pause(long millis) {
            pauses.add(millis);
        }

        @Override
        public void end(String message) {
            ended = message;
        }
    }

    /** The resident sizes in MB the guard reads, in turn, the last one for ever after. */
    private static LongSupplier readings(long... megabytes) {
        PrimitiveIterator.OfLong values = LongStream.of(megabytes).iterator();
        long[] last = {0};
        return () -> {
            if (values.hasNext()) {
                last[0] = values.nextLong() * MB;
            }
            return last[0];
        };
    }

    @Test
    void withinTheLimitItDoesNothing() throws InterruptedException {
        Recorded actions = new Recorded();
        ResidentMemoryGuard.check(200 * MB, readings(200), actions);
        assertEquals(0, actions.collections);
        assertNull(actions.ended);
    }

    @Test
    void aboveTheLimitItCollectsUntilTheSetIsWithinAgain() throws InterruptedException {
        Recorded actions = new Recorded();
        ResidentMemoryGuard.check(200 * MB, readings(300, 260, 150), actions);
        assertEquals(2, actions.collections);
        assertEquals(List.of(ResidentMemoryGuard.PAUSE_MILLIS, ResidentMemoryGuard.PAUSE_MILLIS), actions.pauses);
        assertNull(actions.ended, "the collections freed enough");
    }

    @Test
    void whenCollectingDoesNotHelpItEndsTheRunNamingTheSettingToRaise() throws InterruptedException {
        Recorded actions = new Recorded();
        ResidentMemoryGuard.check(12_288 * MB, readings(13_000), actions);
        assertEquals(ResidentMemoryGuard.COLLECTIONS, actions.collections);
        assertTrue(actions.ended.contains("13,000 MB") && actions.ended.contains("12,288 MB")
                && actions.ended.contains("runtime.off-heap"), actions.ended);
    }
}

package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.event.Level;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

class ProgressTest {

    @Test
    void linesShowPercentageElapsedAndEta() {
        assertEquals("reading: 25% (15,000 of 60,000), 3.0 s elapsed, ETA 9.0 s",
                Progress.line("reading", 15_000, 60_000, 3_000_000_000L));
        assertEquals("t-SNE: 50% (1 of 2), 5 min 00 s elapsed, ETA 5 min 00 s",
                Progress.line("t-SNE", 1, 2, 300_000_000_000L));
    }

    @Test
    void logsAtMostOncePerIntervalAndOnceAtTheEnd() {
        AtomicLong clock = new AtomicLong();
        List<String> lines = new ArrayList<>();
        try (Progress progress = new Progress(new CollectingLogger(lines), "work", 100, clock::get, 10)) {
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(1); // one nanosecond per unit: a line every 10 units
                progress.advance(1);
            }
        }
        assertEquals(11, lines.size(), lines.toString());
        assertEquals("work: 10% (10 of 100), 0.0 s elapsed, ETA 0.0 s", lines.get(0));
        assertEquals("work: done, 100 of 100 in 0.0 s", lines.get(10));
    }

    @Test
    void aTaskLeftUnfinishedSaysWhereItStopped() {
        AtomicLong clock = new AtomicLong();
        List<String> lines = new ArrayList<>();
        try (Progress progress = new Progress(new CollectingLogger(lines), "reading", 4, clock::get, 1_000)) {
            progress.advance(1);
        }
        assertEquals(List.of("reading: stopped after 0.0 s at 1 of 4"), lines);
    }

    @Test
    void aOneStepTaskThatFailsLeavesItsFailureToTheStage() {
        AtomicLong clock = new AtomicLong();
        List<String> lines = new ArrayList<>();
        try (Progress progress = new Progress(new CollectingLogger(lines), "locating", 1, clock::get, 1_000)) {
            clock.addAndGet(100_000_000L); // it fails before advancing
        }
        assertEquals(List.of(), lines);
        try (Progress progress = new Progress(new CollectingLogger(lines), "locating", 1, clock::get, 1_000)) {
            progress.advance(1);
        }
        assertEquals(List.of("locating: done in 0.0 s"), lines);
    }

    /** Keeps formatted INFO lines. */
    private static final class CollectingLogger extends LegacyAbstractLogger {
        private final transient List<String> lines;

        CollectingLogger(List<String> lines) {
            this.lines = lines;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            lines.add(MessageFormatter.basicArrayFormat(pattern, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}

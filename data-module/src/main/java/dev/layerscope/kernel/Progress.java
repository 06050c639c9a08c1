package dev.layerscope.kernel;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Progress of one long task within a stage, logged with percentage, elapsed time and ETA at most once per interval,
 * so a long stage shows it is alive without flooding the log. Safe to advance from several threads.
 */
public final class Progress implements AutoCloseable {

    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Logger log;
    private final String task;
    private final long total;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final long startNanos;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastLogNanos;

    Progress(Logger log, String task, long total, LongSupplier nanoClock, long intervalNanos) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, got " + total);
        }
        this.log = log;
        this.task = task;
        this.total = total;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
        this.startNanos = nanoClock.getAsLong();
        this.lastLogNanos = new AtomicLong(startNanos);
    }

    /** Records {@code units} more of the total as done. */
    public void advance(long units) {
        long now = done.addAndGet(units);
        long time = nanoClock.getAsLong();
        long last = lastLogNanos.get();
        if (time - last >= intervalNanos && lastLogNanos.compareAndSet(last, time)) {
            log.info(line(task, now, total, time - startNanos));
        }
    }

    /** Units done so far. */
    public long done() {
        return done.get();
    }

    /**
     * Logs the task's end with its duration, or where it stopped when it did not finish; a task of one step that
     * did not finish logs nothing, since "at 0 of 1" says no more than the failure its stage reports.
     */
    @Override
    public void close() {
        String elapsed = seconds(nanoClock.getAsLong() - startNanos);
        if (done.get() < total) {
            if (total > 1) {
                log.info("{}: stopped after {} at {} of {}", task, elapsed, count(done.get()), count(total));
            }
        } else if (total > 1) {
            log.info("{}: done, {} of {} in {}", task, count(done.get()), count(total), elapsed);
        } else {
            log.info("{}: done in {}", task, elapsed);
        }
    }

    /** "reading: 45% (27,000 of 60,000), 3.0 s elapsed, ETA 3.7 s". */
    static String line(String task, long done, long total, long elapsedNanos) {
        if (total == 0 || done == 0) {
            return String.format(Locale.ROOT, "%s: %s of %s, %s elapsed", task, count(done), count(total),
                    seconds(elapsedNanos));
        }
        double fraction = Math.min(1.0, (double) done / total);
        long remaining = (long) (elapsedNanos * (1 - fraction) / fraction);
        return String.format(Locale.ROOT, "%s: %d%% (%s of %s), %s elapsed, ETA %s", task, (int) (fraction * 100),
                count(done), count(total), seconds(elapsedNanos), seconds(remaining));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A duration for people: "3.1 s", "4 min 05 s", "2 h 10 min". */
    public static String seconds(long nanos) {
        double s = nanos / 1e9;
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long whole = Math.round(s);
        return whole < 3600 ? String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60)
                : String.format(Locale.ROOT, "%d h %02d min", whole / 3600, (whole % 3600) / 60);
    }
}

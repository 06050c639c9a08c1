package dev.layerscope.kernel;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Keeps a run's JVM within {@code runtime.heap + runtime.off-heap} of resident memory, the limit
 * {@link Launcher#forkedRun} passes as {@value #LIMIT_PROPERTY}.
 *
 * <p>ND4J's arrays live in native memory that only the garbage collector frees (when their Java objects go), and
 * ND4J does not count them where JavaCPP's own byte limit would see them: the process's resident set is the measure
 * that covers them. JavaCPP can watch it ({@code org.bytedeco.javacpp.maxphysicalbytes}), but reads
 * {@code /proc/self/statm} at every native allocation to do so, about 150 times a training step of the MLP, which
 * made the step 8% slower (docs/performance.md, "Training speed"). This looks every {@value #PERIOD_MILLIS} ms
 * instead, as JavaCPP would when over the limit: it asks for a garbage collection and looks again, up to
 * {@value #COLLECTIONS} times, and when the resident set stays above the limit, ends the run with a message that
 * says which setting to raise. A run ended so is a crashed run: its unfinished stage's folder is never taken for a
 * finished one.
 */
public final class ResidentMemoryGuard {

    /** The limit in bytes, set by the launcher on the run's JVM; absent or 0: no guard. */
    public static final String LIMIT_PROPERTY = "layerscope.resident-limit";
    static final long PERIOD_MILLIS = 100;
    static final int COLLECTIONS = 10;
    /** JavaCPP's pause after each collection, for the garbage collector's cleaners to free native memory. */
    static final long PAUSE_MILLIS = 100;

    /** What the guard does besides measuring: collect, pause, end the run. Tests give their own. */
    interface Actions {
        void collect();

        void pause(long millis) throws InterruptedException;

        void end(String message);
    }

    private ResidentMemoryGuard() {
    }

    /**
     * Starts the guard on a daemon thread when {@value #LIMIT_PROPERTY} is set to a positive number of bytes.
     *
     * @param resident the process's resident set in bytes (JavaCPP's {@code Pointer.physicalBytes}, which knows
     *                 each operating system's way of telling it)
     */
    public static void startIfLimited(LongSupplier resident) {
        long limit = Long.getLong(LIMIT_PROPERTY, 0);
        if (limit <= 0) {
            return;
        }
        Actions actions = new Actions() {
            @Override
            public void collect() {
                System.gc();
            }

            @Override
            public void pause(long millis) throws InterruptedException {
                Thread.sleep(millis);
            }

            @Override
            public void end(String message) {
                System.err.println(message);
                Runtime.getRuntime().halt(Launcher.STAGE_FAILED);
            }
        };
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(PERIOD_MILLIS);
                    check(limit, resident, actions);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "resident-memory-guard");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * One look: within the limit, nothing; above it, collections and pauses until it is within again, or the end of
     * the run after {@value #COLLECTIONS} of them.
     */
    static void check(long limit, LongSupplier resident, Actions actions) throws InterruptedException {
        long bytes = resident.getAsLong();
        for (int collection = 0; bytes > limit; collection++) {
            if (collection == COLLECTIONS) {
                actions.end(String.format(Locale.ROOT, "The run's resident memory, %,d MB, stayed above its limit "
                        + "of %,d MB (runtime.heap + runtime.off-heap) after %d garbage collections; the run stops. "
                        + "Raise runtime.off-heap (native arrays) or runtime.heap, e.g. -Druntime.off-heap=16g, "
                        + "within the machine's memory.", bytes >> 20, limit >> 20, COLLECTIONS));
                return;
            }
            actions.collect();
            actions.pause(PAUSE_MILLIS);
            bytes = resident.getAsLong();
        }
    }
}

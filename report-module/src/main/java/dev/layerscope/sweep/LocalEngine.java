package dev.layerscope.sweep;

import com.typesafe.config.Config;
import dev.layerscope.kernel.Launcher;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code engine = local}: runs the points as JVMs of this machine, several at once, never more than its cores and
 * memory hold for the points' {@code runtime} limits. Each point waits in a thread of its own for its JVM.
 */
public final class LocalEngine implements SweepEngine {

    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PointOutcome> run(String sweep, List<SweepPoint> points, Config settings, PointRunner runner)
            throws InterruptedException {
        LocalSettings local = new LocalSettings(String.valueOf(settings.getValue("parallel").unwrapped()).trim());
        int parallel = Math.max(1, Math.min(points.size(), parallelism(local, Machine.here(), points)));
        ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofPlatform().name("sweep-point-", 1)
                .factory());
        try {
            List<Future<PointOutcome>> running = new ArrayList<>();
            for (SweepPoint point : points) {
                running.add(pool.submit(() -> runOne(point, runner)));
            }
            List<PointOutcome> outcomes = new ArrayList<>();
            for (Future<PointOutcome> outcome : running) {
                try {
                    outcomes.add(outcome.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a point's thread failed", e.getCause()); // runOne catches all
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow(); // on an interrupt, the runners stop their JVMs
        }
    }

    /** A runner that throws (a bug) fails its point, not the sweep. */
    private static PointOutcome runOne(SweepPoint point, PointRunner runner) {
        long start = System.nanoTime();
        try {
            return runner.run(point);
        } catch (RuntimeException e) {
            return new PointOutcome(point.name(), Launcher.STAGE_FAILED, null,
                    (System.nanoTime() - start) / 1e9, "the runner failed: " + e);
        }
    }

    /**
     * What a machine has for a sweep's points.
     *
     * @param cores       its processors, as the JVM sees them
     * @param memoryBytes its physical memory
     */
    public record Machine(int cores, long memoryBytes) {

        public static Machine here() {
            long memory = ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : Long.MAX_VALUE;
            return new Machine(Runtime.getRuntime().availableProcessors(), memory);
        }
    }

    /**
     * How many points run at once. {@code auto}: at most as many as the cores hold points of the most native threads
     * ({@code cores / runtime.threads}), and at most as many as the memory holds points of the largest
     * {@code runtime.heap + runtime.off-heap}, so that any points at once fit; at least one. A fixed number is taken as
     * it is ({@link #memoryProblem} says at planning when it would not fit).
     */
    public static int parallelism(LocalSettings settings, Machine machine, List<SweepPoint> points) {
        if (settings.fixed().isPresent()) {
            return settings.fixed().getAsInt();
        }
        int threads = points.stream().mapToInt(p -> p.runtime().threads()).max().orElse(1);
        long memory = points.stream().mapToLong(SweepPoint::memoryBytes).max().orElse(1);
        long byCores = machine.cores() / threads;
        long byMemory = machine.memoryBytes() / memory;
        return (int) Math.max(1, Math.min(Math.min(byCores, byMemory), Integer.MAX_VALUE));
    }

    /**
     * Why a fixed {@code local.parallel} does not fit the machine's memory with the points' largest runtime limits,
     * or empty when it fits (or is {@code auto}).
     */
    public static Optional<String> memoryProblem(LocalSettings settings, Machine machine, List<SweepPoint> points) {
        if (settings.fixed().isEmpty() || points.isEmpty()) {
            return Optional.empty();
        }
        int parallel = Math.min(settings.fixed().getAsInt(), points.size());
        SweepPoint largest = points.stream().max((a, b) -> Long.compare(a.memoryBytes(), b.memoryBytes()))
                .orElseThrow();
        if ((double) parallel * largest.memoryBytes() <= machine.memoryBytes()) {
            return Optional.empty();
        }
        long fits = Math.max(1, machine.memoryBytes() / largest.memoryBytes());
        return Optional.of("parallel = " + settings.parallel() + " runs " + parallel + " point(s) at once, each up to "
                + gigabytes(largest.memoryBytes()) + " (runtime.heap " + largest.runtime().heap()
                + " + runtime.off-heap " + largest.runtime().offHeap() + " of `" + largest.name() + "`), "
                + gigabytes(parallel * largest.memoryBytes()) + " in all, more than this machine's "
                + gigabytes(machine.memoryBytes()) + "; write parallel = " + fits + " (or auto), or lower"
                + " runtime.heap and runtime.off-heap in settings");
    }

    private static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }
}

package dev.layerscope.sweep;

import dev.layerscope.compare.ComparisonReport;
import dev.layerscope.kernel.Launcher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs a sweep: {@code ./mvnw -q compile exec:java -Dsweep=conf/sweeps/<name>.conf [-Dkey=value ...]}. The sweep
 * process is light (it plans, then waits); each point runs in a JVM of its own, or as a Spark task.
 */
public final class SweepMain {

    /** The system property that names the sweep file. */
    public static final String SWEEP_PROPERTY = "sweep";

    private SweepMain() {
    }

    /**
     * Plans the whole sweep, then runs its points with its engine and writes the sweep folder.
     *
     * @param properties the JVM's system properties: the sweep file and {@code -Dkey=value}
     * @param mainClass  the class whose {@code main} runs one experiment in a forked JVM
     * @param classpath  the classpath of the points' JVMs
     * @return {@link Launcher#OK} when every point succeeded, {@link Launcher#STAGE_FAILED} when any failed,
     *         {@link Launcher#INVALID_EXPERIMENT} when the sweep is invalid and nothing ran
     */
    public static int run(Map<String, String> properties, Map<String, String> env, Launcher launcher,
                          String mainClass, String classpath, PrintStream out)
            throws IOException, InterruptedException {
        return run(properties, env, launcher, mainClass, classpath, Path.of(""), out);
    }

    /**
     * Plans the sweep and each of its points as {@link #run} does before any runs, prints the points, and runs
     * nothing ({@code -Ddry-run}): no sweep folder is made.
     *
     * @param workingDirectory the directory against which the sweep file's relative experiment files resolve
     *
     * @return {@link Launcher#OK}, or {@link Launcher#INVALID_EXPERIMENT} with every problem printed
     */
    public static int plan(Map<String, String> properties, Map<String, String> env, Launcher launcher,
                           Path workingDirectory, PrintStream out) {
        Path file = Path.of(properties.get(SWEEP_PROPERTY));
        Optional<SweepPlan> planned = plan(file, properties, env, launcher, workingDirectory, out);
        if (planned.isEmpty()) {
            return Launcher.INVALID_EXPERIMENT;
        }
        SweepPlan plan = planned.get();
        out.println("[dry-run] " + file + " is valid: " + plan.points().size() + " points, engine "
                + plan.settings().engine() + (plan.parallel() > 0 ? ", " + plan.parallel() + " at once" : "")
                + "; nothing ran");
        for (PlannedPoint point : plan.points()) {
            out.println("[dry-run]   " + point.point().name() + ": " + point.experiment() + " " + point.grid()
                    + point.seed().map(seed -> " seed " + seed).orElse("") + " into " + point.runsDir());
        }
        return Launcher.OK;
    }

    /** The sweep's plan, or empty with the usage or every problem printed. */
    private static Optional<SweepPlan> plan(Path file, Map<String, String> properties, Map<String, String> env,
                                            Launcher launcher, Path workingDirectory, PrintStream out) {
        try {
            return Optional.of(new Sweep(launcher, env, workingDirectory).plan(file, properties,
                    LocalEngine.Machine.here()));
        } catch (NoSuchFileException e) {
            out.println(usage(file));
        } catch (InvalidSweep e) {
            out.println(e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * {@link #run(Map, Map, Launcher, String, String, PrintStream)} with the points' JVMs started in
     * {@code workingDirectory}, against which the sweep file's relative experiment files resolve.
     */
    public static int run(Map<String, String> properties, Map<String, String> env, Launcher launcher,
                          String mainClass, String classpath, Path workingDirectory, PrintStream out)
            throws IOException, InterruptedException {
        Path file = Path.of(properties.get(SWEEP_PROPERTY));
        Optional<SweepPlan> planned = plan(file, properties, env, launcher, workingDirectory, out);
        if (planned.isEmpty()) {
            return Launcher.INVALID_EXPERIMENT;
        }
        SweepPlan plan = planned.get();
        SweepFolder folder = SweepFolder.create(plan);
        out.println("[sweep] " + plan.settings().name() + ": " + plan.points().size() + " points planned, engine "
                + plan.settings().engine() + (plan.parallel() > 0 ? ", " + plan.parallel() + " at once" : "")
                + "; sweep folder " + folder.path());
        plan.seedKeys().forEach((experiment, keys) -> {
            if (!plan.settings().seeds().isEmpty()) {
                out.println("[sweep] seeds of " + experiment + ": " + String.join(", ", keys));
            }
        });
        PointRunner runner = new ForkedPointRunner(classpath, mainClass, workingDirectory, folder.logs());
        SweepEngine engine = Sweep.engines().get(plan.settings().engine());
        List<PointOutcome> outcomes = engine.run(plan.settings().name(), plan.sweepPoints(),
                plan.read().engineSection(), runner);
        List<Path> succeeded = outcomes.stream().filter(PointOutcome::succeeded)
                .filter(o -> o.runFolder() != null).map(o -> Path.of(o.runFolder())).toList();
        Optional<Path> comparison = compare(succeeded, folder.path(), out);
        folder.finish(plan, outcomes, comparison);
        long failed = outcomes.stream().filter(o -> !o.succeeded()).count();
        out.println("[sweep] " + (outcomes.size() - failed) + " of " + outcomes.size() + " points succeeded"
                + (failed > 0 ? ", " + failed + " failed" : "") + "; summary " + folder.path().resolve("summary.md"));
        return failed == 0 ? Launcher.OK : Launcher.STAGE_FAILED;
    }

    /**
     * The comparison report of the succeeded points' runs, written into {@code <sweep folder>/compare/}; empty, and
     * said on {@code out}, when fewer than two points succeeded or the report could not be written (the points'
     * runs stand whatever becomes of it, and {@code -Dcompare=[...]} can write it again).
     */
    static Optional<Path> compare(List<Path> runFolders, Path sweepFolder, PrintStream out) {
        if (runFolders.size() < 2) {
            out.println("[sweep] no comparison report: " + runFolders.size() + " point(s) succeeded, a comparison "
                    + "needs two");
            return Optional.empty();
        }
        try {
            Path page = ComparisonReport.write(runFolders, sweepFolder.resolve("compare"));
            out.println("[sweep] comparison report of " + runFolders.size() + " runs: " + page);
            return Optional.of(page);
        } catch (IOException | IllegalArgumentException e) {
            out.println("[sweep] the comparison report could not be written: " + e.getMessage());
            return Optional.empty();
        }
    }

    static String usage(Path missing) {
        StringBuilder text = new StringBuilder();
        text.append("No sweep file at ").append(missing).append(" (working directory ")
                .append(Path.of("").toAbsolutePath()).append(").\n\n");
        text.append("Usage: ./mvnw -q compile exec:java -Dsweep=conf/sweeps/<sweep>.conf [-D<key>=<value> ...]\n");
        text.append("  -D<key>=<value>  a key of the sweep file (-Dengine=spark, -Dseeds=[1,2]) overrides it; any"
                + " other experiment key (-Ddata.dir=..., -Druns.dir=...) goes to every point\n");
        Path sweeps = Path.of("conf", "sweeps");
        if (Files.isDirectory(sweeps)) {
            try (Stream<Path> files = Files.list(sweeps)) {
                text.append("Sweeps in conf/sweeps/: ").append(String.join(", ", files
                        .map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf")).sorted().toList()))
                        .append('\n');
            } catch (IOException e) {
                text.append("(conf/sweeps/ could not be listed: ").append(e.getMessage()).append(")\n");
            }
        }
        return text.toString();
    }
}

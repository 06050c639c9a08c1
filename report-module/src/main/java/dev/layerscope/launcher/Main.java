package dev.layerscope.launcher;

import com.google.inject.Module;
import dev.layerscope.attribution.AttributionModule;
import dev.layerscope.capture.CaptureModule;
import dev.layerscope.cka.CkaModule;
import dev.layerscope.collapse.CollapseModule;
import dev.layerscope.compare.ComparisonReport;
import dev.layerscope.hardneg.HardNegativeModule;
import dev.layerscope.intrinsic.IntrinsicModule;
import dev.layerscope.kernel.ExperimentException;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.kernel.Plan;
import dev.layerscope.kernel.ResidentMemoryGuard;
import dev.layerscope.kernel.RuntimeSettings;
import dev.layerscope.knn.KnnModule;
import dev.layerscope.linalg.SmileNatives;
import dev.layerscope.load.LoadModule;
import dev.layerscope.probe.ProbeModule;
import dev.layerscope.reduce.ReduceModule;
import dev.layerscope.report.ReportModule;
import dev.layerscope.sweep.SweepMain;
import dev.layerscope.synthetic.SyntheticModule;
import dev.layerscope.train.TrainModule;
import dev.layerscope.validation.ValidationGridModule;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * Runs one experiment: {@code ./mvnw -q compile exec:java -Dexperiment=conf/<name>.conf [-Dkey=value ...]}, or a
 * sweep of many: {@code -Dsweep=conf/sweeps/<name>.conf} (see {@link SweepMain}).
 * The experiment is validated in Maven's JVM, then run in a JVM of its own with the experiment's {@code runtime}
 * limits. This module sees every stage module, so the list of what a pipeline can name is kept here. With
 * {@code -Dcompare=[<run folder>, ...]} it writes the comparison report of those runs instead, and runs nothing;
 * with {@code -Ddry-run} it validates the experiment or sweep and prints what would run, and runs nothing.
 */
public final class Main {

    /** Every stage module LayerScope ships; a researcher's own stage needs none (name its class in the pipeline). */
    public static final List<Module> STAGE_MODULES = List.of(new LoadModule(), new SyntheticModule(),
            new TrainModule(), new CaptureModule(), new ReduceModule(), new KnnModule(), new HardNegativeModule(),
            new AttributionModule(), new ProbeModule(), new CkaModule(), new IntrinsicModule(), new CollapseModule(),
            new ValidationGridModule(), new ReportModule());

    /**
     * The system property that asks, instead of a run, for a javac argument file that puts the classpath a run gets
     * (LayerScope's classes and every library) on javac's, to compile a stage of one's own against:
     * {@code ./mvnw -q compile exec:java -Djavac-args=target/layerscope.args}, then {@code javac @target/layerscope.args
     * ...}. Without a value the file is {@value #DEFAULT_JAVAC_ARGS}.
     */
    static final String JAVAC_ARGS_PROPERTY = "javac-args";
    static final String DEFAULT_JAVAC_ARGS = "target/layerscope.args";

    /**
     * The system property that asks, instead of a run, for the comparison report of the run folders it lists:
     * {@code -Dcompare=[runs/a/<ts>,runs/b/<ts>]}, written into {@code runs.dir/compare/<yyyyMMdd-HHmmss>/} or into
     * {@value #COMPARE_OUT_PROPERTY}. No pipeline runs.
     */
    static final String COMPARE_PROPERTY = "compare";
    static final String COMPARE_OUT_PROPERTY = "compare.out";

    /**
     * The system property that asks to validate an experiment, or a sweep and each of its points, as a run would
     * before any work, and to print what would run, without running anything: {@code -Ddry-run}. The bench scripts'
     * {@code --dry-run} passes it to every run they would make, and CI calls them so, so that a benchmark whose
     * settings have rotted fails there rather than on a researcher's machine.
     */
    static final String DRY_RUN_PROPERTY = "dry-run";

    private Main() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((key, value) -> properties.put(key.toString(), value.toString()));
        if (args.length > 0) {
            properties.put(Launcher.EXPERIMENT_PROPERTY, args[0]);
        }
        if (properties.containsKey(JAVAC_ARGS_PROPERTY)) {
            String value = properties.get(JAVAC_ARGS_PROPERTY);
            Path file = Path.of(value.isBlank() || value.equals("true") ? DEFAULT_JAVAC_ARGS : value);
            writeJavacArgs(file, classpath());
            System.err.println("Wrote " + file.toAbsolutePath() + ": compile with javac @" + file
                    + " -d <classes> <sources>");
            return;
        }
        if (properties.containsKey(Launcher.CLEANUP_PROPERTY)) {
            System.exit(Launcher.cleanup(Path.of(properties.getOrDefault("runs.dir", "runs")),
                    "list".equals(properties.get(Launcher.CLEANUP_PROPERTY)), System.out));
        }
        if (properties.containsKey(COMPARE_PROPERTY)) {
            System.exit(compare(properties, System.out, System.err));
        }
        Launcher launcher = new Launcher(STAGE_MODULES);
        boolean dryRun = isDryRun(properties);
        if (properties.containsKey(SweepMain.SWEEP_PROPERTY) && !properties.containsKey(Launcher.CHILD_PROPERTY)) {
            // the sweep plans here and waits; each point runs in a JVM of its own started with this classpath
            System.exit(dryRun ? SweepMain.plan(properties, System.getenv(), launcher, Path.of(""), System.out)
                    : SweepMain.run(properties, System.getenv(), launcher, Main.class.getName(), classpath(),
                    System.out));
        }
        if (dryRun) {
            System.exit(dryRun(launcher, properties, System.getenv(), System.out, System.err));
        }
        boolean child = properties.containsKey(Launcher.CHILD_PROPERTY);
        if (child) {
            Launcher.endWithParent();
            ResidentMemoryGuard.startIfLimited(Pointer::physicalBytes);
            // before any stage, so that a stage of a researcher's own that calls Smile directly finds it ready
            SmileNatives.ensureLoaded();
        }
        int exitCode = child ? launcher.run(properties, System.getenv(), System.err)
                : launcher.runForked(properties, System.getenv(), System.err, Main.class.getName(), classpath());
        if (exitCode != Launcher.OK) {
            System.exit(exitCode);
        }
    }

    /** Whether {@value #DRY_RUN_PROPERTY} is set, and not to {@code false} ({@code -Ddry-run} alone sets it). */
    static boolean isDryRun(Map<String, String> properties) {
        return properties.containsKey(DRY_RUN_PROPERTY) && !"false".equalsIgnoreCase(properties.get(DRY_RUN_PROPERTY));
    }

    /**
     * Validates the experiment as a run does before its first stage (every setting, every stage's checks of what the
     * stages before it will hand on, the data files' headers) and prints what it would run.
     *
     * @return {@link Launcher#OK}, or {@link Launcher#INVALID_EXPERIMENT} with every problem printed to {@code err}
     */
    static int dryRun(Launcher launcher, Map<String, String> properties, Map<String, String> env, PrintStream out,
                      PrintStream err) {
        Plan plan;
        try {
            plan = launcher.plan(properties, env);
        } catch (NoSuchFileException e) {
            err.println("No experiment file at " + e.getFile() + " (working directory "
                    + Path.of("").toAbsolutePath() + ")");
            return Launcher.INVALID_EXPERIMENT;
        } catch (ExperimentException e) {
            err.println(e.getMessage());
            return Launcher.INVALID_EXPERIMENT;
        }
        RuntimeSettings runtime = plan.runtime();
        out.println("[dry-run] " + plan.experiment().file() + " is valid: it would run " + plan.name() + " into "
                + plan.runs().dir().resolve(plan.name()).resolve("<timestamp>") + ", stages "
                + plan.stages().stream().map(Plan.PlannedStage::name).toList() + (plan.runs().force().isEmpty() ? ""
                : ", computing again " + plan.runs().force()) + ", in a JVM of heap " + runtime.heap()
                + ", off-heap " + runtime.offHeap() + ", " + runtime.threads() + " native thread(s); nothing ran");
        return Launcher.OK;
    }

    /**
     * Writes the comparison report of the run folders {@value #COMPARE_PROPERTY} lists ({@code [a, b]}, or
     * {@code a,b}) and prints its paths.
     *
     * @return the exit code: {@link Launcher#OK}, or {@link Launcher#INVALID_EXPERIMENT} when the folders cannot be
     *         compared
     */
    static int compare(Map<String, String> properties, PrintStream out, PrintStream err) throws IOException {
        String list = properties.get(COMPARE_PROPERTY).strip();
        if (list.startsWith("[") && list.endsWith("]")) {
            list = list.substring(1, list.length() - 1);
        }
        List<Path> folders = Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.length() > 1 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1)
                        : s)
                .map(Path::of).toList();
        Path output = properties.containsKey(COMPARE_OUT_PROPERTY) ? Path.of(properties.get(COMPARE_OUT_PROPERTY))
                : Path.of(properties.getOrDefault("runs.dir", "runs")).resolve("compare")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            Path html = ComparisonReport.write(folders, output);
            out.println("Comparison of " + folders.size() + " runs: " + html.toAbsolutePath() + " and "
                    + html.resolveSibling("compare.md").toAbsolutePath() + ", CSVs in " + output.toAbsolutePath());
            return Launcher.OK;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return Launcher.INVALID_EXPERIMENT;
        }
    }

    /** A javac argument file with {@code -cp} and {@code classpath}, quoted as javac reads it. */
    static void writeJavacArgs(Path file, String classpath) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, "-cp\n\"" + classpath.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n");
    }

    /** This JVM's classpath: exec:java's class loader's, or the {@code java -cp} one. */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("classpath entry " + url + " is not a file", e);
                }
            }
            if (!entries.isEmpty()) {
                return String.join(File.pathSeparator, entries);
            }
        }
        return System.getProperty("java.class.path");
    }
}

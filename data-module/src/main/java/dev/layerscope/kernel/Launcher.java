package dev.layerscope.kernel;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs one experiment from the command line: reads the experiment file named by the {@code experiment} property,
 * validates it completely, then runs its pipeline. The stage modules to offer are given by the caller, so the
 * kernel knows no stage by name.
 */
public final class Launcher {

    /** Set in the JVM that {@link #runForked} starts, so that it runs the experiment itself. */
    public static final String CHILD_PROPERTY = "layerscope.forked";

    /**
     * The system property that asks for a clean-up of the store instead of a run: {@code -Dcleanup} lists and
     * removes the stored stage folders no run folder links to, {@code -Dcleanup=list} only lists them.
     */
    public static final String CLEANUP_PROPERTY = "cleanup";

    /**
     * The system property that asks a run to write its run folder's absolute path to this file as soon as the folder
     * exists (so also when a stage fails), for the process that started it: a sweep learns its points' folders so.
     */
    public static final String RUN_FOLDER_FILE_PROPERTY = "layerscope.run-folder-file";

    /** The system property that names the experiment file. */
    public static final String EXPERIMENT_PROPERTY = "experiment";

    /** How OpenMP's idle threads wait, set for a run's JVM by {@link #forkedRun}. */
    public static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";
    /** How long OpenBLAS's idle worker threads wait before they sleep, set for a run's JVM by {@link #forkedRun}. */
    public static final String OPENBLAS_THREAD_TIMEOUT = "OPENBLAS_THREAD_TIMEOUT";
    public static final String DEFAULT_EXPERIMENT = "conf/fashion-mlp.conf";

    /** Exit codes: the run succeeded; a stage failed; the experiment could not be started. */
    public static final int OK = 0;
    public static final int STAGE_FAILED = 1;
    public static final int INVALID_EXPERIMENT = 2;

    private final List<? extends Module> modules;

    public Launcher(List<? extends Module> modules) {
        this.modules = modules;
    }

    /**
     * Lists, and unless {@code onlyList} removes, the stored stage folders under {@code runsDir} that no run folder
     * links to (a run folder deleted by hand leaves them behind).
     *
     * @return an exit code
     */
    public static int cleanup(Path runsDir, boolean onlyList, PrintStream out) throws IOException {
        StageStore store = new StageStore(runsDir);
        List<Path> unused = store.unreferenced();
        int removed = 0;
        for (Path folder : unused) {
            if (onlyList) {
                out.println("unused: " + folder);
            } else if (store.removeIfUnreferenced(folder)) {
                out.println("removed: " + folder);
                removed++;
            } else {
                out.println("kept, a run is using it now: " + folder);
            }
        }
        out.println(unused.size() + " stored folder(s) under " + runsDir + " no run refers to"
                + (onlyList || unused.isEmpty() ? "" : ", " + removed + " removed"));
        return OK;
    }

    /**
     * Validates and runs an experiment in this JVM.
     *
     * @param properties the JVM's system properties (the experiment file and {@code -Dkey=value} overrides)
     * @param env        the environment ({@code LAYERSCOPE_*} overrides)
     * @param err        where usage and validation errors go (a run logs its own progress and failure)
     * @return an exit code
     */
    public int run(Map<String, String> properties, Map<String, String> env, PrintStream err) {
        ClassLoader caller = Thread.currentThread().getContextClassLoader();
        try {
            return runHere(properties, env, err);
        } finally {
            Thread.currentThread().setContextClassLoader(caller);
        }
    }

    private int runHere(Map<String, String> properties, Map<String, String> env, PrintStream err) {
        Optional<Plan> plan = prepare(properties, env, err);
        if (plan.isEmpty()) {
            return INVALID_EXPERIMENT;
        }
        try {
            // the runner has logged why a stage failed, and where the run folder is
            Optional<Path> runFolderFile = Optional.ofNullable(properties.get(RUN_FOLDER_FILE_PROPERTY)).map(Path::of);
            return new PipelineRunner(runFolderFile).run(plan.get()).succeeded() ? OK : STAGE_FAILED;
        } catch (IOException e) {
            err.println("Could not write the run folder under " + plan.get().runs().dir() + ": " + e);
            return STAGE_FAILED;
        }
    }

    /**
     * Validates an experiment here, then runs it in a new JVM with the experiment's {@code runtime} settings: heap
     * and off-heap limits and native thread counts can only be set when a JVM starts. The new JVM runs
     * {@code mainClass} with {@link #CHILD_PROPERTY} set and the same experiment and overrides.
     *
     * @param classpath the classpath of the new JVM
     * @return the run's exit code
     */
    public int runForked(Map<String, String> properties, Map<String, String> env, PrintStream err,
                         String mainClass, String classpath) throws IOException, InterruptedException {
        ClassLoader caller = Thread.currentThread().getContextClassLoader();
        Optional<Plan> plan;
        try {
            plan = prepare(properties, env, err);
        } finally {
            Thread.currentThread().setContextClassLoader(caller);
        }
        if (plan.isEmpty()) {
            return INVALID_EXPERIMENT;
        }
        List<String> overrides = plan.get().experiment().overrides().stream().filter(o -> o.startsWith("-D")).toList();
        ProcessBuilder builder = forkedRun(plan.get().runtime(), classpath, plan.get().experiment().file().toString(),
                overrides, mainClass).inheritIO();
        Process child = builder.start();
        Thread stopChild = new Thread(child::destroy, "stop-layerscope-run");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return child.waitFor();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopChild);
        }
    }

    /**
     * The one way to start a run in a JVM of its own: the {@code java} command with the run's {@code runtime}
     * limits, {@link #CHILD_PROPERTY} so that {@code mainClass} runs the experiment itself, and the environment that
     * sets the native thread counts. The caller says where the output goes and starts it; a sweep's points start
     * here as a single run does.
     *
     * @param runtime        the run's JVM limits
     * @param classpath      the classpath of the new JVM
     * @param experimentFile the experiment file, as the new JVM's working directory resolves it
     * @param arguments      further {@code -Dkey=value} arguments (the overrides, as {@link Experiment#overrides}
     *                       lists them)
     * @param mainClass      the class whose {@code main} runs the experiment
     */
    public static ProcessBuilder forkedRun(RuntimeSettings runtime, String classpath, String experimentFile,
                                           List<String> arguments, String mainClass) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + runtime.heap(),
                "-Dorg.bytedeco.javacpp.maxbytes=" + runtime.offHeapBytes(),
                // the resident set is watched by ResidentMemoryGuard, not by JavaCPP at every allocation
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=0",
                "-D" + ResidentMemoryGuard.LIMIT_PROPERTY + "=" + (runtime.heapBytes() + runtime.offHeapBytes()),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", classpath,
                "-D" + CHILD_PROPERTY + "=true",
                "-D" + EXPERIMENT_PROPERTY + "=" + experimentFile));
        command.addAll(arguments);
        command.add(mainClass);
        ProcessBuilder builder = new ProcessBuilder(command);
        // read by OpenMP (ND4J's own ops) and OpenBLAS when their thread pools start
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(runtime.threads()));
        builder.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(runtime.threads()));
        // OpenMP's idle threads, the caller's included, otherwise spin for about a millisecond after each parallel
        // region; a training step is some 40 short native calls, so on 2 threads the MLP spent half its time
        // spinning (perf: 48% in libgomp's wait loop) and ran 2.5x slower than on 1. Sleeping changes no result.
        // A policy the caller's environment sets is kept.
        builder.environment().putIfAbsent(OMP_WAIT_POLICY, "PASSIVE");
        // OpenBLAS's idle worker, by default, yields the core in a loop for 2^28 cycles (about 0.1 s) after each
        // product, beside oneDNN's two OpenMP threads on 2 cores; at 4 (its least, 2^4 cycles) it sleeps at once and
        // is woken by the next product. The reference CNN's epoch: 44.1 s against 48.6 s (docs/performance.md,
        // "OpenBLAS's idle worker"). A value the caller's environment sets is kept.
        builder.environment().putIfAbsent(OPENBLAS_THREAD_TIMEOUT, "4");
        return builder;
    }

    /**
     * In a run's own JVM: ends it, as a kill would, when the JVM that started it ends (Maven killed, its terminal
     * closed), so that no run goes on unseen; the store keeps every stage and map that completed.
     */
    public static void endWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("The process that started this run (" + parent.pid() + ") ended; the run stops");
            Runtime.getRuntime().halt(STAGE_FAILED);
        }));
    }

    /**
     * Reads and validates the experiment; prints usage or every problem and returns empty when it cannot run. When
     * the experiment has a {@code classpath}, it becomes this thread's context class loader (the caller restores it).
     */
    private Optional<Plan> prepare(Map<String, String> properties, Map<String, String> env, PrintStream err) {
        Path file = Path.of(properties.getOrDefault(EXPERIMENT_PROPERTY, DEFAULT_EXPERIMENT));
        try {
            return Optional.of(load(file, properties, env));
        } catch (NoSuchFileException e) {
            err.println(usage(file));
        } catch (ExperimentException e) {
            err.println(e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * The top-level sections an experiment may set: those of the kernel, of every stage module and of every
     * reference.conf on the classpath (a {@code -Dkey=value} under another one is not the experiment's).
     */
    public Set<String> sections() {
        Set<String> sections = new TreeSet<>(Guice.createInjector(modules).getInstance(PipelinePlanner.class)
                .sections());
        sections.addAll(ConfigFactory.parseResourcesAnySyntax(Thread.currentThread().getContextClassLoader(),
                "reference").root().keySet());
        return sections;
    }

    /**
     * Reads and validates an experiment without running it or printing anything, as a sweep plans each of its
     * points before any runs: the plan, or every problem at once.
     *
     * @param properties the experiment file ({@value #EXPERIMENT_PROPERTY}) and {@code -Dkey=value} overrides
     * @param env        the environment ({@code LAYERSCOPE_*} overrides)
     * @throws NoSuchFileException when there is no experiment file
     * @throws ExperimentException with every problem, when the experiment cannot run
     */
    public Plan plan(Map<String, String> properties, Map<String, String> env) throws NoSuchFileException {
        ClassLoader caller = Thread.currentThread().getContextClassLoader();
        try {
            return load(Path.of(properties.getOrDefault(EXPERIMENT_PROPERTY, DEFAULT_EXPERIMENT)), properties, env);
        } finally {
            Thread.currentThread().setContextClassLoader(caller);
        }
    }

    /** {@link #plan}, leaving the experiment's stage class loader, if it has one, as this thread's. */
    private Plan load(Path file, Map<String, String> properties, Map<String, String> env)
            throws NoSuchFileException {
        Injector injector = Guice.createInjector(modules);
        PipelinePlanner planner = injector.getInstance(PipelinePlanner.class);
        ClassLoader base = Thread.currentThread().getContextClassLoader();
        Experiment experiment = new ExperimentLoader(base).load(file, properties, env, planner.sections());
        List<Path> stageClasspath = StageClasspath.entries(experiment);
        if (!stageClasspath.isEmpty()) {
            // read again with the stages' own reference.conf; the planner finds their classes through it
            ClassLoader withStages = StageClasspath.loader(stageClasspath, base);
            Thread.currentThread().setContextClassLoader(withStages);
            experiment = new ExperimentLoader(withStages).load(file, properties, env, planner.sections());
        }
        return planner.plan(experiment);
    }

    static String usage(Path missing) {
        StringBuilder text = new StringBuilder();
        text.append("No experiment file at ").append(missing)
                .append(" (working directory ").append(Path.of("").toAbsolutePath()).append(").\n\n");
        text.append("Usage: ./mvnw -q compile exec:java [-Dexperiment=conf/<experiment>.conf] [-D<key>=<value> ...]\n");
        text.append("  -Dexperiment=FILE  the experiment to run (default ").append(DEFAULT_EXPERIMENT).append(")\n");
        text.append("  -D<key>=<value>    overrides any key of the experiment, e.g. -Ddata.dir=/elsewhere"
                + " -Druns.dir=/tmp/runs -Dpipeline=[load]\n");
        text.append("  -Dsweep=FILE       instead, a sweep of many runs: ./mvnw -q compile exec:java"
                + " -Dsweep=conf/sweeps/<sweep>.conf (see docs/running.md)\n");
        Path conf = Path.of("conf");
        if (Files.isDirectory(conf)) {
            try (Stream<Path> files = Files.list(conf)) {
                List<String> names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".conf")).sorted().toList();
                text.append("Experiments in conf/: ").append(String.join(", ", names)).append('\n');
            } catch (IOException e) {
                text.append("(conf/ could not be listed: ").append(e.getMessage()).append(")\n");
            }
        }
        return text.toString();
    }
}

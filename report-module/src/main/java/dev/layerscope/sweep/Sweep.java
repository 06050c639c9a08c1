package dev.layerscope.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.layerscope.kernel.ConfigProblem;
import dev.layerscope.kernel.ExperimentException;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.kernel.Plan;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Expands a sweep into its points and plans every one with the kernel's planner before any runs, reporting every
 * problem of every point at once, each named by its grid point.
 */
public final class Sweep {

    private final Launcher launcher;
    private final Map<String, String> env;
    private final Path workingDirectory;

    /**
     * @param launcher         plans each point as a single run is planned
     * @param env              the environment ({@code LAYERSCOPE_*} overrides reach every point, as they reach a
     *                         run)
     * @param workingDirectory where the points run, against which the sweep's relative experiment files resolve
     */
    public Sweep(Launcher launcher, Map<String, String> env, Path workingDirectory) {
        this.launcher = launcher;
        this.env = env;
        this.workingDirectory = workingDirectory;
    }

    /** The engines on the classpath, by name. */
    public static Map<String, SweepEngine> engines() {
        Map<String, SweepEngine> engines = new TreeMap<>();
        ServiceLoader.load(SweepEngine.class, Sweep.class.getClassLoader()).forEach(e -> engines.put(e.name(), e));
        return engines;
    }

    /**
     * Reads the sweep file and plans every point.
     *
     * @param commandLine the JVM's system properties ({@code -Dkey=value})
     * @throws NoSuchFileException when there is no sweep file
     * @throws InvalidSweep        with every problem of the file and of every point
     */
    public SweepPlan plan(Path file, Map<String, String> commandLine, LocalEngine.Machine machine)
            throws NoSuchFileException {
        SweepSettings.Read read = SweepSettings.read(file, commandLine, engines().keySet(), launcher.sections());
        SweepSettings sweep = read.settings();
        List<String> problems = new ArrayList<>();
        List<PlannedPoint> points = new ArrayList<>();
        Map<String, List<String>> seedKeys = new LinkedHashMap<>();
        for (String experimentFile : sweep.experiments()) {
            // planned here as its JVM, started in the working directory, will read it
            String planned = workingDirectory.resolve(experimentFile).normalize().toString();
            Map<String, String> base = new HashMap<>(sweep.settings());
            base.put(Launcher.EXPERIMENT_PROPERTY, planned);
            Plan basePlan;
            try {
                basePlan = launcher.plan(base, env);
            } catch (NoSuchFileException e) {
                problems.add("experiments: no experiment file at " + experimentFile + " (working directory "
                        + workingDirectory.toAbsolutePath().normalize() + ")");
                continue;
            } catch (ExperimentException e) {
                // wrong whatever the grid and seeds: said once, not once per point
                e.problems().forEach(p -> problems.add(experimentFile + " with the sweep's settings: " + p));
                continue;
            }
            List<String> seeds = seedKeys(basePlan);
            seedKeys.put(experimentFile, seeds);
            if (!sweep.seeds().isEmpty()) {
                if (seeds.isEmpty()) {
                    problems.add("seeds: " + experimentFile + " runs no stage with a key named seed, so the seeds"
                            + " cannot vary it; leave it out of this sweep, or remove seeds");
                }
                for (String key : seeds) {
                    if (sweep.settings().containsKey(key)) {
                        problems.add("settings." + key + ": is a seed of " + experimentFile + ", which seeds = "
                                + sweep.seeds() + " sets; remove it from settings (or from the command line)");
                    }
                }
            }
            for (Expansion expansion : expand(basePlan.name(), sweep, seeds)) {
                Map<String, String> properties = new HashMap<>(sweep.settings());
                properties.putAll(expansion.overrides());
                properties.put(Launcher.EXPERIMENT_PROPERTY, planned);
                try {
                    Plan plan = launcher.plan(properties, env);
                    Map<String, String> overrides = new TreeMap<>();
                    for (String applied : plan.experiment().overrides()) {
                        if (applied.startsWith("-D")) {
                            int equals = applied.indexOf('=');
                            overrides.put(applied.substring(2, equals), applied.substring(equals + 1));
                        }
                    }
                    points.add(new PlannedPoint(new SweepPoint(expansion.name(), experimentFile, overrides,
                            plan.runtime()), plan.name(), expansion.seed(), expansion.grid(),
                            plan.runs().dir().toAbsolutePath().normalize()));
                } catch (NoSuchFileException e) {
                    throw new IllegalStateException("the experiment file " + experimentFile + " went away", e);
                } catch (ExperimentException e) {
                    e.problems().forEach(p -> problems.add(expansion.name() + ": " + inSweepFile(read, p)));
                }
            }
        }
        Set<String> names = new TreeSet<>();
        for (PlannedPoint point : points) {
            if (!names.add(point.point().name())) {
                problems.add(point.point().name() + ": two points have this name; give the experiments different"
                        + " names (their `name` key)");
            }
        }
        Set<Path> runsDirs = new TreeSet<>(points.stream().map(PlannedPoint::runsDir).toList());
        if (runsDirs.size() > 1) {
            problems.add("settings.runs.dir: the points would write to different runs folders " + runsDirs
                    + ", so they would share no store; set settings.runs.dir (or -Druns.dir) for all of them");
        }
        int parallel = 0;
        if (sweep.engine().equals(LocalEngine.NAME)) {
            List<SweepPoint> toRun = points.stream().map(PlannedPoint::point).toList();
            String where = ConfigProblem.describe(read.config().getValue("local.parallel").origin());
            LocalEngine.memoryProblem(sweep.local(), machine, toRun)
                    .ifPresent(p -> problems.add(new ConfigProblem(where, "local.parallel", p).toString()));
            parallel = Math.min(Math.max(1, toRun.size()), LocalEngine.parallelism(sweep.local(), machine, toRun));
        }
        engineProblem(file, read).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new InvalidSweep(file.toString(), problems);
        }
        return new SweepPlan(file, read, points, seedKeys, runsDirs.iterator().next(), parallel);
    }

    /** The engine's own check of its section ({@link SweepEngine#check}), as a problem at the key's line. */
    private static Optional<String> engineProblem(Path file, SweepSettings.Read read) {
        SweepEngine engine = engines().get(read.settings().engine());
        if (engine == null) {
            return Optional.empty(); // an engine not on the classpath is the sweep file's own problem, said already
        }
        try {
            engine.check(read.engineSection());
            return Optional.empty();
        } catch (InvalidSetting e) {
            String key = read.settings().engine() + "." + e.key();
            String where = file.toString();
            try {
                if (read.config().hasPath(key)) {
                    where = ConfigProblem.describe(read.config().getValue(key).origin());
                }
            } catch (ConfigException notAPath) {
                // a key with characters a path cannot hold: the file is as near as we get
            }
            return Optional.of(new ConfigProblem(where, key, e.getMessage()).toString());
        }
    }

    /**
     * A point's problem with a value the sweep gave it (from {@code -Dkey} to the point's run): at the grid's or the
     * settings' line of the sweep file, where the user changes it.
     */
    private static ConfigProblem inSweepFile(SweepSettings.Read read, ConfigProblem problem) {
        if (!problem.where().startsWith("-D")) {
            return problem;
        }
        String key = problem.where().substring(2);
        Optional<String> where = read.settings().grid().containsKey(key) ? read.origin("grid", key)
                : read.settings().settings().containsKey(key) ? read.origin("settings", key) : Optional.empty();
        return where.map(w -> new ConfigProblem(w, problem.path(), problem.message())).orElse(problem);
    }

    /**
     * One point before it is planned.
     *
     * @param name      e.g. {@code fashion-mlp seed=3 model.updater.learning-rate=0.01}
     * @param seed      its seed, if the sweep names seeds
     * @param grid      its value of each grid key
     * @param overrides what it puts over the experiment: the seed on every seed key, and the grid's values
     */
    public record Expansion(String name, Optional<Long> seed, Map<String, String> grid,
                            Map<String, String> overrides) {
    }

    /** An experiment's points: each seed (or none) with each combination of the grid's values, in order. */
    public static List<Expansion> expand(String experiment, SweepSettings sweep, List<String> seedKeys) {
        List<Optional<Long>> seeds = sweep.seeds().isEmpty() ? List.of(Optional.empty())
                : sweep.seeds().stream().map(Optional::of).toList();
        List<Map<String, String>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        for (var key : sweep.grid().entrySet()) {
            List<Map<String, String>> longer = new ArrayList<>();
            for (Map<String, String> combination : combinations) {
                for (String value : key.getValue()) {
                    Map<String, String> next = new LinkedHashMap<>(combination);
                    next.put(key.getKey(), value);
                    longer.add(next);
                }
            }
            combinations = longer;
        }
        List<Expansion> expansions = new ArrayList<>();
        for (Optional<Long> seed : seeds) {
            for (Map<String, String> combination : combinations) {
                StringBuilder name = new StringBuilder(experiment);
                Map<String, String> overrides = new TreeMap<>(combination);
                seed.ifPresent(s -> {
                    name.append(" seed=").append(s);
                    seedKeys.forEach(key -> overrides.put(key, Long.toString(s)));
                });
                combination.forEach((key, value) -> name.append(' ').append(key).append('=').append(value));
                expansions.add(new Expansion(name.toString(), seed, combination, overrides));
            }
        }
        return expansions;
    }

    /**
     * The keys named {@code seed} in the sections the planned stages bind (and the kernel's): every seed the
     * experiment uses, a stage of one's own included; a seed of a stage the pipeline does not run is left alone.
     */
    public static List<String> seedKeys(Plan plan) {
        Config config = plan.experiment().config();
        Set<String> keys = new TreeSet<>();
        for (Plan.PlannedStage stage : plan.stages()) {
            for (String section : stage.settingsPaths()) {
                if (config.hasPath(section) && config.getValue(section) instanceof ConfigObject object) {
                    collectSeeds(object, section, keys);
                }
            }
        }
        return List.copyOf(keys);
    }

    private static void collectSeeds(ConfigObject object, String path, Set<String> keys) {
        for (var entry : object.entrySet()) {
            String child = path + "." + entry.getKey();
            ConfigValue value = entry.getValue();
            if (value instanceof ConfigObject nested) {
                collectSeeds(nested, child, keys);
            } else if (entry.getKey().equals("seed")) {
                keys.add(child);
            }
        }
    }
}

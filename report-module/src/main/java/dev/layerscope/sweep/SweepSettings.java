package dev.layerscope.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.layerscope.kernel.ConfigProblem;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.SettingsBinder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A sweep file ({@code conf/sweeps/<name>.conf}) read and checked: which experiments, over which grid and seeds,
 * with which settings on every point, run by which engine. Defaults are in {@value #REFERENCE}.conf: a file of its
 * own rather than a {@code sweep} section of report-module's reference.conf, because every reference.conf is merged
 * into every experiment, whose planner would then meet a section {@code sweep} no stage binds; and because a
 * sweep file's keys are its own top level, as an experiment's are. An engine in another module (spark-module) adds
 * the defaults of its section in a {@value #REFERENCE}.conf of its own, which is merged with this one.
 *
 * @param name        the sweep's name, its folder under {@code runs/sweeps/}; by default the file's name
 * @param experiments the base experiment files, each expanded over the grid and the seeds
 * @param grid        setting key to the values it takes, each value as {@code -Dkey=value} would give it; every
 *                    combination of every key's values is a point; sorted by key
 * @param seeds       the seeds, each put on every key named {@code seed} of the stages a point runs; empty: each
 *                    experiment's own seeds, one point per grid combination
 * @param settings    setting key to value, put over every point as {@code -Dkey=value} would
 * @param engine      which {@link SweepEngine} runs the points: {@code local} or {@code spark}
 * @param local       the local engine's settings
 */
public record SweepSettings(String name, List<String> experiments, Map<String, List<String>> grid, List<Long> seeds,
                            Map<String, String> settings, String engine, LocalSettings local) {

    /** The resource that holds the defaults of a sweep file. */
    public static final String REFERENCE = "sweep-reference";

    public SweepSettings {
        experiments = List.copyOf(experiments);
        seeds = List.copyOf(seeds);
        Map<String, List<String>> sortedGrid = new LinkedHashMap<>();
        new TreeMap<>(grid).forEach((key, values) -> sortedGrid.put(key, List.copyOf(values)));
        grid = Collections.unmodifiableMap(sortedGrid);
        settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        List<InvalidSetting> problems = new ArrayList<>();
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            problems.add(new InvalidSetting("name", "`" + name + "` is not a plain folder name (letters, digits, ., _"
                    + " and -); the sweep's folder is runs/sweeps/<name>/"));
        }
        if (experiments.isEmpty()) {
            problems.add(new InvalidSetting("experiments", "names no experiment; name at least one, e.g."
                    + " experiments = [conf/fashion-mlp.conf]"));
        }
        if (new HashSet<>(experiments).size() < experiments.size()) {
            problems.add(new InvalidSetting("experiments", "names an experiment twice: " + experiments));
        }
        if (new HashSet<>(seeds).size() < seeds.size()) {
            problems.add(new InvalidSetting("seeds", "names a seed twice: " + seeds));
        }
        for (var entry : grid.entrySet()) {
            String key = gridKey(entry.getKey());
            if (entry.getValue().isEmpty()) {
                problems.add(new InvalidSetting(key, "has no values; give it at least one, e.g. \""
                        + entry.getKey() + "\" = [a, b], or remove it"));
            } else if (new HashSet<>(entry.getValue()).size() < entry.getValue().size()) {
                problems.add(new InvalidSetting(key, "names a value twice: " + entry.getValue()));
            }
            if (settings.containsKey(entry.getKey())) {
                problems.add(new InvalidSetting(key, "is set in settings (or by -D" + entry.getKey() + ") too; the"
                        + " grid varies it, so remove it there"));
            }
            if (entry.getKey().equals("seed") || entry.getKey().endsWith(".seed")) {
                problems.add(new InvalidSetting(key, "is a seed; list seeds in `seeds = [...]`, which puts each on"
                        + " every seed key the experiment uses"));
            }
        }
        if (engine == null || engine.isBlank()) {
            problems.add(new InvalidSetting("engine", "is empty; write engine = local (or spark)"));
        }
        InvalidSettings.throwIfAny(problems);
    }

    /** The path of a grid key in the sweep file: {@code grid."model.updater.learning-rate"}. */
    static String gridKey(String key) {
        return "grid." + ConfigUtil.quoteString(key);
    }

    /** The sweep file's top-level keys this record reads; the engines' own sections are known besides. */
    private static final List<String> KEYS = List.of("name", "experiments", "grid", "seeds", "settings", "engine",
            "local");

    /**
     * The sweep file with the command line over it: a {@code -Dkey=value} whose first path element is a key of the
     * sweep file (or an engine's section) sets that key, one under a section experiments know goes to every point
     * (see {@link #settings}), and the JVM's own properties ({@code java.home}...) are left alone.
     *
     * @param file        the sweep file
     * @param commandLine the JVM's system properties
     * @param engines     the names of the engines on the classpath
     * @param sections    the top-level sections of an experiment (its stages' and the kernel's)
     * @return the settings and the configuration they were read from (written to the sweep folder)
     * @throws NoSuchFileException when there is no sweep file
     * @throws InvalidSweep        with every problem
     */
    public static Read read(Path file, Map<String, String> commandLine, Set<String> engines, Set<String> sections)
            throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no sweep file here");
        }
        Config fromFile;
        Config reference;
        try {
            fromFile = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            reference = ConfigFactory.parseResourcesAnySyntax(SweepSettings.class.getClassLoader(), REFERENCE);
        } catch (ConfigException e) {
            throw new InvalidSweep(file.toString(), List.of(e.getMessage()));
        }
        Set<String> known = new TreeSet<>(KEYS);
        known.addAll(reference.root().keySet());
        known.addAll(engines);
        Config sweepLine = ConfigFactory.empty();
        Config pointLine = ConfigFactory.empty();
        for (var property : new TreeMap<>(commandLine).entrySet()) {
            String key = property.getKey();
            if (key.equals(SweepMain.SWEEP_PROPERTY)) {
                continue;
            }
            try {
                if (known.contains(key.split("\\.", 2)[0])) {
                    sweepLine = override(key, property.getValue()).withFallback(sweepLine);
                } else if (sections.contains(key.split("\\.", 2)[0])) {
                    pointLine = override("settings." + ConfigUtil.quoteString(key), property.getValue())
                            .withFallback(pointLine);
                }
            } catch (ConfigException e) {
                throw new InvalidSweep(file.toString(), List.of("-D" + key + ": " + e.getMessage()));
            }
        }
        Config config;
        try {
            config = sweepLine.withFallback(fromFile).withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new InvalidSweep(file.toString(), List.of(e.getMessage()));
        }
        List<ConfigProblem> problems = new ArrayList<>();
        for (String key : config.root().keySet()) {
            if (!known.contains(key)) {
                problems.add(new ConfigProblem(ConfigProblem.describe(config.root().get(key).origin()), key,
                        SettingsBinder.unknownKeyMessage(key, known)));
            }
        }
        Map<String, ConfigOrigin> origins = new HashMap<>();
        String name = text(config, "name", origins, problems);
        if (name == null || name.isBlank()) {
            String fileName = file.getFileName().toString();
            name = fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - 5) : fileName;
        }
        List<String> experiments = new ArrayList<>();
        for (ConfigValue value : list(config, "experiments", origins, problems)) {
            if (value.valueType() == ConfigValueType.STRING) {
                experiments.add((String) value.unwrapped());
            } else {
                problems.add(new ConfigProblem(ConfigProblem.describe(value.origin()), "experiments",
                        "expected experiment files, e.g. [conf/fashion-mlp.conf], got " + render(value)));
            }
        }
        List<Long> seeds = new ArrayList<>();
        for (ConfigValue value : list(config, "seeds", origins, problems)) {
            Object unwrapped = value.unwrapped();
            if (unwrapped instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                    && !(unwrapped instanceof Double d && d.isInfinite())) {
                seeds.add(number.longValue());
            } else if (unwrapped instanceof String text && text.trim().matches("-?\\d{1,18}")) {
                seeds.add(Long.parseLong(text.trim()));
            } else {
                problems.add(new ConfigProblem(ConfigProblem.describe(value.origin()), "seeds",
                        "expected whole numbers, e.g. seeds = [1, 2, 3], got " + render(value)));
            }
        }
        Map<String, List<String>> grid = new LinkedHashMap<>();
        for (var entry : leaves(config, "grid", origins, problems).entrySet()) {
            String key = entry.getKey();
            origins.put(gridKey(key), entry.getValue().origin());
            if (!(entry.getValue() instanceof ConfigList values)) {
                problems.add(new ConfigProblem(ConfigProblem.describe(entry.getValue().origin()), gridKey(key),
                        "expected a list of the values it takes, e.g. \"" + key + "\" = [" + render(entry.getValue())
                                + ", ...], got " + render(entry.getValue())));
                continue;
            }
            List<String> texts = new ArrayList<>();
            for (ConfigValue value : values) {
                if (value.valueType() == ConfigValueType.NULL) {
                    problems.add(new ConfigProblem(ConfigProblem.describe(value.origin()), gridKey(key),
                            "null is no value to run; remove it"));
                } else {
                    texts.add(asOverride(value));
                }
            }
            grid.put(key, texts);
        }
        Map<String, String> settings = new TreeMap<>();
        Config merged = config;
        try {
            // the command line's settings over the file's, key by key
            merged = pointLine.withFallback(config);
        } catch (ConfigException e) {
            problems.add(new ConfigProblem("-D", "settings", e.getMessage()));
        }
        for (var entry : leaves(merged, "settings", origins, problems).entrySet()) {
            if (entry.getValue().valueType() != ConfigValueType.NULL) {
                settings.put(entry.getKey(), asOverride(entry.getValue()));
            }
        }
        String engine = text(config, "engine", origins, problems);
        if (engine != null && !engine.isBlank() && !engines.contains(engine)) {
            problems.add(new ConfigProblem(where(origins, "engine"), "engine", "`" + engine + "` is not an engine"
                    + " on the classpath" + SettingsBinder.didYouMean(engine, engines) + " Engines here: "
                    + String.join(", ", new TreeSet<>(engines)) + (engine.equals("spark") ? "; the Spark engine"
                    + " comes with spark-module, which must be on the classpath" : "")));
        }
        LocalSettings local = null;
        Config localSection = section(config, "local", origins, problems);
        for (String key : localSection.root().keySet()) {
            if (!key.equals("parallel")) {
                problems.add(new ConfigProblem(ConfigProblem.describe(localSection.root().get(key).origin()),
                        "local." + key, SettingsBinder.unknownKeyMessage(key, Set.of("parallel"))));
            }
        }
        if (localSection.hasPath("parallel")) {
            ConfigValue parallel = localSection.getValue("parallel");
            origins.put("local.parallel", parallel.origin());
            try {
                local = new LocalSettings(String.valueOf(parallel.unwrapped()).trim());
            } catch (InvalidSetting e) {
                problems.add(new ConfigProblem(ConfigProblem.describe(parallel.origin()), "local.parallel",
                        e.getMessage()));
            }
        } else {
            problems.add(new ConfigProblem(where(origins, "local"), "local.parallel",
                    "is missing; write local.parallel = auto"));
        }
        if (problems.isEmpty()) {
            try {
                SweepSettings sweep = new SweepSettings(name, experiments, grid, seeds, settings,
                        engine == null ? "" : engine, local);
                return new Read(sweep, config, merged.hasPath("settings") ? merged.getConfig("settings")
                        : ConfigFactory.empty());
            } catch (InvalidSetting | InvalidSettings e) {
                List<InvalidSetting> rules = e instanceof InvalidSettings several ? several.problems()
                        : List.of((InvalidSetting) e);
                for (InvalidSetting rule : rules) {
                    problems.add(new ConfigProblem(where(origins, rule.key()), rule.key(), rule.getMessage()));
                }
            }
        }
        throw new InvalidSweep(file.toString(), problems.stream().sorted(ConfigProblem.IN_FILE_ORDER)
                .map(ConfigProblem::toString).toList());
    }

    /**
     * A sweep file as read.
     *
     * @param settings   the checked settings
     * @param config     the sweep file with the command line over it and the defaults under it, resolved
     * @param pointLevel the settings put over every point, the file's and the command line's together
     */
    public record Read(SweepSettings settings, Config config, Config pointLevel) {

        /** The section of the engine this sweep runs on, with the engine's defaults. */
        public Config engineSection() {
            return config.hasPath(settings.engine()) && config.getValue(settings.engine()).valueType()
                    == ConfigValueType.OBJECT ? config.getConfig(settings.engine()) : ConfigFactory.empty();
        }

        /**
         * Where the sweep sets a key of its points ({@code section} {@code grid} or {@code settings}): the sweep
         * file's line, or the command line's {@code -Dkey}.
         */
        public Optional<String> origin(String section, String key) {
            Config from = section.equals("settings") ? pointLevel
                    : config.hasPath(section) ? config.getConfig(section) : ConfigFactory.empty();
            for (String path : List.of(ConfigUtil.joinPath(key), key)) {
                try {
                    if (from.hasPath(path)) {
                        return Optional.of(ConfigProblem.describe(from.getValue(path).origin()));
                    }
                } catch (ConfigException e) {
                    // a key that is no path in this form; try the other
                }
            }
            return Optional.empty();
        }

        /** The resolved sweep, as {@code sweep.conf} records it. */
        public String render() {
            return config.withValue("settings", pointLevel.root())
                    .root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
        }
    }

    /** A value as {@code -Dkey=value} gives it to an experiment: text as it is, anything else as HOCON. */
    static String asOverride(ConfigValue value) {
        return value.valueType() == ConfigValueType.STRING ? (String) value.unwrapped()
                : value.render(ConfigRenderOptions.concise());
    }

    private static String render(ConfigValue value) {
        return value.render(ConfigRenderOptions.concise());
    }

    private static Config override(String key, String value) {
        String trimmed = value.trim();
        ConfigParseOptions options = ConfigParseOptions.defaults().setOriginDescription("-D" + key);
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            return ConfigFactory.parseString("value = " + trimmed, options).getValue("value").atPath(key);
        }
        return ConfigValueFactory.fromAnyRef(value, "-D" + key).atPath(key);
    }

    private static String where(Map<String, ConfigOrigin> origins, String key) {
        for (String path = key; ; path = path.substring(0, path.lastIndexOf('.'))) {
            if (origins.containsKey(path)) {
                return ConfigProblem.describe(origins.get(path));
            }
            if (!path.contains(".")) {
                return "(sweep)";
            }
        }
    }

    private static String text(Config config, String key, Map<String, ConfigOrigin> origins,
                               List<ConfigProblem> problems) {
        if (!config.hasPath(key)) {
            return null;
        }
        ConfigValue value = config.getValue(key);
        origins.put(key, value.origin());
        if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
            problems.add(new ConfigProblem(ConfigProblem.describe(value.origin()), key,
                    "expected a word, got " + render(value)));
            return null;
        }
        return String.valueOf(value.unwrapped());
    }

    private static List<ConfigValue> list(Config config, String key, Map<String, ConfigOrigin> origins,
                                          List<ConfigProblem> problems) {
        if (!config.hasPath(key)) {
            return List.of();
        }
        ConfigValue value = config.getValue(key);
        origins.put(key, value.origin());
        if (value instanceof ConfigList list) {
            return list;
        }
        problems.add(new ConfigProblem(ConfigProblem.describe(value.origin()), key,
                "expected a list, e.g. " + key + " = [" + render(value) + "], got " + render(value)));
        return List.of();
    }

    private static Config section(Config config, String key, Map<String, ConfigOrigin> origins,
                                  List<ConfigProblem> problems) {
        if (!config.hasPath(key)) {
            return ConfigFactory.empty();
        }
        ConfigValue value = config.getValue(key);
        origins.put(key, value.origin());
        if (value instanceof ConfigObject object) {
            return object.toConfig();
        }
        problems.add(new ConfigProblem(ConfigProblem.describe(value.origin()), key,
                "expected a section `" + key + " { ... }`, got " + render(value)));
        return ConfigFactory.empty();
    }

    /** The leaves of a section by their dotted paths: {@code a { b = 1 }} and {@code "a.b" = 1} alike give a.b. */
    private static Map<String, ConfigValue> leaves(Config config, String key, Map<String, ConfigOrigin> origins,
                                                   List<ConfigProblem> problems) {
        Map<String, ConfigValue> leaves = new TreeMap<>();
        for (var entry : section(config, key, origins, problems).entrySet()) {
            leaves.put(String.join(".", ConfigUtil.splitPath(entry.getKey())), entry.getValue());
        }
        return leaves;
    }
}

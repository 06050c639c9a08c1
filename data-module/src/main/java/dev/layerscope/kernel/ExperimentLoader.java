package dev.layerscope.kernel;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an experiment the way a researcher expects precedence to work, highest first:
 * <ol>
 *   <li>command-line overrides ({@code -Dmodel.epochs=2}), for keys under the known top-level sections;</li>
 *   <li>environment variables {@code LAYERSCOPE_<PATH>} ({@code LAYERSCOPE_DATA_DIR} sets {@code data.dir};
 *       as in Typesafe Config's own convention {@code _} stands for {@code .}, {@code __} for {@code -} and
 *       {@code ___} for {@code _});</li>
 *   <li>the experiment file;</li>
 *   <li>each module's {@code reference.conf}.</li>
 * </ol>
 */
public final class ExperimentLoader {

    /** The prefix of environment variables that override experiment keys. */
    public static final String ENV_PREFIX = "LAYERSCOPE_";

    /** How the origin of a value from the command line starts: {@code -Ddata.dir}. */
    static final String COMMAND_LINE = "-D";
    /** How the origin of a value from the environment starts: {@code environment variable LAYERSCOPE_DATA_DIR}. */
    static final String ENVIRONMENT = "environment variable ";

    private final ClassLoader classLoader;

    public ExperimentLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /**
     * @param file      the experiment file
     * @param overrides candidate overrides (usually the JVM's system properties); only keys under a known
     *                  top-level section are taken, so the JVM's own properties ({@code java.home}...) are left alone
     * @param env       the environment
     * @param sections  the top-level keys the stages bind; the sections of the experiment file and of every
     *                  reference.conf count as known too
     * @throws NoSuchFileException when the experiment file does not exist
     * @throws ExperimentException when the file cannot be parsed or resolved
     */
    public Experiment load(Path file, Map<String, String> overrides, Map<String, String> env, Set<String> sections)
            throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no experiment file here");
        }
        try {
            Config fromFile = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
                    .setAllowMissing(false).setClassLoader(classLoader));
            Config reference = ConfigFactory.parseResourcesAnySyntax(classLoader, "reference");
            Set<String> known = new HashSet<>(sections);
            known.addAll(fromFile.root().keySet());
            known.addAll(reference.root().keySet());
            List<String> applied = new ArrayList<>();
            Config merged = commandLine(overrides, known, applied)
                    .withFallback(environment(env, applied))
                    .withFallback(fromFile)
                    .withFallback(reference);
            return new Experiment(file, merged.resolve(), applied.stream().sorted().toList());
        } catch (ConfigException e) {
            throw new ExperimentException(file.toString(), List.of(problemOf(e)));
        }
    }

    private static Config commandLine(Map<String, String> overrides, Set<String> sections, List<String> applied) {
        Config config = ConfigFactory.empty();
        for (var entry : overrides.entrySet()) {
            String key = entry.getKey();
            if (!sections.contains(key.split("\\.", 2)[0])) {
                continue;
            }
            config = override(key, entry.getValue(), COMMAND_LINE + key).withFallback(config);
            applied.add("-D" + key + "=" + entry.getValue());
        }
        return config;
    }

    private static Config environment(Map<String, String> env, List<String> applied) {
        Config config = ConfigFactory.empty();
        for (var entry : env.entrySet()) {
            if (entry.getKey().startsWith(ENV_PREFIX) && entry.getKey().length() > ENV_PREFIX.length()) {
                String key = envKey(entry.getKey().substring(ENV_PREFIX.length()));
                config = override(key, entry.getValue(), ENVIRONMENT + entry.getKey()).withFallback(config);
                applied.add(entry.getKey() + "=" + entry.getValue());
            }
        }
        return config;
    }

    /** {@code DATA_LIMIT__PER__CLASS} becomes {@code data.limit-per-class}. */
    static String envKey(String name) {
        return name.toLowerCase(Locale.ROOT)
                .replace("___", "\u0000").replace("__", "-").replace('_', '.').replace('\u0000', '_');
    }

    /**
     * One override. A value that starts like a HOCON list or object ({@code [load,train]}) is parsed as HOCON;
     * anything else is taken as a string, which the settings binder converts to the number, flag or path the
     * key expects (so {@code /tmp/runs} is not mistaken for a comment and {@code 2} still binds an int).
     */
    static Config override(String key, String value, String origin) {
        String trimmed = value.trim();
        ConfigParseOptions options = ConfigParseOptions.defaults().setOriginDescription(origin);
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            return ConfigFactory.parseString("value = " + trimmed, options).getValue("value").atPath(key);
        }
        return ConfigValueFactory.fromAnyRef(value, origin).atPath(key);
    }

    private static ConfigProblem problemOf(ConfigException e) {
        String where = e.origin() == null ? "(experiment)" : ConfigProblem.describe(e.origin());
        String message = e.getMessage();
        // Typesafe prefixes the origin; it is already in `where`.
        int colon = message.indexOf(": ");
        if (e.origin() != null && colon > 0 && message.startsWith(e.origin().description())) {
            message = message.substring(e.origin().description().length()).replaceFirst("^:\\s*", "");
        }
        return new ConfigProblem(where, "", message);
    }
}

package dev.layerscope.sweep.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.layerscope.kernel.InvalidSetting;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sweep file's {@code spark { ... }} section.
 *
 * <p>Not bound by {@code SettingsBinder}, which has no maps: {@link #from} reads it, and this constructor checks it.
 * Defaults: spark-module's {@code sweep-reference.conf}, and the constants here for a section read without them.
 *
 * @param master  Spark's master URL: {@code local[N]} runs the tasks in the launcher's JVM (each point still forks a
 *                JVM of its own), {@code spark://host:7077}, {@code yarn} or {@code k8s://...} a cluster's. A
 *                {@code -Dspark.master=...} on the command line wins over it.
 * @param appName the application's name in Spark's UI and logs
 * @param conf    Spark properties ({@code "spark.executor.memory" = 4g}), passed to Spark as they are; a
 *                {@code -Dspark.x=...} on the command line wins over the same key here
 */
public record SparkSettings(String master, String appName, Map<String, String> conf) {

    /** Where a sweep's points run when its file does not say: two tasks at once in the launcher's JVM. */
    public static final String DEFAULT_MASTER = "local[2]";
    public static final String DEFAULT_APP_NAME = "layerscope-sweep";

    private static final Set<String> KEYS = Set.of("master", "app-name", "conf");

    public SparkSettings {
        if (master == null || master.isBlank()) {
            throw new InvalidSetting("master", "spark.master is empty: give Spark's master URL, e.g. \""
                    + DEFAULT_MASTER + "\" or \"spark://host:7077\"");
        }
        if (appName == null || appName.isBlank()) {
            throw new InvalidSetting("app-name", "spark.app-name is empty");
        }
        for (String key : conf.keySet()) {
            if (!key.startsWith("spark.")) {
                throw new InvalidSetting("conf." + key, "spark.conf holds Spark properties, whose names start with"
                        + " \"spark.\"; \"" + key + "\" does not (quote a dotted name: \"spark.executor.memory\" = 4g)");
            }
        }
        conf = Collections.unmodifiableMap(new TreeMap<>(conf));
    }

    /**
     * Reads the section; keys it does not have take their defaults.
     *
     * @param sweepName the sweep's name, or null when unknown: {@code app-name} defaults to
     *                  {@code layerscope-sweep-<sweepName>}
     *
     * @throws InvalidSetting naming the key, for an unknown key or a value of the wrong kind
     */
    public static SparkSettings from(Config section, String sweepName) {
        for (Map.Entry<String, ConfigValue> entry : section.entrySet()) {
            String path = entry.getKey();
            String key = ConfigUtil.splitPath(path).getFirst();
            // -Dspark.executor.memory=4g lands here as executor.memory: Spark takes it from the system property
            boolean fromCommandLine = System.getProperty("spark." + String.join(".", ConfigUtil.splitPath(path)))
                    != null;
            if (!KEYS.contains(key) && !fromCommandLine) {
                throw new InvalidSetting(key, "spark has no key \"" + key + "\"; it has " + new TreeSet<>(KEYS)
                        + " (Spark's own properties go in spark.conf { \"spark.x\" = ... })");
            }
        }
        try {
            String master = section.hasPath("master") ? section.getString("master") : DEFAULT_MASTER;
            String appName = section.hasPath("app-name") ? section.getString("app-name")
                    : sweepName == null ? DEFAULT_APP_NAME : DEFAULT_APP_NAME + "-" + sweepName;
            Map<String, String> conf = new TreeMap<>();
            if (section.hasPath("conf")) {
                // entries() flattens nested objects: an unquoted spark.executor.memory = 4g reads as the same key
                for (Map.Entry<String, ConfigValue> entry : section.getConfig("conf").entrySet()) {
                    // the entry's path, quoted where a part has dots: "spark.x" and spark.x name one property
                    String name = String.join(".", ConfigUtil.splitPath(entry.getKey()));
                    ConfigValue value = entry.getValue();
                    if (value.valueType() == ConfigValueType.LIST || value.valueType() == ConfigValueType.NULL) {
                        throw new InvalidSetting("conf." + name, "a Spark property is a single value,"
                                + " not " + value.valueType().name().toLowerCase(Locale.ROOT));
                    }
                    conf.put(name, String.valueOf(value.unwrapped()));
                }
            }
            return new SparkSettings(master, appName, conf);
        } catch (ConfigException.WrongType e) {
            throw new InvalidSetting(e.getMessage().replaceFirst(":.*", ""), e.getMessage());
        }
    }
}

package dev.layerscope.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.RuntimeSettings;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One experiment of an expanded sweep: an experiment file and the settings that the sweep's grid and seeds put over
 * it. Serializable, because an engine may hand it to another JVM (a Spark executor).
 *
 * @param name           the grid point, as summaries and error messages name it, e.g. {@code fashion-mlp seed=1
 *                       model.updater.learning-rate=0.01}
 * @param experimentFile the experiment file, as the sweep file names it (relative to the working directory)
 * @param overrides      key to value, each passed as {@code -Dkey=value} to the point's run, sorted by key
 * @param runtime        the JVM the point runs in, as its planned experiment says: the runner starts it with these
 *                       limits, and the local engine runs no more points at once than the machine holds
 */
public record SweepPoint(String name, String experimentFile, Map<String, String> overrides, RuntimeSettings runtime)
        implements Serializable {

    public SweepPoint {
        if (name == null || name.isBlank() || experimentFile == null || experimentFile.isBlank() || runtime == null) {
            throw new IllegalArgumentException("a sweep point needs a name, an experiment file and a runtime");
        }
        overrides = Collections.unmodifiableMap(new TreeMap<>(overrides));
    }

    /** A point with the runtime an experiment has that sets none (the kernel's reference.conf). */
    public SweepPoint(String name, String experimentFile, Map<String, String> overrides) {
        this(name, experimentFile, overrides, defaultRuntime());
    }

    private static RuntimeSettings defaultRuntime() {
        Config runtime = ConfigFactory.defaultReference(SweepPoint.class.getClassLoader()).getConfig("runtime");
        return new RuntimeSettings(runtime.getString("heap"), runtime.getString("off-heap"),
                runtime.getInt("threads"));
    }

    /** The most memory the point's JVM may take: its heap and ND4J's off-heap limit. */
    public long memoryBytes() {
        return runtime.heapBytes() + runtime.offHeapBytes();
    }
}

package dev.layerscope.sweep;

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
 */
public record SweepPoint(String name, String experimentFile, Map<String, String> overrides) implements Serializable {

    public SweepPoint {
        if (name == null || name.isBlank() || experimentFile == null || experimentFile.isBlank()) {
            throw new IllegalArgumentException("a sweep point needs a name and an experiment file");
        }
        overrides = Collections.unmodifiableMap(new TreeMap<>(overrides));
    }
}

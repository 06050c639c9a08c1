package dev.layerscope.sweep.spark;

import com.typesafe.config.Config;
import dev.layerscope.sweep.PointOutcome;
import dev.layerscope.sweep.PointRunner;
import dev.layerscope.sweep.SweepEngine;
import dev.layerscope.sweep.SweepPoint;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code engine = spark}: Apache Spark runs one task per point of the sweep. Found by {@link java.util.ServiceLoader}
 * where spark-module is on the classpath (the launcher's, {@code exec:java}'s).
 *
 * <p>This class names no Spark type, so that looking engines up by name (which instantiates every engine) loads no
 * class of Spark; {@link SparkSweep} holds the Spark code and is loaded by {@link #run} only.
 */
public final class SparkEngine implements SweepEngine {

    public static final String NAME = "spark";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PointOutcome> run(List<SweepPoint> points, Config settings, PointRunner runner) {
        SparkSettings sparkSettings = SparkSettings.from(settings, sweepName());
        if (points.isEmpty()) {
            return List.of(); // Spark cannot split nothing into partitions, and need not start for it
        }
        return SparkSweep.run(points, sparkSettings, runner);
    }

    /**
     * The sweep's name, from {@code -Dsweep=conf/sweeps/<name>.conf} (the contract hands an engine only its own
     * section); null when this JVM was not started for a sweep file.
     */
    static String sweepName() {
        String file = System.getProperty("sweep");
        if (file == null || file.isBlank()) {
            return null;
        }
        String name = Path.of(file).getFileName().toString();
        return name.endsWith(".conf") ? name.substring(0, name.length() - ".conf".length()) : name;
    }
}

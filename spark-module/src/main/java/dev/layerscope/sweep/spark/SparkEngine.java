package dev.layerscope.sweep.spark;

import com.typesafe.config.Config;
import dev.layerscope.sweep.PointOutcome;
import dev.layerscope.sweep.PointRunner;
import dev.layerscope.sweep.SweepEngine;
import dev.layerscope.sweep.SweepPoint;
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
    public void check(Config settings) {
        SparkSettings.from(settings, null);
    }

    @Override
    public List<PointOutcome> run(String sweep, List<SweepPoint> points, Config settings, PointRunner runner) {
        SparkSettings sparkSettings = SparkSettings.from(settings, sweep);
        if (points.isEmpty()) {
            return List.of(); // Spark cannot split nothing into partitions, and need not start for it
        }
        return SparkSweep.run(points, sparkSettings, runner);
    }
}

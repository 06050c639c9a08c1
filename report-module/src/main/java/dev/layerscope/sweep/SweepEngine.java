package dev.layerscope.sweep;

import com.typesafe.config.Config;
import java.util.List;

/**
 * What runs the points of a sweep once every point has been planned: {@code engine = local} runs them as JVMs of
 * this machine, {@code engine = spark} as Spark tasks. An engine is found by {@link #name} through
 * {@link java.util.ServiceLoader}, so an engine in a module of its own (spark-module) is offered only where that
 * module is on the classpath, and nothing of it loads for a sweep that does not name it.
 */
public interface SweepEngine {

    /** The value of the sweep file's {@code engine} key that selects this engine. */
    String name();

    /**
     * Runs every point with {@code runner}; a point that fails does not stop the others.
     *
     * @param points   the planned points, in the sweep's order
     * @param settings the sweep file's section named like the engine ({@code local { ... }}, {@code spark { ... }}),
     *                 with the engine's defaults
     * @param runner   runs one point
     * @return one outcome per point, in the order of {@code points}
     */
    List<PointOutcome> run(List<SweepPoint> points, Config settings, PointRunner runner) throws InterruptedException;
}

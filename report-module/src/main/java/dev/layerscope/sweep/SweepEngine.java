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
     * Checks the engine's section of the sweep file while the sweep is planned, before anything runs or is written,
     * so that a mistake in it is reported with every other problem of the sweep, at its line.
     *
     * @param settings the engine's section, as {@link #run} gets it
     * @throws dev.layerscope.kernel.InvalidSetting naming the key within the section
     */
    default void check(Config settings) {
    }

    /**
     * Runs every point with {@code runner}; a point that fails does not stop the others.
     *
     * @param sweep    the sweep's name (its {@code name} key, by default its file's name), e.g. for the engine's
     *                 job name
     * @param points   the planned points, in the sweep's order
     * @param settings the sweep file's section named like the engine ({@code local { ... }}, {@code spark { ... }}),
     *                 with the engine's defaults; {@link #check} has accepted it
     * @param runner   runs one point
     * @return one outcome per point, in the order of {@code points}
     */
    List<PointOutcome> run(String sweep, List<SweepPoint> points, Config settings, PointRunner runner)
            throws InterruptedException;
}

package dev.layerscope.sweep;

import java.io.Serializable;

/**
 * Runs one point of a sweep to its end, in a JVM of its own with the experiment's runtime limits, and says what
 * became of it; it never throws for a failed run (the outcome says why). Serializable, so that an engine can ship it
 * with the points to the JVMs that run them.
 */
@FunctionalInterface
public interface PointRunner extends Serializable {

    PointOutcome run(SweepPoint point);
}

package dev.layerscope.sweep;

import java.io.Serializable;

/**
 * What became of one point of a sweep. Serializable: a Spark task returns it to the driver.
 *
 * @param name      the point's {@link SweepPoint#name}
 * @param exitCode  the run's exit code ({@code dev.layerscope.kernel.Launcher.OK} when it succeeded)
 * @param runFolder the run folder the point wrote, or null when it wrote none (it could not start)
 * @param seconds   wall time of the point, start of its JVM to its end
 * @param failure   why it failed, in a line a user can act on; null when it succeeded
 */
public record PointOutcome(String name, int exitCode, String runFolder, double seconds, String failure)
        implements Serializable {

    public boolean succeeded() {
        return failure == null;
    }
}

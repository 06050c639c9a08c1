package dev.layerscope.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A sweep whose every point has been planned, ready to run.
 *
 * @param file     the sweep file
 * @param read     the sweep file as read
 * @param points   every point, in the sweep's order (experiments, then seeds, then the grid's combinations)
 * @param seedKeys per experiment file, the seed keys the seeds were put on
 * @param runsDir  the runs folder every point shares
 * @param parallel with the local engine, how many points run at once; 0 with another engine
 */
public record SweepPlan(Path file, SweepSettings.Read read, List<PlannedPoint> points,
                        Map<String, List<String>> seedKeys, Path runsDir, int parallel) {

    public SweepPlan {
        points = List.copyOf(points);
        seedKeys = Map.copyOf(seedKeys);
    }

    public SweepSettings settings() {
        return read.settings();
    }

    public List<SweepPoint> sweepPoints() {
        return points.stream().map(PlannedPoint::point).toList();
    }
}

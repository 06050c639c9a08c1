package dev.layerscope.sweep;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A point of a sweep as the sweep planned it: what an engine runs, and what the summary and {@code points.csv}
 * say of it.
 *
 * @param point      what an engine runs
 * @param experiment the experiment's name
 * @param seed       the seed put on every seed key, or empty when the sweep names no seeds
 * @param grid       grid key to this point's value of it, in the grid's order
 * @param runsDir    the runs folder its run goes to (the store it shares with the other points)
 */
public record PlannedPoint(SweepPoint point, String experiment, Optional<Long> seed, Map<String, String> grid,
                           Path runsDir) {

    public PlannedPoint {
        grid = Collections.unmodifiableMap(new LinkedHashMap<>(grid));
    }
}

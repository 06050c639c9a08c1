package dev.layerscope.kernel;

import java.nio.file.Path;
import java.util.List;

/**
 * Where runs go: {@code <dir>/<experiment>/<timestamp>/}, and what they may reuse from {@code <dir>/.store}.
 *
 * @param dir   the runs folder
 * @param force stages that run even when the store holds their output for the same inputs and settings;
 *              {@code all} for every stage
 */
@Settings("runs")
public record RunsSettings(Path dir, List<String> force) {

    public static final String FORCE_ALL = "all";

    public RunsSettings {
        force = List.copyOf(force);
    }
}

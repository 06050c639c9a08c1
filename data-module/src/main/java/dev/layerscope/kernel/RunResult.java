package dev.layerscope.kernel;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a run ended.
 *
 * @param runDir    the run folder
 * @param completed the stages that completed, in order
 * @param failure   the stage that failed and why, if one did
 */
public record RunResult(Path runDir, List<String> completed, Optional<Failure> failure) {

    public boolean succeeded() {
        return failure.isEmpty();
    }

    /** A stage that threw. */
    public record Failure(String stage, Throwable error) {
    }
}

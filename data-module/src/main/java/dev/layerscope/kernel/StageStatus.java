package dev.layerscope.kernel;

import java.util.Locale;

/**
 * A stage's status in {@code run.json}, written in lower case ({@code succeeded}); the run's own status is one of
 * {@link #RUNNING}, {@link #SUCCEEDED} and {@link #FAILED}. A killed run keeps the {@code running} it had.
 */
enum StageStatus {
    /** Not started yet. */
    PENDING,
    RUNNING,
    SUCCEEDED,
    /** Restored from the store: an earlier run computed it with the same code, inputs and settings. */
    REUSED,
    FAILED;

    /** As {@code run.json} writes it. */
    String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}

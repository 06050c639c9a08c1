package dev.layerscope.kernel;

import java.io.IOException;

/**
 * A stage whose folder is enough to hand its artifacts on again. The kernel keeps such a stage's folder in the
 * runs' shared store, keyed by a fingerprint of the stage's class, {@link #version()}, settings and the fingerprints
 * of the artifacts it reads; when a later run meets the same fingerprint it verifies the stored files and calls
 * {@link #restore} instead of {@link #run}, and the run folder links to the stored folder instead of copying it.
 */
public interface ReusableStage extends Stage {

    /**
     * Names the stage's output format and algorithm: change it whenever a code change would make a stored folder
     * wrong for the current code, and every stored folder of the stage is recomputed.
     */
    String version();

    /**
     * Hands on the artifacts {@link #run} wrote, read back from the folder it filled ({@link
     * StageContext#outputDir()}, which must not be changed).
     */
    void restore(StageContext context) throws IOException;
}

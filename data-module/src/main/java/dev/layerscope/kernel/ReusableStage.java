package dev.layerscope.kernel;

import java.io.IOException;

/**
 * A stage whose folder is enough to hand its artifacts on again. The kernel keeps such a stage's folder in the
 * runs' shared store, keyed by a fingerprint of the stage's class, its code ({@link CodeIdentity}: the content of
 * every class folder and jar it reaches, so a code change re-keys it without anyone remembering to), its settings
 * and the fingerprints of the artifacts it reads; when a later run meets the same fingerprint it verifies the stored
 * files and calls {@link #restore} instead of {@link #run}, and the run folder links to the stored folder instead of
 * copying it.
 */
public interface ReusableStage extends Stage {

    /**
     * Hands on the artifacts {@link #run} wrote, read back from the folder it filled ({@link
     * StageContext#outputDir()}, which must not be changed).
     */
    void restore(StageContext context) throws IOException;
}

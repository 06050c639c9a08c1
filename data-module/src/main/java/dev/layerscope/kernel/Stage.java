package dev.layerscope.kernel;

import java.util.Set;

/**
 * One step of an experiment. A stage is created by Guice after the whole experiment has been validated: its
 * constructor receives its settings record (a type annotated with {@link Settings}) and must do no work, because
 * every stage of the pipeline is created before the first one runs.
 *
 * <p>The kernel checks before anything runs that every artifact a stage {@linkplain #reads() reads} is
 * {@linkplain #writes() written} by a stage earlier in the pipeline, and after the stage ran that it wrote all it
 * declared.
 */
public interface Stage {

    /** The artifacts this stage needs from earlier stages. */
    default Set<ArtifactKey<?>> reads() {
        return Set.of();
    }

    /** The artifacts this stage hands to later stages. */
    Set<ArtifactKey<?>> writes();

    /**
     * Checks this stage's settings against what earlier stages produced, as soon as it exists: before the first
     * stage and after each completed one, the runner calls it for every stage still to come. A setting that is
     * impossible for this data (a perplexity too large for the number of points) so fails seconds after the data
     * is loaded, not after an hour of training. Throw {@link InvalidSetting} with the key's full path, or an
     * {@link IllegalArgumentException}, saying what to change.
     */
    default void check(Artifacts available) {
    }

    /**
     * Does the work. Files go into {@link StageContext#outputDir()}, which becomes the run folder's
     * {@code <stage>/} only when this method returns normally.
     */
    void run(StageContext context) throws Exception;
}

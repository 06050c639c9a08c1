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

    /**
     * Artifacts this stage uses when a stage before it in the pipeline writes them, and goes without otherwise
     * ({@link StageContext#find}): the report shows the layer scorecard when the scorecard's stages ran. Unlike
     * {@link #reads()}, the planner does not ask for a stage that writes them; when one does, they count in this
     * stage's fingerprint like the artifacts it reads.
     */
    default Set<ArtifactKey<?>> readsIfWritten() {
        return Set.of();
    }

    /** The artifacts this stage hands to later stages. */
    Set<ArtifactKey<?>> writes();

    /**
     * What this stage can tell at planning, without running, about what it will hand on: the load stage reads the
     * image size and the split sizes from its files' headers and labels; the train stage tells its network's layers
     * from its settings and the image size the data stage previewed. Later stages' {@link #check} sees it, so a
     * setting the data makes impossible is reported with the experiment's other problems, before anything runs.
     * Keep it quick (it runs whenever an experiment is planned) and leave out what cannot be known yet (files still
     * to be downloaded, or what depends on an earlier preview that is missing): the runner checks again with what
     * the stage wrote. Throw {@link InvalidSetting} with the key's full path for a setting of this stage's own that
     * the data makes impossible.
     *
     * @param earlier what the stages before this one previewed
     */
    default Artifacts preview(Artifacts earlier) {
        return Artifacts.none();
    }

    /**
     * Checks this stage's settings against what earlier stages hand on. The planner calls it with the earlier
     * stages' {@linkplain #preview previews}, so that a setting that is impossible for this data (a perplexity too
     * large for the number of points, a convolution kernel larger than the image) is reported before anything runs,
     * with every other problem of the experiment; the runner calls it again before the first stage and after each
     * completed one, for every stage still to come, with the artifacts written so far and what the stages between
     * preview from them. Throw {@link InvalidSetting}
     * with the key's full path ({@link InvalidSettings} for several), or an {@link IllegalArgumentException}, saying
     * what to change.
     */
    default void check(Artifacts available) {
    }

    /**
     * Does the work. Files go into {@link StageContext#outputDir()}, which becomes the run folder's
     * {@code <stage>/} only when this method returns normally.
     */
    void run(StageContext context) throws Exception;
}

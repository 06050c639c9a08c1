package dev.layerscope.kernel;

import java.util.List;

/**
 * A validated experiment, ready to run: its settings bound and its stages created, in pipeline order.
 *
 * @param experiment  the experiment it was made from
 * @param name        the experiment's name
 * @param runs        where its runs go
 * @param runtime     the JVM it runs in
 * @param stages      the stages to run, in order
 * @param environment what the stage modules tell of the environment, asked when the run starts
 */
public record Plan(Experiment experiment, String name, RunsSettings runs, RuntimeSettings runtime,
                   List<PlannedStage> stages, List<EnvironmentFacts> environment) {

    /** A plan whose modules contribute no {@link EnvironmentFacts}. */
    public Plan(Experiment experiment, String name, RunsSettings runs, RuntimeSettings runtime,
                List<PlannedStage> stages) {
        this(experiment, name, runs, runtime, stages, List.of());
    }

    /**
     * One stage of the pipeline.
     *
     * @param name          its pipeline entry (a contributed name or a class name); also its folder's name
     * @param stage         the instance, created with its settings
     * @param settingsPaths the config sections it was given, recorded with its results as provenance
     */
    public record PlannedStage(String name, Stage stage, List<String> settingsPaths) {
    }
}

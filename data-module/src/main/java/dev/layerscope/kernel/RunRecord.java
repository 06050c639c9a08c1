package dev.layerscope.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The run's {@code run.json}: per-stage status, wall time, metrics, and the settings that made them; rewritten
 * whole each time a stage starts or ends.
 */
final class RunRecord {
    private final Path file;
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> stages = new LinkedHashMap<>();

    RunRecord(Path file, Plan plan) {
        this.file = file;
        root.put("experiment", plan.name());
        root.put("experiment-file", plan.experiment().file().toString());
        root.put("overrides", plan.experiment().overrides());
        root.put("started", Instant.now().toString());
        root.put("status", StageStatus.RUNNING.json());
        for (Plan.PlannedStage stage : plan.stages()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", stage.name());
            entry.put("class", stage.stage().getClass().getName());
            entry.put("code", CodeIdentity.of(stage.stage().getClass()));
            entry.put("status", StageStatus.PENDING.json());
            Map<String, Object> settings = new LinkedHashMap<>();
            for (String path : stage.settingsPaths()) {
                settings.put(path, plan.experiment().config().getValue(path).unwrapped());
            }
            entry.put("settings", settings);
            stages.put(stage.name(), entry);
        }
        root.put("stages", new ArrayList<>(stages.values()));
    }

    void stageStarted(String name) throws IOException {
        stages.get(name).put("status", StageStatus.RUNNING.json());
        stages.get(name).put("started", Instant.now().toString());
        write();
    }

    void stageEnded(String name, StageStatus status, long nanos, Map<String, Object> metrics,
                    Optional<String> error) throws IOException {
        Map<String, Object> entry = stages.get(name);
        entry.put("status", status.json());
        entry.put("seconds", nanos / 1e9);
        entry.put("metrics", new LinkedHashMap<>(metrics));
        error.ifPresent(message -> entry.put("error", message));
        write();
    }

    /** Which stage stopped the run, and why: the same reason the log gives. */
    void stopped(String stage, String reason) {
        Map<String, Object> stopped = new LinkedHashMap<>();
        stopped.put("stage", stage);
        stopped.put("reason", reason);
        root.put("stopped", stopped);
    }

    /** Where the run runs ({@link RunEnvironment}). */
    void environment(Map<String, Object> environment) {
        root.put("environment", environment);
    }

    void fingerprint(String name, String fingerprint) {
        stages.get(name).put("fingerprint", fingerprint);
    }

    /** A reused stage: how long restoring took, where from, and the metrics of the run that computed it. */
    void stageReused(String name, long nanos, Path from, String origin, Map<String, Object> metrics)
            throws IOException {
        Map<String, Object> entry = stages.get(name);
        entry.put("status", StageStatus.REUSED.json());
        entry.put("seconds", nanos / 1e9);
        entry.put("metrics", metrics);
        entry.put("reused-from", from.toString());
        entry.put("computed-in", origin);
        write();
    }

    /**
     * A stage's {@link StoredParts}: per part whether it was computed or reused (and from which run), and how many
     * of each ({@code part-counts}).
     */
    void parts(String name, Map<String, Object> provenance, Map<String, Object> counts) throws IOException {
        stages.get(name).put("parts", new LinkedHashMap<>(provenance));
        stages.get(name).put("part-counts", new LinkedHashMap<>(counts));
        write();
    }

    boolean reused(String name) {
        return StageStatus.REUSED.json().equals(stages.get(name).get("status"));
    }

    /** The run's own status: {@link StageStatus#SUCCEEDED} or {@link StageStatus#FAILED}. */
    void finish(StageStatus status, long nanos) throws IOException {
        root.put("status", status.json());
        root.put("finished", Instant.now().toString());
        root.put("seconds", nanos / 1e9);
        write();
    }

    void write() throws IOException {
        root.put("stages", new ArrayList<>(stages.values()));
        Json.write(file, root);
    }
}

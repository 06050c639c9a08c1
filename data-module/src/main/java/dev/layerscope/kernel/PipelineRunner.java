package dev.layerscope.kernel;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Plan} into a new run folder {@code <runs.dir>/<experiment>/<timestamp>/}: the resolved config as
 * {@code experiment.conf}, {@code log.txt}, one folder per completed stage, and {@code run.json}, rewritten
 * atomically as each stage starts and ends. A stage writes into a hidden {@code .<stage>.partial/} folder that is
 * renamed to {@code <stage>/} only when the stage returns (a {@link ReusableStage}'s is moved into the
 * {@link StageStore} and {@code <stage>} links to it), so a failed or killed stage never looks complete.
 */
public final class PipelineRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /**
     * Sections that say where and with what JVM a run happens, never what it computes: left out of fingerprints,
     * so a forced stage or another heap does not make earlier results look different.
     */
    private static final Set<String> RUN_SECTIONS = Set.of("runs", "runtime");

    public RunResult run(Plan plan) throws IOException {
        Path runDir = createRunFolder(plan.runs().dir().resolve(plan.name()).toAbsolutePath().normalize());
        String resolved = plan.experiment().config()
                .withValue("name", ConfigValueFactory.fromAnyRef(plan.name()))
                .root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
        Files.writeString(runDir.resolve("experiment.conf"), "# The fully resolved configuration of this run ("
                + plan.experiment().file() + " with its overrides and defaults).\n# Run it again with"
                + " -Dexperiment=" + runDir.resolve("experiment.conf") + "\n" + resolved);

        RunJson json = new RunJson(runDir.resolve("run.json"), plan);
        StageStore store = new StageStore(plan.runs().dir().toAbsolutePath().normalize());
        Map<ArtifactKey<?>, Object> artifacts = new HashMap<>();
        Map<ArtifactKey<?>, String> fingerprints = new HashMap<>();
        List<String> completed = new ArrayList<>();
        long runStart = System.nanoTime();
        RunLog runLog = RunLog.start(runDir.resolve("log.txt"));
        try {
            LOG.info("Experiment {} ({}): run folder {}", plan.name(), plan.experiment().file(), runDir);
            Map<String, Object> environment = RunEnvironment.gather(plan.runtime().threads(), plan.environment(),
                    System.getenv());
            json.environment(environment);
            LOG.info("Environment: {}", RunEnvironment.summary(environment));
            if (!plan.experiment().overrides().isEmpty()) {
                LOG.info("Overrides: {}", String.join(" ", plan.experiment().overrides()));
            }
            LOG.info("Pipeline: {}", String.join(" -> ", plan.stages().stream().map(Plan.PlannedStage::name).toList()));
            json.write();
            List<Plan.PlannedStage> stages = plan.stages();
            for (int i = 0; i < stages.size(); i++) {
                Optional<RunResult.Failure> rejected = checkLaterStages(stages.subList(i, stages.size()), artifacts);
                if (rejected.isPresent()) {
                    json.stopped(rejected.get().stage(), rejected.get().error().getMessage());
                    json.finish("failed", System.nanoTime() - runStart);
                    LOG.error("Run stopped before stage {} could start: {}; run folder {}", rejected.get().stage(),
                            rejected.get().error().getMessage(), runDir);
                    return new RunResult(runDir, completed, rejected);
                }
                Plan.PlannedStage planned = stages.get(i);
                String codeAndInputs = codeAndInputs(planned, fingerprints);
                String fingerprint = fingerprint(plan, planned, codeAndInputs);
                json.fingerprint(planned.name(), fingerprint);
                boolean forced = plan.runs().force().contains(RunsSettings.FORCE_ALL)
                        || plan.runs().force().contains(planned.name());
                Optional<Throwable> failure = planned.stage() instanceof ReusableStage reusable
                        ? runReusable(plan.name(), planned, reusable, fingerprint, forced, store, runDir, artifacts,
                                json, codeAndInputs)
                        : runStage(plan.name(), planned, runDir, artifacts, json, null, (partial, metrics) ->
                                Files.move(partial, runDir.resolve(planned.name()), StandardCopyOption.ATOMIC_MOVE));
                if (failure.isPresent()) {
                    json.stopped(planned.name(), reason(failure.get()));
                    json.finish("failed", System.nanoTime() - runStart);
                    LOG.error("Run failed in stage {}; run folder {}", planned.name(), runDir);
                    return new RunResult(runDir, completed, Optional.of(
                            new RunResult.Failure(planned.name(), failure.get())));
                }
                for (ArtifactKey<?> key : planned.stage().writes()) {
                    fingerprints.put(key, artifacts.get(key) instanceof Fingerprinted own ? own.fingerprint()
                            : fingerprint);
                }
                completed.add(planned.name());
            }
            json.finish("succeeded", System.nanoTime() - runStart);
            List<String> reused = completed.stream().filter(json::reused).toList();
            List<String> ran = completed.stream().filter(name -> !json.reused(name)).toList();
            LOG.info("Run finished in {}: ran {}; reused {}. Run folder: {}",
                    Progress.seconds(System.nanoTime() - runStart), ran.isEmpty() ? "none" : String.join(", ", ran),
                    reused.isEmpty() ? "none" : String.join(", ", reused), runDir);
        } finally {
            runLog.close();
        }
        return new RunResult(runDir, completed, Optional.empty());
    }

    /**
     * Lets each stage still to come check its settings against the artifacts written so far and what the stages
     * between preview from them (the data's shape once it is loaded, when its files had to be downloaded first).
     */
    private static Optional<RunResult.Failure> checkLaterStages(List<Plan.PlannedStage> later,
                                                                Map<ArtifactKey<?>, Object> artifacts) {
        Map<ArtifactKey<?>, Object> known = new HashMap<>(artifacts);
        for (Plan.PlannedStage stage : later) {
            try {
                stage.stage().check(new Artifacts(Map.copyOf(known)));
                known.putAll(stage.stage().preview(new Artifacts(Map.copyOf(known))).all());
            } catch (IllegalArgumentException e) {
                return Optional.of(new RunResult.Failure(stage.name(), new IllegalArgumentException(reason(e), e)));
            }
        }
        return Optional.empty();
    }

    /** Why a stage stopped the run, as run.json and the log say it: a setting's problem with its key. */
    private static String reason(Throwable e) {
        if (e instanceof InvalidSetting invalid) {
            return invalid.key() + ": " + invalid.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * What a stage's output depends on: its class, its code ({@link CodeIdentity}) and the fingerprints of the
     * artifacts it reads ({@code codeAndInputs}), and the settings it was given.
     */
    private static String fingerprint(Plan plan, Plan.PlannedStage planned, String codeAndInputs) {
        StringBuilder identity = new StringBuilder(codeAndInputs);
        planned.settingsPaths().stream().filter(path -> !RUN_SECTIONS.contains(path)).sorted()
                .forEach(path -> identity.append(path).append('=')
                        .append(plan.experiment().config().getValue(path).render(ConfigRenderOptions.concise()))
                        .append('\n'));
        return Hashes.sha256(identity.toString());
    }

    /** The part of a stage's identity that is not its settings: its code and the fingerprints of what it reads. */
    private static String codeAndInputs(Plan.PlannedStage planned, Map<ArtifactKey<?>, String> fingerprints) {
        StringBuilder identity = new StringBuilder("class=").append(planned.stage().getClass().getName()).append('\n')
                .append("code=").append(CodeIdentity.of(planned.stage().getClass())).append('\n');
        planned.stage().reads().stream().map(key -> key.name() + "=" + fingerprints.get(key)).sorted()
                .forEach(line -> identity.append(line).append('\n'));
        return identity.toString();
    }

    /**
     * Runs a reusable stage through the store: under the lock of its fingerprint, restores it from a verified
     * stored folder, or runs it and moves its finished folder into the store; the run folder links to it.
     */
    private Optional<Throwable> runReusable(String experiment, Plan.PlannedStage planned, ReusableStage stage,
                                            String fingerprint, boolean forced, StageStore store, Path runDir,
                                            Map<ArtifactKey<?>, Object> artifacts, RunJson json,
                                            String codeAndInputs) throws IOException {
        String name = planned.name();
        String what = "[" + name + "]";
        Path folder = store.folder(name, fingerprint);
        try (StageStore.Lock lock = store.lock(folder, what)) {
            Optional<Path> stored = store.find(folder, what);
            if (stored.isPresent() && forced) {
                LOG.info("[{}] runs again as runs.force asks; its stored output {} is replaced", name, stored.get());
                StageStore.delete(stored.get());
                stored = Optional.empty();
            }
            if (stored.isPresent()) {
                long start = System.nanoTime();
                StageContext context = new StageContext(experiment, name, stage, stored.get(), runDir, artifacts,
                        null);
                try {
                    stage.restore(context);
                    missingWrites(planned, artifacts);
                } catch (IOException | RuntimeException e) {
                    LOG.error("[{}] could not be restored from {}: {}", name, stored.get(), e.getMessage());
                    json.stageEnded(name, "failed", System.nanoTime() - start, Map.of(),
                            Optional.of(String.valueOf(e.getMessage())));
                    return Optional.of(e);
                }
                Files.createSymbolicLink(runDir.resolve(name), stored.get());
                String origin = StageStore.origin(stored.get());
                // read as HOCON: a NaN metric is rendered bare, which strict JSON rejects
                json.stageReused(name, System.nanoTime() - start, stored.get(), origin, ConfigFactory.parseFile(
                        stored.get().resolve(StageStore.METRICS).toFile(),
                        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)).root().unwrapped());
                LOG.info("[{}] reused: same inputs and settings as in run {} ({})", name, origin, stored.get());
                return Optional.empty();
            }
            StoredParts parts = new StoredParts(store, name, codeAndInputs, forced, partialFolder(runDir, name), runDir);
            // the finished folder goes straight into the store: killed at any moment, the run leaves either
            // nothing stored or a complete folder with its manifest
            Optional<Throwable> failure = runStage(experiment, planned, runDir, artifacts, json, parts,
                    (partial, metrics) -> {
                        Json.write(partial.resolve(StageStore.METRICS), metrics);
                        if (!parts.fingerprints().isEmpty()) {
                            Files.write(partial.resolve(StageStore.PARTS), parts.fingerprints());
                        }
                        store.put(partial, folder, runDir);
                        Files.createSymbolicLink(runDir.resolve(name), folder);
                    });
            if (failure.isEmpty() && !parts.fingerprints().isEmpty()) {
                json.parts(name, parts.provenance());
            }
            return failure;
        }
    }

    private static void missingWrites(Plan.PlannedStage planned, Map<ArtifactKey<?>, Object> artifacts) {
        List<ArtifactKey<?>> missing = planned.stage().writes().stream()
                .filter(key -> !artifacts.containsKey(key)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("stage " + planned.name() + " declared it writes " + missing
                    + " but did not write it");
        }
    }

    /** Puts a stage's finished folder where it belongs, given the metrics it recorded. */
    @FunctionalInterface
    private interface Finish {
        void accept(Path partial, Map<String, Object> metrics) throws IOException;
    }

    /**
     * Runs a stage into its partial folder and, when it succeeds, hands that folder to {@code finish}; {@code parts}
     * is the store of a reusable stage's parts, or null.
     */
    private Optional<Throwable> runStage(String experiment, Plan.PlannedStage planned, Path runDir,
                                         Map<ArtifactKey<?>, Object> artifacts, RunJson json, StoredParts parts,
                                         Finish finish) throws IOException {
        String name = planned.name();
        Path partial = partialFolder(runDir, name);
        Files.createDirectories(partial);
        StageContext context = new StageContext(experiment, name, planned.stage(), partial, runDir, artifacts, parts);
        json.stageStarted(name);
        LOG.info("[{}] started", name);
        long start = System.nanoTime();
        try {
            planned.stage().run(context);
            missingWrites(planned, artifacts);
            finish.accept(partial, context.metrics());
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            long nanos = System.nanoTime() - start;
            if ((e instanceof RuntimeException || e instanceof Error) && !(e instanceof InvalidSetting)) {
                LOG.error("[{}] failed after {}: {}", name, Progress.seconds(nanos), e, e); // a bug: keep the trace
            } else {
                LOG.error("[{}] failed after {}: {}", name, Progress.seconds(nanos), reason(e));
            }
            json.stageEnded(name, "failed", nanos, context.metrics(), Optional.of(reason(e)));
            return Optional.of(e);
        }
        long nanos = System.nanoTime() - start;
        json.stageEnded(name, "succeeded", nanos, context.metrics(), Optional.empty());
        LOG.info("[{}] done in {}", name, Progress.seconds(nanos));
        return Optional.empty();
    }

    /** Where a stage writes until it completes: hidden, and renamed to {@code <stage>/} only then. */
    private static Path partialFolder(Path runDir, String stage) {
        return runDir.resolve("." + stage + ".partial");
    }

    private static Path createRunFolder(Path experimentDir) throws IOException {
        Files.createDirectories(experimentDir);
        String stamp = LocalDateTime.now().format(FOLDER_TIME);
        for (int attempt = 1; ; attempt++) {
            Path candidate = experimentDir.resolve(attempt == 1 ? stamp : stamp + "-" + attempt);
            try {
                return Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException taken) {
                // another run started in the same second; take the next suffix
            }
        }
    }

    /** The run's {@code run.json}: per-stage status, wall time, metrics, and the settings that made them. */
    private static final class RunJson {
        private final Path file;
        private final Map<String, Object> root = new LinkedHashMap<>();
        private final Map<String, Map<String, Object>> stages = new LinkedHashMap<>();

        RunJson(Path file, Plan plan) {
            this.file = file;
            root.put("experiment", plan.name());
            root.put("experiment-file", plan.experiment().file().toString());
            root.put("overrides", plan.experiment().overrides());
            root.put("started", Instant.now().toString());
            root.put("status", "running");
            for (Plan.PlannedStage stage : plan.stages()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", stage.name());
                entry.put("class", stage.stage().getClass().getName());
                entry.put("code", CodeIdentity.of(stage.stage().getClass()));
                entry.put("status", "pending");
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
            stages.get(name).put("status", "running");
            stages.get(name).put("started", Instant.now().toString());
            write();
        }

        void stageEnded(String name, String status, long nanos, Map<String, Object> metrics, Optional<String> error)
                throws IOException {
            Map<String, Object> entry = stages.get(name);
            entry.put("status", status);
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
            entry.put("status", "reused");
            entry.put("seconds", nanos / 1e9);
            entry.put("metrics", metrics);
            entry.put("reused-from", from.toString());
            entry.put("computed-in", origin);
            write();
        }

        void parts(String name, Map<String, Object> provenance) throws IOException {
            stages.get(name).put("parts", new LinkedHashMap<>(provenance));
            write();
        }

        boolean reused(String name) {
            return "reused".equals(stages.get(name).get("status"));
        }

        void finish(String status, long nanos) throws IOException {
            root.put("status", status);
            root.put("finished", Instant.now().toString());
            root.put("seconds", nanos / 1e9);
            write();
        }

        void write() throws IOException {
            root.put("stages", new ArrayList<>(stages.values()));
            Json.write(file, root);
        }
    }
}

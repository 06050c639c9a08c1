package dev.layerscope.kernel;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Plan} into a new run folder {@code <runs.dir>/<experiment>/<timestamp>/}: the resolved config as
 * {@code experiment.conf}, {@code log.txt}, one folder per completed stage, and {@code run.json}, rewritten
 * atomically as each stage starts and ends. A stage writes into a hidden {@code .<stage>.partial/} folder that is
 * renamed to {@code <stage>/} only when the stage returns (a {@link ReusableStage}'s is moved into the
 * {@link StageStore} and {@code <stage>} links to it), so a failed or killed stage never looks complete. The
 * runner orchestrates: {@link Fingerprints} says what each stage's output depends on, {@link StorePolicy} restores
 * or stores a reusable stage, and {@link RunRecord} writes {@code run.json}.
 */
public final class PipelineRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Optional<Path> runFolderFile;

    public PipelineRunner() {
        this(Optional.empty());
    }

    /**
     * @param runFolderFile a file to write the run folder's absolute path to as soon as the folder exists, for the
     *                      process that started this run (see {@link Launcher#RUN_FOLDER_FILE_PROPERTY})
     */
    public PipelineRunner(Optional<Path> runFolderFile) {
        this.runFolderFile = runFolderFile;
    }

    public RunResult run(Plan plan) throws IOException {
        Path runDir = createRunFolder(plan.runs().dir().resolve(plan.name()).toAbsolutePath().normalize());
        if (runFolderFile.isPresent()) {
            writeRunFolder(runFolderFile.get(), runDir);
        }
        String resolved = plan.experiment().config()
                .withValue("name", ConfigValueFactory.fromAnyRef(plan.name()))
                .root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
        Files.writeString(runDir.resolve("experiment.conf"), "# The fully resolved configuration of this run ("
                + plan.experiment().file() + " with its overrides and defaults).\n# Run it again with"
                + " -Dexperiment=" + runDir.resolve("experiment.conf") + "\n" + resolved);

        RunRecord record = new RunRecord(runDir.resolve("run.json"), plan);
        StorePolicy store = new StorePolicy(plan.runs());
        Map<ArtifactKey<?>, Object> artifacts = new HashMap<>();
        Fingerprints fingerprints = new Fingerprints(plan);
        List<String> completed = new ArrayList<>();
        long runStart = System.nanoTime();
        RunLog runLog = RunLog.start(runDir.resolve("log.txt"));
        try {
            LOG.info("Experiment {} ({}): run folder {}", plan.name(), plan.experiment().file(), runDir);
            Map<String, Object> environment = RunEnvironment.gather(plan.runtime().threads(), plan.environment(),
                    System.getenv());
            record.environment(environment);
            LOG.info("Environment: {}", RunEnvironment.summary(environment));
            if (!plan.experiment().overrides().isEmpty()) {
                LOG.info("Overrides: {}", String.join(" ", plan.experiment().overrides()));
            }
            LOG.info("Pipeline: {}", String.join(" -> ", plan.stages().stream().map(Plan.PlannedStage::name).toList()));
            record.write();
            List<Plan.PlannedStage> stages = plan.stages();
            for (int i = 0; i < stages.size(); i++) {
                Optional<RunResult.Failure> rejected = checkLaterStages(stages.subList(i, stages.size()), artifacts);
                if (rejected.isPresent()) {
                    record.stopped(rejected.get().stage(), rejected.get().error().getMessage());
                    record.finish(StageStatus.FAILED, System.nanoTime() - runStart);
                    LOG.error("Run stopped before stage {} could start: {}; run folder {}", rejected.get().stage(),
                            rejected.get().error().getMessage(), runDir);
                    return new RunResult(runDir, completed, rejected);
                }
                Plan.PlannedStage planned = stages.get(i);
                Fingerprints.Inputs inputs = fingerprints.inputs(planned);
                String fingerprint = fingerprints.of(planned, inputs);
                record.fingerprint(planned.name(), fingerprint);
                Optional<Throwable> failure = planned.stage() instanceof ReusableStage reusable
                        ? store.run(plan.name(), planned, reusable, fingerprint, runDir, artifacts, record,
                                inputs, (parts, finish) -> runStage(plan.name(), planned, runDir, artifacts,
                                        inputs, record, parts, finish))
                        : runStage(plan.name(), planned, runDir, artifacts, inputs, record, null, (partial, metrics) ->
                                Files.move(partial, runDir.resolve(planned.name()), StandardCopyOption.ATOMIC_MOVE));
                if (failure.isPresent()) {
                    record.stopped(planned.name(), reason(failure.get()));
                    record.finish(StageStatus.FAILED, System.nanoTime() - runStart);
                    LOG.error("Run failed in stage {}; run folder {}", planned.name(), runDir);
                    return new RunResult(runDir, completed, Optional.of(
                            new RunResult.Failure(planned.name(), failure.get())));
                }
                fingerprints.written(planned, fingerprint, artifacts);
                completed.add(planned.name());
            }
            record.finish(StageStatus.SUCCEEDED, System.nanoTime() - runStart);
            List<String> reused = completed.stream().filter(record::reused).toList();
            List<String> ran = completed.stream().filter(name -> !record.reused(name)).toList();
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

    /** Throws when a stage, run or restored, did not write every artifact it declared. */
    static void missingWrites(Plan.PlannedStage planned, Map<ArtifactKey<?>, Object> artifacts) {
        List<ArtifactKey<?>> missing = planned.stage().writes().stream()
                .filter(key -> !artifacts.containsKey(key)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("stage " + planned.name() + " declared it writes " + missing
                    + " but did not write it");
        }
    }

    /** Puts a stage's finished folder where it belongs, given the metrics it recorded. */
    @FunctionalInterface
    interface Finish {
        void accept(Path partial, Map<String, Object> metrics) throws IOException;
    }

    /**
     * Runs a stage into its partial folder and, when it succeeds, hands that folder to {@code finish}; {@code parts}
     * is the store of a reusable stage's parts, or null.
     */
    private Optional<Throwable> runStage(String experiment, Plan.PlannedStage planned, Path runDir,
                                         Map<ArtifactKey<?>, Object> artifacts, Fingerprints.Inputs inputs,
                                         RunRecord record, StoredParts parts, Finish finish) throws IOException {
        String name = planned.name();
        Path partial = partialFolder(runDir, name);
        Files.createDirectories(partial);
        StageContext context = new StageContext(experiment, name, planned.stage(), partial, runDir, artifacts,
                inputs.reads(), parts);
        record.stageStarted(name);
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
            record.stageEnded(name, StageStatus.FAILED, nanos, context.metrics(), Optional.of(reason(e)));
            return Optional.of(e);
        }
        long nanos = System.nanoTime() - start;
        record.stageEnded(name, StageStatus.SUCCEEDED, nanos, context.metrics(), Optional.empty());
        LOG.info("[{}] done in {}", name, Progress.seconds(nanos));
        return Optional.empty();
    }

    /** Writes {@code runDir} to {@code file} whole or not at all: the reader never sees half a path. */
    private static void writeRunFolder(Path file, Path runDir) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        Files.writeString(partial, runDir.toString());
        Files.move(partial, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Where a stage writes until it completes: hidden, and renamed to {@code <stage>/} only then. */
    static Path partialFolder(Path runDir, String stage) {
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
}

package dev.layerscope.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running stage sees of its run: the experiment's name, the artifacts of earlier stages, a folder of its own
 * for files (and where it is published), its own folders of earlier runs, a place for the metrics that go into
 * {@code run.json}, and progress logging. A stage learns about other stages only through the artifacts they write.
 */
public final class StageContext {

    private final String experimentName;
    private final String stageName;
    private final Stage stage;
    private final Path outputDir;
    private final Path runDir;
    private final Map<ArtifactKey<?>, Object> artifacts;
    private final Map<String, String> readFingerprints;
    private final StoredParts parts;
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final Logger log;

    StageContext(String experimentName, String stageName, Stage stage, Path outputDir, Path runDir,
                 Map<ArtifactKey<?>, Object> artifacts, Map<String, String> readFingerprints, StoredParts parts) {
        this.experimentName = experimentName;
        this.stageName = stageName;
        this.stage = stage;
        this.outputDir = outputDir;
        this.runDir = runDir;
        this.artifacts = artifacts;
        this.readFingerprints = readFingerprints;
        this.parts = parts;
        this.log = LoggerFactory.getLogger(stage.getClass());
    }

    /** The experiment's name: its {@code name} setting, by default its file's name. */
    public String experimentName() {
        return experimentName;
    }

    /** The stage's name in the pipeline. */
    public String stageName() {
        return stageName;
    }

    /**
     * The folder this stage writes its files into. It is a temporary folder that becomes {@code <run>/<stage>/}
     * only when the stage completes, so a failed or killed stage never leaves a folder that looks finished.
     */
    public Path outputDir() {
        return outputDir;
    }

    /**
     * The run folder, {@code <runs.dir>/<experiment>/<run>/}: its name names the run. What earlier stages wrote
     * comes as artifacts, not from their files.
     */
    public Path runDir() {
        return runDir;
    }

    /**
     * Where this stage's files are once it completes, {@code <run>/<stage>/}: the path to hand on in an artifact
     * or to name in the log, where {@link #outputDir()} is only the folder it is filled in.
     */
    public Path publishedDir() {
        return runDir.resolve(stageName);
    }

    /**
     * This stage's published folders in the earlier runs of the experiment that completed it, newest first, each
     * with its run's name: what a stage compares its results with. Only this stage's own: the same pipeline name.
     */
    public List<EarlierOutput> earlierOutputs() throws IOException {
        try (Stream<Path> runs = Files.list(runDir.getParent())) {
            // run folders are named by their start time, so names sort in time order
            return runs.filter(run -> !run.equals(runDir) && !run.getFileName().toString().startsWith("."))
                    .filter(run -> Files.isDirectory(run.resolve(stageName)))
                    .sorted(Comparator.comparing((Path run) -> run.getFileName().toString()).reversed())
                    .map(run -> new EarlierOutput(run.getFileName().toString(), run.resolve(stageName)))
                    .toList();
        }
    }

    /**
     * A stage's folder in an earlier run.
     *
     * @param run the run's name (its folder's)
     * @param dir the stage's folder in it
     */
    public record EarlierOutput(String run, Path dir) {
    }

    /** An artifact an earlier stage wrote; the stage must have declared it in {@link Stage#reads()}. */
    public <T> T read(ArtifactKey<T> key) {
        if (!stage.reads().contains(key)) {
            throw new IllegalStateException("stage " + stageName + " reads " + key + " without declaring it in reads()");
        }
        Object value = artifacts.get(key);
        if (value == null) {
            throw new IllegalStateException("no stage before " + stageName + " wrote " + key);
        }
        return key.type().cast(value);
    }

    /**
     * An artifact an earlier stage wrote, or empty when no stage before this one in the pipeline writes it; the
     * stage must have declared it in {@link Stage#readsIfWritten()} (or {@link Stage#reads()}).
     */
    public <T> Optional<T> find(ArtifactKey<T> key) {
        if (!stage.readsIfWritten().contains(key) && !stage.reads().contains(key)) {
            throw new IllegalStateException("stage " + stageName + " looks for " + key + " without declaring it in "
                    + "readsIfWritten()");
        }
        return Optional.ofNullable(artifacts.get(key)).map(key.type()::cast);
    }

    /**
     * The fingerprint of an artifact this stage reads, as it is in this stage's own: what made the artifact (its
     * {@linkplain Fingerprinted own fingerprint}, or that of the stage that wrote it). For an artifact that says
     * what each of its pieces depends on (a captured layer, say), so that {@link StoredParts#include(String, String,
     * java.util.List, StoredParts.Writer) a part} made of a piece is keyed by the piece alone.
     */
    public String fingerprint(ArtifactKey<?> key) {
        String fingerprint = readFingerprints.get(key.name());
        if (fingerprint == null) {
            throw new IllegalStateException("stage " + stageName + " asks for the fingerprint of " + key
                    + ", which it does not read (reads(), or readsIfWritten() written by an earlier stage)");
        }
        return fingerprint;
    }

    /** Hands an artifact to later stages; the stage must have declared it in {@link Stage#writes()}. */
    public <T> void write(ArtifactKey<T> key, T value) {
        if (!stage.writes().contains(key)) {
            throw new IllegalStateException("stage " + stageName + " writes " + key + " without declaring it in writes()");
        }
        artifacts.put(key, key.type().cast(Objects.requireNonNull(value, key.name())));
    }

    /** The store of this stage's parts; only a running {@link ReusableStage} has one. */
    public StoredParts parts() {
        if (parts == null) {
            throw new IllegalStateException("stage " + stageName + " stores parts but is not a running "
                    + ReusableStage.class.getSimpleName());
        }
        return parts;
    }

    /** Records a result for {@code run.json}: a number, string, boolean, or a list or map of those. */
    public void metric(String name, Object value) {
        metrics.put(name, value);
    }

    Map<String, Object> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    /** Starts a progress report for a task of {@code total} units, logged under the stage's logger. */
    public Progress progress(String task, long total) {
        return new Progress(log, task, total, System::nanoTime, Progress.DEFAULT_INTERVAL_NANOS);
    }
}

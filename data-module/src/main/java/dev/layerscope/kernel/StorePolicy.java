package dev.layerscope.kernel;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a {@link ReusableStage} is restored from the {@link StageStore} and when it runs again: under the lock of
 * its fingerprint, a verified stored folder is restored unless {@code runs.force} names the stage; otherwise the
 * stage runs and its finished folder moves into the store (beside a forced stage's earlier folder, not over it).
 * Either way the run folder links to the stored folder.
 */
final class StorePolicy {

    /** Logged as the runner's own lines, as they always were. */
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

    private final StageStore store;
    private final RunsSettings runs;

    StorePolicy(RunsSettings runs) {
        this.store = new StageStore(runs.dir().toAbsolutePath().normalize());
        this.runs = runs;
    }

    /** Runs a stage, with the store of its parts, into its partial folder and hands that to {@code finish}. */
    @FunctionalInterface
    interface StageRun {
        Optional<Throwable> run(StoredParts parts, PipelineRunner.Finish finish) throws IOException;
    }

    /** Whether {@code runs.force} asks the stage to run again. */
    boolean forced(String stage) {
        return runs.force().contains(RunsSettings.FORCE_ALL) || runs.force().contains(stage);
    }

    /**
     * Restores the stage from the store or runs it ({@code run}) and stores its output; the failure, if any.
     *
     * @param inputs the stage's code and what it reads, the identity of its parts besides their own
     *               ({@link StoredParts})
     */
    Optional<Throwable> run(String experiment, Plan.PlannedStage planned, ReusableStage stage, String fingerprint,
                            Path runDir, Map<ArtifactKey<?>, Object> artifacts, RunRecord record,
                            Fingerprints.Inputs inputs, StageRun run) throws IOException {
        String name = planned.name();
        String what = "[" + name + "]";
        boolean forced = forced(name);
        Path folder = store.folder(name, fingerprint);
        try (StageStore.Lock lock = store.lock(folder, what)) {
            Optional<Path> stored = store.find(folder, what);
            if (stored.isPresent() && forced) {
                if (store.unreferenced().contains(stored.get())) {
                    StageStore.delete(stored.get());
                    LOG.info("[{}] runs again as runs.force asks; its stored output {}, which no run links to, is "
                            + "removed", name, stored.get());
                } else {
                    LOG.info("[{}] runs again as runs.force asks; its stored output {} stays for the runs that link "
                            + "to it, and later runs reuse this run's", name, stored.get());
                }
                stored = Optional.empty();
            }
            if (stored.isPresent()) {
                long start = System.nanoTime();
                StageContext context = new StageContext(experiment, name, stage, stored.get(), runDir, artifacts,
                        inputs.reads(), null);
                try {
                    stage.restore(context);
                    PipelineRunner.missingWrites(planned, artifacts);
                } catch (IOException | RuntimeException e) {
                    LOG.error("[{}] could not be restored from {}: {}", name, stored.get(), e.getMessage());
                    record.stageEnded(name, StageStatus.FAILED, System.nanoTime() - start, Map.of(),
                            Optional.of(String.valueOf(e.getMessage())));
                    return Optional.of(e);
                }
                Files.createSymbolicLink(runDir.resolve(name), stored.get());
                String origin = StageStore.origin(stored.get());
                // read as HOCON: a NaN metric is rendered bare, which strict JSON rejects
                record.stageReused(name, System.nanoTime() - start, stored.get(), origin, ConfigFactory.parseFile(
                        stored.get().resolve(StageStore.METRICS).toFile(),
                        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)).root().unwrapped());
                LOG.info("[{}] reused: same inputs and settings as in run {} ({})", name, origin, stored.get());
                return Optional.empty();
            }
            // beside, not over, any earlier output of the fingerprint: the runs that link to it keep what they had
            Path target = StageStore.nextGeneration(folder);
            StoredParts parts = new StoredParts(store, name, inputs.code(), inputs.readLines(), forced,
                    PipelineRunner.partialFolder(runDir, name), runDir);
            // the finished folder goes straight into the store: killed at any moment, the run leaves either
            // nothing stored or a complete folder with its manifest
            Optional<Throwable> failure = run.run(parts, (partial, metrics) -> {
                Json.write(partial.resolve(StageStore.METRICS), metrics);
                if (!parts.fingerprints().isEmpty()) {
                    Files.write(partial.resolve(StageStore.PARTS), parts.fingerprints());
                }
                store.put(partial, target, runDir);
                Files.createSymbolicLink(runDir.resolve(name), target);
            });
            if (failure.isEmpty() && !parts.fingerprints().isEmpty()) {
                record.parts(name, parts.provenance(), parts.counts());
                LOG.info("[{}] parts: {} computed, {} reused", name, parts.counts().get("computed"),
                        parts.counts().get("reused"));
            }
            return failure;
        }
    }
}

package dev.layerscope.kernel;

import com.typesafe.config.ConfigRenderOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fingerprints of a run: what each stage's output depends on, and the fingerprint of every artifact written so
 * far, which the stages that read it take into theirs.
 */
final class Fingerprints {

    /**
     * Sections that say where and with what JVM a run happens, never what it computes: left out of fingerprints,
     * so a forced stage or another heap does not make earlier results look different.
     */
    private static final Set<String> RUN_SECTIONS = Set.of("runs", "runtime");

    private final Plan plan;
    private final Map<ArtifactKey<?>, String> ofArtifacts = new HashMap<>();

    Fingerprints(Plan plan) {
        this.plan = plan;
    }

    /**
     * The part of a stage's identity that is not its settings: its code and the fingerprints of what it reads
     * ({@link Stage#reads()}, and those of {@link Stage#readsIfWritten()} that an earlier stage wrote).
     */
    String codeAndInputs(Plan.PlannedStage planned) {
        StringBuilder identity = new StringBuilder("class=").append(planned.stage().getClass().getName()).append('\n')
                .append("code=").append(CodeIdentity.of(planned.stage().getClass())).append('\n');
        planned.stage().reads().stream().map(key -> key.name() + "=" + ofArtifacts.get(key)).sorted()
                .forEach(line -> identity.append(line).append('\n'));
        // only those an earlier stage wrote: a stage that goes without them keeps the identity it had before
        planned.stage().readsIfWritten().stream().filter(ofArtifacts::containsKey)
                .map(key -> key.name() + "=" + ofArtifacts.get(key)).sorted()
                .forEach(line -> identity.append(line).append('\n'));
        return identity.toString();
    }

    /**
     * What a stage's output depends on: its class, its code ({@link CodeIdentity}) and the fingerprints of the
     * artifacts it reads ({@code codeAndInputs}), and the settings it was given.
     */
    String of(Plan.PlannedStage planned, String codeAndInputs) {
        StringBuilder identity = new StringBuilder(codeAndInputs);
        planned.settingsPaths().stream().filter(path -> !RUN_SECTIONS.contains(path)).sorted()
                .forEach(path -> identity.append(path).append('=')
                        .append(plan.experiment().config().getValue(path).render(ConfigRenderOptions.concise()))
                        .append('\n'));
        return Hashes.sha256(identity.toString());
    }

    /**
     * Records the fingerprints of what a completed stage wrote: an artifact's {@linkplain Fingerprinted own}, or
     * the stage's.
     */
    void written(Plan.PlannedStage planned, String fingerprint, Map<ArtifactKey<?>, Object> artifacts) {
        for (ArtifactKey<?> key : planned.stage().writes()) {
            ofArtifacts.put(key, artifacts.get(key) instanceof Fingerprinted own ? own.fingerprint() : fingerprint);
        }
    }
}

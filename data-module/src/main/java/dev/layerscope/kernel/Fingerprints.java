package dev.layerscope.kernel;

import com.typesafe.config.ConfigRenderOptions;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

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
     * The part of a stage's identity that is not its settings: its class and code, and the fingerprints of what it
     * reads. A {@link StoredParts part} keeps the code and may replace the reads by what it depends on itself.
     *
     * @param code  {@code class=...} and {@code code=...} ({@link CodeIdentity}), a line each
     * @param reads the fingerprint of each artifact the stage reads, by the artifact's name, in name order
     */
    record Inputs(String code, Map<String, String> reads) {

        Inputs {
            reads = Collections.unmodifiableMap(new LinkedHashMap<>(reads));
        }

        /** The reads as lines, {@code dataset=<fingerprint>}, in name order. */
        String readLines() {
            StringBuilder lines = new StringBuilder();
            reads.forEach((name, fingerprint) -> lines.append(name).append('=').append(fingerprint).append('\n'));
            return lines.toString();
        }
    }

    /**
     * A stage's class, code and the fingerprints of what it reads ({@link Stage#reads()}, and those of
     * {@link Stage#readsIfWritten()} that an earlier stage wrote: a stage that goes without them keeps the identity
     * it had before).
     */
    Inputs inputs(Plan.PlannedStage planned) {
        String code = "class=" + planned.stage().getClass().getName() + "\n"
                + "code=" + CodeIdentity.of(planned.stage().getClass()) + "\n";
        Map<String, String> reads = new LinkedHashMap<>();
        Stream.concat(planned.stage().reads().stream(),
                        planned.stage().readsIfWritten().stream().filter(ofArtifacts::containsKey))
                .sorted(Comparator.comparing(ArtifactKey::name))
                .forEach(key -> reads.put(key.name(), ofArtifacts.get(key)));
        return new Inputs(code, reads);
    }

    /**
     * What a stage's output depends on: its class, its code ({@link CodeIdentity}), the fingerprints of the
     * artifacts it reads ({@code inputs}), and the settings it was given.
     */
    String of(Plan.PlannedStage planned, Inputs inputs) {
        StringBuilder identity = new StringBuilder(inputs.code()).append(inputs.readLines());
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

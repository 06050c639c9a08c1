package dev.layerscope.kernel;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The artifacts a stage's {@link Stage#check} sees: at planning, what the earlier stages could {@linkplain
 * Stage#preview tell before running}; in a run, what the earlier stages have written.
 */
public final class Artifacts {

    private static final Artifacts NONE = new Artifacts(Map.of());

    private final Map<ArtifactKey<?>, Object> written;

    Artifacts(Map<ArtifactKey<?>, Object> written) {
        this.written = written;
    }

    /** No artifacts: what a stage that cannot tell anything before it runs previews. */
    public static Artifacts none() {
        return NONE;
    }

    /** One artifact, as a stage previews it. */
    public static <T> Artifacts of(ArtifactKey<T> key, T value) {
        return new Artifacts(Map.of(key, key.type().cast(Objects.requireNonNull(value, key.name()))));
    }

    /** These artifacts and one more: what a stage that previews several hands on. */
    public <T> Artifacts and(ArtifactKey<T> key, T value) {
        Map<ArtifactKey<?>, Object> more = new HashMap<>(written);
        more.put(key, key.type().cast(Objects.requireNonNull(value, key.name())));
        return new Artifacts(Map.copyOf(more));
    }

    /** The artifact, if a stage has written it yet (or, at planning, previewed it). */
    public <T> Optional<T> find(ArtifactKey<T> key) {
        return Optional.ofNullable(written.get(key)).map(key.type()::cast);
    }

    Map<ArtifactKey<?>, Object> all() {
        return written;
    }
}

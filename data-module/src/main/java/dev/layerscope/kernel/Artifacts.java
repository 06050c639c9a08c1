package dev.layerscope.kernel;

import java.util.Map;
import java.util.Optional;

/** The artifacts written so far in a run, as a stage's {@link Stage#check} sees them. */
public final class Artifacts {

    private final Map<ArtifactKey<?>, Object> written;

    Artifacts(Map<ArtifactKey<?>, Object> written) {
        this.written = written;
    }

    /** The artifact, if a stage has written it yet. */
    public <T> Optional<T> find(ArtifactKey<T> key) {
        return Optional.ofNullable(written.get(key)).map(key.type()::cast);
    }
}

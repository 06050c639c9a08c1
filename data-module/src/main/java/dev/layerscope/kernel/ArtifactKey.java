package dev.layerscope.kernel;

import java.util.Objects;

/**
 * The typed name of something one stage hands to later ones (a dataset, a trained model, embeddings).
 * Keys are compared by name and type; declare each one once, beside the type it carries.
 */
public record ArtifactKey<T>(String name, Class<T> type) {

    public ArtifactKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an artifact key needs a name");
        }
    }

    public static <T> ArtifactKey<T> of(String name, Class<T> type) {
        return new ArtifactKey<>(name, type);
    }

    @Override
    public String toString() {
        return name + " (" + type.getSimpleName() + ")";
    }
}

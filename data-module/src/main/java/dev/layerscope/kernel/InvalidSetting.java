package dev.layerscope.kernel;

/**
 * Thrown by a settings record's constructor when one of its keys breaks a rule that annotations cannot state (an
 * impossible layer stack, say), so that the problem points at that key's file and line instead of the section's.
 * A stage's constructor throws it too, with the key's full path, when it checks settings of two sections against
 * each other (a captured layer the model does not have).
 */
public final class InvalidSetting extends IllegalArgumentException {

    private final String key;

    /**
     * @param key     the record's key that is wrong, as written in the experiment (e.g. {@code layers}); from a
     *                stage's constructor, its full path (e.g. {@code capture.layers})
     * @param message what is wrong and what would be right
     */
    public InvalidSetting(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }

    /**
     * The same problem with its key under {@code path}: a record's {@code perplexity} under {@code reduce.tsne}
     * where a stage checks the record against its data and reports the full path.
     */
    public InvalidSetting under(String path) {
        return new InvalidSetting(path + "." + key, getMessage());
    }
}

package dev.layerscope.kernel;

/**
 * Thrown by a settings record's constructor when one of its keys breaks a rule that annotations cannot state (an
 * impossible layer stack, say), so that the problem points at that key's file and line instead of the section's.
 */
public final class InvalidSetting extends IllegalArgumentException {

    private final String key;

    /**
     * @param key     the record's key that is wrong, as written in the experiment (e.g. {@code layers})
     * @param message what is wrong and what would be right
     */
    public InvalidSetting(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}

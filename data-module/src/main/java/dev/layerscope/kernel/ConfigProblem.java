package dev.layerscope.kernel;

import com.typesafe.config.ConfigOrigin;

/**
 * One thing wrong with an experiment: where it is (file and line, or the command line), the key path, and what is
 * wrong and allowed.
 */
public record ConfigProblem(String where, String path, String message) {

    /** The file and line a value came from, as a person would look it up. */
    public static String describe(ConfigOrigin origin) {
        if (origin == null) {
            return "(unknown origin)";
        }
        if (origin.filename() != null) {
            return origin.lineNumber() > 0 ? origin.filename() + ":" + origin.lineNumber() : origin.filename();
        }
        if (origin.resource() != null) {
            return origin.lineNumber() > 0 ? origin.resource() + ":" + origin.lineNumber() : origin.resource();
        }
        return origin.description();
    }

    @Override
    public String toString() {
        return where + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}

package dev.layerscope.kernel;

import com.typesafe.config.ConfigOrigin;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing wrong with an experiment: where it is (file and line, or the command line), the key path, and what is
 * wrong and allowed.
 */
public record ConfigProblem(String where, String path, String message) {

    /** By file, then by line as a number (line 9 before line 10), as a person reads the file. */
    public static final Comparator<ConfigProblem> IN_FILE_ORDER = Comparator
            .comparing((ConfigProblem p) -> p.file()).thenComparingInt(ConfigProblem::line);

    private static final Pattern FILE_AND_LINE = Pattern.compile("(.*):(\\d+)");

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
        // a value from the command line or the environment is one line: "-Dpipeline", not "-Dpipeline: 1"
        String description = origin.description();
        boolean override = description.startsWith(ExperimentLoader.COMMAND_LINE)
                || description.startsWith(ExperimentLoader.ENVIRONMENT);
        return override && description.endsWith(": 1") ? description.substring(0, description.length() - 3)
                : description;
    }

    /** The file (or the command line's {@code -Dkey}) of {@link #where}, without its line. */
    private String file() {
        Matcher matcher = FILE_AND_LINE.matcher(where);
        return matcher.matches() ? matcher.group(1) : where;
    }

    /** The line of {@link #where}, or 0 when it has none. */
    private int line() {
        Matcher matcher = FILE_AND_LINE.matcher(where);
        return matcher.matches() ? Integer.parseInt(matcher.group(2)) : 0;
    }

    @Override
    public String toString() {
        return where + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}

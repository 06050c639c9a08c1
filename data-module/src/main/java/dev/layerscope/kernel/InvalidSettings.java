package dev.layerscope.kernel;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Several settings one check found wrong at once (a perplexity and a UMAP neighbour count both too large for the
 * data), each with its key, so that the planner reports every one of them and not only the first.
 */
public final class InvalidSettings extends IllegalArgumentException {

    private final transient List<InvalidSetting> problems;

    private InvalidSettings(List<InvalidSetting> problems) {
        super(problems.stream().map(p -> p.key() + ": " + p.getMessage()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<InvalidSetting> problems() {
        return problems;
    }

    /** Throws nothing for no problems, the problem itself for one, and all of them together for more. */
    public static void throwIfAny(List<InvalidSetting> problems) {
        if (problems.size() == 1) {
            throw problems.get(0);
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettings(problems);
        }
    }
}

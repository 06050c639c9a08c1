package dev.layerscope.kernel;

import java.util.List;
import java.util.stream.Collectors;

/** The experiment cannot run as written; carries every problem found, not just the first. */
public class ExperimentException extends RuntimeException {

    private final transient List<ConfigProblem> problems;

    public ExperimentException(String experiment, List<ConfigProblem> problems) {
        super(render(experiment, problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(String experiment, List<ConfigProblem> problems) {
        String heading = problems.size() == 1
                ? "The experiment " + experiment + " has 1 problem; nothing was run:"
                : "The experiment " + experiment + " has " + problems.size() + " problems; nothing was run:";
        return problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n", heading + "\n", ""));
    }
}

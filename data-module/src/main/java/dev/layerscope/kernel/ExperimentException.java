package dev.layerscope.kernel;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The experiment cannot run as written; carries every problem found, not just the first, in the order of the files
 * and lines they are at.
 */
public class ExperimentException extends RuntimeException {

    private final transient List<ConfigProblem> problems;

    public ExperimentException(String experiment, List<ConfigProblem> problems) {
        super(render(experiment, inFileOrder(problems)));
        this.problems = inFileOrder(problems);
    }

    private static List<ConfigProblem> inFileOrder(List<ConfigProblem> problems) {
        return problems.stream().sorted(ConfigProblem.IN_FILE_ORDER).toList();
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(String experiment, List<ConfigProblem> problems) {
        String heading = "The experiment " + experiment + " has " + Numbers.count(problems.size(), "problem")
                + "; nothing was run:";
        return problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n", heading + "\n", ""));
    }
}

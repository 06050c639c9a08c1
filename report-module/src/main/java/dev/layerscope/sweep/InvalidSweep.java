package dev.layerscope.sweep;

import java.util.List;
import java.util.stream.Collectors;

/** The sweep cannot run as written: every problem of the sweep file and of every point, found before any ran. */
public final class InvalidSweep extends RuntimeException {

    private final transient List<String> problems;

    public InvalidSweep(String sweep, List<String> problems) {
        super(problems.stream().map(p -> "  - " + p.replace("\n", "\n    ")).collect(Collectors.joining("\n",
                "The sweep " + sweep + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                        + "; nothing was run:\n", "")));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

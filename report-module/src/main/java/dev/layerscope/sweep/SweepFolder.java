package dev.layerscope.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Csv;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A sweep's folder, {@code <runs.dir>/sweeps/<sweep>/<timestamp>/}: {@code sweep.conf} (the sweep as resolved),
 * {@code logs/} (one log per point), and at the end {@code points.csv} and {@code summary.md}. The points' runs are
 * ordinary run folders under {@code <runs.dir>/<experiment>/}, which these files name.
 */
public final class SweepFolder {

    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path folder;

    private SweepFolder(Path folder) {
        this.folder = folder;
    }

    /** Makes a new folder for a run of the planned sweep and writes its {@code sweep.conf}. */
    public static SweepFolder create(SweepPlan plan) throws IOException {
        Path parent = plan.runsDir().resolve("sweeps").resolve(plan.settings().name());
        Files.createDirectories(parent);
        String stamp = LocalDateTime.now().format(FOLDER_TIME);
        for (int attempt = 1; ; attempt++) {
            try {
                Path folder = Files.createDirectory(parent.resolve(attempt == 1 ? stamp : stamp + "-" + attempt));
                Files.createDirectories(folder.resolve("logs"));
                Files.writeString(folder.resolve("sweep.conf"), "# The sweep " + plan.file() + " as resolved"
                        + " (command line over the file, defaults under it).\n" + plan.read().render());
                return new SweepFolder(folder);
            } catch (FileAlreadyExistsException taken) {
                // another sweep started in the same second; take the next suffix
            }
        }
    }

    public Path path() {
        return folder;
    }

    public Path logs() {
        return folder.resolve("logs");
    }

    /** Writes {@code points.csv} and {@code summary.md}; returns the summary. */
    public String finish(SweepPlan plan, List<PointOutcome> outcomes, Optional<Path> comparison) throws IOException {
        Files.write(folder.resolve("points.csv"), pointsCsv(plan, outcomes));
        String summary = summary(plan, outcomes, comparison);
        Files.writeString(folder.resolve("summary.md"), summary);
        return summary;
    }

    /** One line per point: point, experiment, each grid key, seed, status, run folder, seconds, failure. */
    static List<String> pointsCsv(SweepPlan plan, List<PointOutcome> outcomes) {
        List<String> gridKeys = List.copyOf(plan.settings().grid().keySet());
        List<String> lines = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("point", "experiment"));
        header.addAll(gridKeys);
        header.addAll(List.of("seed", "status", "run_folder", "seconds", "failure"));
        lines.add(String.join(",", header.stream().map(Csv::field).toList()));
        for (int i = 0; i < plan.points().size(); i++) {
            PlannedPoint point = plan.points().get(i);
            PointOutcome outcome = outcomes.get(i);
            List<String> cells = new ArrayList<>(List.of(point.point().name(), point.experiment()));
            gridKeys.forEach(key -> cells.add(point.grid().getOrDefault(key, "")));
            cells.add(point.seed().map(String::valueOf).orElse(""));
            cells.add(status(outcome));
            cells.add(outcome.runFolder() == null ? "" : outcome.runFolder());
            cells.add(String.format(Locale.ROOT, "%.1f", outcome.seconds()));
            cells.add(outcome.failure() == null ? "" : outcome.failure());
            lines.add(String.join(",", cells.stream().map(Csv::field).toList()));
        }
        return lines;
    }

    private static String status(PointOutcome outcome) {
        return outcome.succeeded() ? "succeeded" : "failed";
    }

    static String summary(SweepPlan plan, List<PointOutcome> outcomes, Optional<Path> comparison) {
        SweepSettings sweep = plan.settings();
        long failed = outcomes.stream().filter(o -> !o.succeeded()).count();
        StringBuilder text = new StringBuilder();
        text.append("# Sweep ").append(sweep.name()).append("\n\n");
        text.append("- sweep file: `").append(plan.file()).append("`\n");
        text.append("- engine: ").append(sweep.engine());
        if (plan.parallel() > 0) {
            text.append(", ").append(plan.parallel()).append(" point(s) at once (local.parallel = ")
                    .append(sweep.local().parallel()).append(')');
        }
        text.append('\n');
        text.append("- points: ").append(outcomes.size()).append(", ").append(outcomes.size() - failed)
                .append(" succeeded, ").append(failed).append(" failed\n");
        text.append("- runs folder (the store the points share): `").append(plan.runsDir()).append("`\n");
        if (!sweep.seeds().isEmpty()) {
            text.append("- seeds ").append(sweep.seeds()).append(", put on these keys:\n");
            plan.seedKeys().forEach((experiment, keys) -> text.append("  - `").append(experiment).append("`: ")
                    .append(keys.isEmpty() ? "none" : String.join(", ", keys.stream().map(k -> "`" + k + "`")
                            .toList())).append('\n'));
        }
        if (!sweep.settings().isEmpty()) {
            text.append("- settings on every point: ").append(String.join(", ", sweep.settings().entrySet().stream()
                    .map(e -> "`" + e.getKey() + " = " + e.getValue() + "`").toList())).append('\n');
        }
        text.append("- comparison report: ").append(comparison.map(p -> "`" + p + "`")
                .orElse("not written (see the console)")).append('\n');
        List<List<String>> reused = outcomes.stream().map(SweepFolder::reusedStages).toList();
        long stages = outcomes.stream().mapToLong(o -> stageCount(o)).sum();
        text.append("- shared through the store: ").append(reused.stream().mapToInt(List::size).sum()).append(" of ")
                .append(stages).append(" stage runs restored rather than computed (run.json of each point)\n\n");
        text.append("| point | status | seconds | reused stages | run folder | why it failed |\n"
                + "|---|---|---:|---|---|---|\n");
        for (int i = 0; i < outcomes.size(); i++) {
            PointOutcome outcome = outcomes.get(i);
            text.append("| ").append(cell(outcome.name())).append(" | ").append(status(outcome)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", outcome.seconds())).append(" | ")
                    .append(String.join(", ", reused.get(i))).append(" | ")
                    .append(outcome.runFolder() == null ? "" : "`" + outcome.runFolder() + "`").append(" | ")
                    .append(outcome.failure() == null ? "" : cell(outcome.failure())).append(" |\n");
        }
        return text.toString();
    }

    /** The stages of a point's run, by name to status, as its run.json says; none when it wrote no run.json. */
    private static List<Config> stages(PointOutcome outcome) {
        if (outcome.runFolder() == null || !Files.isRegularFile(Path.of(outcome.runFolder(), "run.json"))) {
            return List.of();
        }
        try {
            return List.copyOf(ConfigFactory.parseFile(Path.of(outcome.runFolder(), "run.json").toFile())
                    .getConfigList("stages"));
        } catch (ConfigException e) {
            return List.of(); // a run killed while it rewrote run.json; the summary does without
        }
    }

    private static List<String> reusedStages(PointOutcome outcome) {
        return stages(outcome).stream().filter(stage -> "reused".equals(stage.getString("status")))
                .map(stage -> stage.getString("name")).toList();
    }

    private static long stageCount(PointOutcome outcome) {
        return stages(outcome).stream().filter(stage -> !"pending".equals(stage.getString("status"))).count();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}

package dev.layerscope.report;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.layerscope.report.ReportDocument.Heading;
import dev.layerscope.report.ReportDocument.Paragraph;
import dev.layerscope.report.ReportDocument.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The report's "Where this ran" section: the environment {@code run.json} recorded when the run started (the
 * kernel's {@code RunEnvironment}), one line per fact, so that two reports that disagree can be told apart.
 */
final class WhereThisRan {

    /** The sections in the order a reader looks for them; any other after them, by name. */
    private static final List<String> ORDER = List.of("layerscope", "java", "os", "cpu", "threads", "nd4j", "smile",
            "libraries");

    private WhereThisRan() {
    }

    static void add(ReportDocument document, Path runDir) {
        Path runJson = runDir.resolve("run.json");
        document.add(new Heading(2, "Where this ran"));
        // read as HOCON, as the runner reads metrics back: a NaN is rendered bare
        ConfigObject root = Files.isRegularFile(runJson) ? ConfigFactory.parseFile(runJson.toFile(),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)).root() : null;
        if (root == null || !(root.get("environment") instanceof ConfigObject environment)) {
            document.add(new Paragraph("`run.json` records no environment."));
            return;
        }
        document.add(new Paragraph("As `run.json` recorded it (`environment`) when the run started. Which results "
                + "are the same bit for bit on a rerun, with other thread counts or on another CPU: "
                + "`docs/reproducibility.md` in LayerScope's repository."))
                .add(new Table(List.of("", "value"), rows(environment.unwrapped())));
    }

    /** One row per fact, {@code section.key}; lists joined with commas. */
    static List<List<String>> rows(Map<String, Object> environment) {
        List<List<String>> rows = new ArrayList<>();
        environment.keySet().stream().sorted(Comparator.comparing((String key) -> ORDER.contains(key)
                        ? ORDER.indexOf(key) : ORDER.size()).thenComparing(key -> key))
                .forEach(key -> flatten(key, environment.get(key), rows));
        return rows;
    }

    private static void flatten(String path, Object value, List<List<String>> rows) {
        if (value instanceof Map<?, ?> map) {
            map.keySet().stream().map(String::valueOf).sorted()
                    .forEach(key -> flatten(path + "." + key, map.get(key), rows));
        } else if (value instanceof List<?> list) {
            rows.add(List.of(path, list.stream().map(String::valueOf).collect(Collectors.joining(", "))));
        } else {
            rows.add(List.of(path, String.valueOf(value)));
        }
    }
}

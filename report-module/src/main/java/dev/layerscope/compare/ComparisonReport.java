package dev.layerscope.compare;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Idx;
import dev.layerscope.kernel.Csv;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.report.ReportDocument;
import dev.layerscope.report.ReportDocument.Heading;
import dev.layerscope.report.ReportDocument.Image;
import dev.layerscope.report.ReportDocument.Paragraph;
import dev.layerscope.report.ReportDocument.Table;
import dev.layerscope.report.figures.ComparisonFigures;
import dev.layerscope.report.figures.Figures;
import dev.layerscope.report.figures.MatrixHeatmap;
import dev.layerscope.report.html.HtmlReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The comparison report across runs: {@code compare.html} (self-contained), {@code compare.md} with its figures in
 * {@code figures/}, and the CSVs {@code settings.csv}, {@code metrics.csv}, {@code seeds.csv}, {@code claims.csv},
 * {@code right-wrong.csv}, {@code procrustes.csv} and {@code cka.csv}, from run folders of the same or of different
 * experiments and data sets. Written at the end of a sweep for its points' runs, and for any runs a user names
 * ({@code -Dcompare=[...]}). Reads only the files of the run folders ({@code docs/run-folder.md}).
 */
public final class ComparisonReport {

    /** The right/wrong thumbnails drawn per ordered pair of runs at most, a seeded pick of them all. */
    static final int THUMBNAILS = 24;
    static final long THUMBNAIL_SEED = 42;
    static final int THUMBNAIL_SCALE = 2;
    /** Up to this many pairs of runs get a CKA heatmap each; every pair is in the table of counterparts. */
    static final int CKA_HEATMAPS = 6;
    /** The aligned maps of at most this many runs are drawn side by side; every run's disparity is in the table. */
    static final int ALIGNED_PANELS = 6;
    /** Thumbnails are drawn for at most this many ordered pairs of runs; every pair's total is in the table. */
    static final int RIGHT_WRONG_FIGURES = 12;
    static final String FIGURES = "figures";

    private final List<RunFolder> runs;
    private final List<RunFigures> figures;
    private final Path out;
    private final Map<String, ReportDocument> sections = new LinkedHashMap<>();

    private ComparisonReport(List<RunFolder> runs, List<RunFigures> figures, Path out) {
        this.runs = runs;
        this.figures = figures;
        this.out = out;
    }

    /**
     * Reads the run folders and writes the report into {@code outputDir}.
     *
     * @return the path of {@code compare.html}
     * @throws IllegalArgumentException before anything is written, naming each folder and what it lacks, when fewer
     *                                  than two folders are given, a folder is no run folder, or a run has none of
     *                                  the files the report compares
     */
    public static Path write(List<Path> runFolders, Path outputDir) throws IOException {
        if (runFolders.size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least two run folders, got "
                    + runFolders.size() + (runFolders.isEmpty() ? "" : ": " + runFolders.getFirst()));
        }
        List<String> problems = new ArrayList<>();
        List<RunFolder> runs = new ArrayList<>();
        List<RunFigures> figures = new ArrayList<>();
        for (Path folder : runFolders) {
            try {
                RunFolder run = RunFolder.read(folder);
                RunFigures measured = RunFigures.of(run);
                if (measured.figures().isEmpty() && !run.has("train/history.csv")) {
                    problems.add("`" + folder + "` has none of the files the comparison reads (train/history.csv, "
                            + String.join(", ", measured.missing()) + "): " + status(run));
                }
                runs.add(run);
                figures.add(measured);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Cannot compare these runs:\n  " + String.join("\n  ", problems));
        }
        runs = distinctNames(runs);
        Files.createDirectories(outputDir.resolve(FIGURES));
        ComparisonReport report = new ComparisonReport(runs, figures, outputDir);
        return report.writeAll();
    }

    /** What run.json says of a run that stopped. */
    private static String status(RunFolder run) {
        try {
            Config json = ConfigFactory.parseFile(
                    run.file("run.json").toFile());
            String status = json.hasPath("status") ? json.getString("status") : "unknown";
            return "run.json says its status is " + status + (json.hasPath("stopped.reason")
                    ? " (stopped in " + json.getString("stopped.stage") + ": " + json.getString("stopped.reason")
                    + ")" : "");
        } catch (RuntimeException e) {
            return "its run.json cannot be read (" + e.getMessage() + ")";
        }
    }

    /** The runs with names made unique by a {@code #2}, {@code #3}... where two folders have the same name. */
    private static List<RunFolder> distinctNames(List<RunFolder> runs) {
        Map<String, Integer> seen = new HashMap<>();
        List<RunFolder> out = new ArrayList<>();
        for (RunFolder run : runs) {
            int count = seen.merge(run.name(), 1, Integer::sum);
            out.add(count == 1 ? run : new RunFolder(run.folder(), run.name() + " #" + count, run.settings(),
                    run.dataset(), run.datasetName(), run.classNames(), run.imageRows(), run.imageCols()));
        }
        return out;
    }

    private Path writeAll() throws IOException {
        Set<String> differing = differingSettings();
        settings(differing);
        metrics();
        seeds(differing);
        curves();
        rightWrong();
        alignedMaps();
        crossRunCka();

        StringBuilder markdown = new StringBuilder();
        StringBuilder html = new StringBuilder();
        for (Map.Entry<String, ReportDocument> section : sections.entrySet()) {
            markdown.append(section.getValue().markdown());
            html.append("<section id=\"").append(section.getKey()).append("\">\n")
                    .append(section.getValue().html(out)).append("</section>\n");
        }
        Files.writeString(out.resolve("compare.md"), markdown.toString());
        Path page = out.resolve("compare.html");
        Files.writeString(page, HtmlReport.staticPage("LayerScope: comparison of " + runs.size() + " runs",
                html.toString()));
        return page;
    }

    private ReportDocument section(String id) {
        return sections.computeIfAbsent(id, key -> new ReportDocument());
    }

    // ---- 1. settings ----------------------------------------------------------------------------------------------

    /** The keys whose values are not the same in every run (a key a run lacks counts as a value of its own). */
    private Set<String> differingSettings() {
        Set<String> keys = new TreeSet<>();
        runs.forEach(run -> keys.addAll(run.settings().keySet()));
        Set<String> differing = new LinkedHashSet<>();
        for (String key : keys) {
            if (runs.stream().map(run -> run.settings().get(key)).distinct().count() > 1) {
                differing.add(key);
            }
        }
        return differing;
    }

    private void settings(Set<String> differing) throws IOException {
        ReportDocument document = section("settings");
        document.add(new Heading(1, "LayerScope: comparison of " + runs.size() + " runs"));
        List<List<String>> runRows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunFolder run = runs.get(i);
            runRows.add(List.of(Integer.toString(i + 1), "`" + run.name() + "`", run.datasetName(),
                    run.folder().toAbsolutePath().normalize().toString()));
        }
        document.add(new Table(List.of("#", "run", "data set", "folder"), runRows));
        document.add(new Heading(2, "Settings that differ"));
        List<String> header = new ArrayList<>(List.of("setting"));
        runs.forEach(run -> header.add(run.name()));
        List<List<String>> rows = new ArrayList<>();
        List<String> csv = new ArrayList<>(List.of(csvLine(header)));
        for (String key : differing) {
            List<String> row = new ArrayList<>(List.of(key));
            runs.forEach(run -> row.add(run.settings().getOrDefault(key, "(not set)")));
            csv.add(csvLine(row));
            List<String> shown = new ArrayList<>(List.of("`" + key + "`"));
            row.subList(1, row.size()).forEach(value -> shown.add(abbreviated(value)));
            rows.add(shown);
        }
        Files.write(out.resolve("settings.csv"), csv);
        if (differing.isEmpty()) {
            document.add(new Paragraph("The runs' settings are all the same."));
        } else {
            document.add(new Paragraph("Of the resolved experiments (each run's `experiment.conf`, the `runs` "
                    + "section aside), only the " + differing.size() + " settings whose values differ; all of them "
                    + "in `settings.csv`."));
            document.add(new Table(header.stream().map(h -> h.equals("setting") ? h : "`" + h + "`").toList(),
                    rows));
        }
    }

    private static String abbreviated(String value) {
        return value.length() > 80 ? value.substring(0, 77) + "..." : value;
    }

    // ---- 2. figures side by side ----------------------------------------------------------------------------------

    private void metrics() throws IOException {
        ReportDocument document = section("metrics");
        document.add(new Heading(2, "Test accuracy, kNN and map quality side by side"));
        List<String> csv = new ArrayList<>(List.of("run,figure,value"));
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            for (RunFigures.Figure figure : figures.get(i).figures()) {
                names.add(figure.name());
                csv.add(csvLine(List.of(runs.get(i).name(), figure.name(), Double.toString(figure.value()))));
            }
        }
        Files.write(out.resolve("metrics.csv"), csv);
        missingNote(document);
        List<String> header = new ArrayList<>(List.of("figure"));
        runs.forEach(run -> header.add("`" + run.name() + "`"));
        List<List<String>> rows = new ArrayList<>();
        for (String name : names) {
            List<String> row = new ArrayList<>(List.of(name));
            figures.forEach(run -> row.add(RunFigures.format(run.value(name))));
            rows.add(row);
        }
        document.add(new Paragraph("kNN accuracy per input (the layer), method (`high-dimensional` is the layer "
                + "itself) and k; the maps' trustworthiness, continuity and silhouette; the linear probe's test "
                + "accuracy, the intrinsic dimension (TwoNN) and NC1 of the trained network, per layer. All of them "
                + "in `metrics.csv`."));
        document.add(new Table(header, rows));
    }

    private void missingNote(ReportDocument document) {
        for (int i = 0; i < runs.size(); i++) {
            if (!figures.get(i).missing().isEmpty()) {
                document.add(new Paragraph("`" + runs.get(i).name() + "` has no " + String.join(", ",
                        figures.get(i).missing().stream().map(f -> "`" + f + "`").toList())
                        + ": its figures from those files are left out."));
            }
        }
    }

    // ---- 3. across seeds ------------------------------------------------------------------------------------------

    private void seeds(Set<String> differing) throws IOException {
        ReportDocument document = section("seeds");
        document.add(new Heading(2, "Across seeds"));
        List<SeedGroups.Group> groups = SeedGroups.groups(runs, differing);
        List<SeedGroups.Spread> spreads = SeedGroups.spreads(groups, figures);
        List<List<String>> layers = new ArrayList<>();
        for (SeedGroups.Group group : groups) {
            layers.add(runs.get(group.runs().getFirst()).layers());
        }
        List<SeedGroups.Claim> claims = SeedGroups.claims(groups, figures, layers);

        List<String> seedsCsv = new ArrayList<>(List.of("group,figure,mean,std,n"));
        spreads.forEach(s -> seedsCsv.add(csvLine(List.of(s.group(), s.figure(), Double.toString(s.mean()),
                Double.toString(s.std()), Integer.toString(s.n())))));
        Files.write(out.resolve("seeds.csv"), seedsCsv);
        List<String> claimsCsv = new ArrayList<>(List.of("claim,mean_difference,t,p,p_holm,family,n,holds,holds_uncorrected"));
        boolean several = groups.size() > 1;
        claims.forEach(c -> claimsCsv.add(csvLine(List.of((several ? c.group() + ": " : "") + c.claim(),
                Double.toString(c.meanDifference()), Double.toString(c.t()), Double.toString(c.p()),
                Double.toString(c.holmP()), Integer.toString(c.family()), Integer.toString(c.n()),
                Boolean.toString(c.holds()), Boolean.toString(c.holdsAlone())))));
        Files.write(out.resolve("claims.csv"), claimsCsv);

        document.add(new Paragraph("Runs whose settings differ only in seeds (every key whose last part is `seed`) "
                + "form a group; per group, each figure's mean and standard deviation over its runs. Each claim is "
                + "tested with a paired t-test over the group's seeds (two-sided). A group tests many claims at "
                + "once, so some would pass p < " + SeedGroups.LEVEL + " by chance: a claim holds when its p-value, "
                + "adjusted by Holm's method over the group's tested claims, is below " + SeedGroups.LEVEL
                + ". All of it in `seeds.csv` and `claims.csv`."));
        for (SeedGroups.Group group : groups) {
            List<String> members = group.runs().stream().map(r -> "`" + runs.get(r).name() + "`").toList();
            document.add(new Heading(3, group.name() + " (" + group.runs().size() + " run"
                    + (group.runs().size() == 1 ? "" : "s") + ")"));
            document.add(new Paragraph("Runs: " + String.join(", ", members) + "."));
            if (group.runs().size() < 2) {
                document.add(new Paragraph("One seed only: no test is possible, and no spread."));
            }
            List<List<String>> claimRows = claims.stream().filter(c -> c.group().equals(group.name()))
                    .map(c -> List.of(c.sentence(), RunFigures.format(c.meanDifference()))).toList();
            if (group.runs().size() >= 2 && !claimRows.isEmpty()) {
                document.add(new Table(List.of("claim", "mean difference"), claimRows));
            }
            List<List<String>> rows = spreads.stream().filter(s -> s.group().equals(group.name()))
                    .map(s -> List.of(s.figure(), RunFigures.format(s.mean()), RunFigures.format(s.std()),
                            Integer.toString(s.n()))).toList();
            document.add(new Table(List.of("figure", "mean", "std", "n"), rows));
        }
    }

    // ---- 4. curves ------------------------------------------------------------------------------------------------

    private void curves() throws IOException {
        ReportDocument document = section("curves");
        document.add(new Heading(2, "Curves overlaid"));
        document.add(new Paragraph("One line per run, named by its number in the table of runs at the top."));
        int k = figures.stream().mapToInt(RunFigures::largestK).max().orElse(0);
        Set<String> methods = new LinkedHashSet<>();
        figures.forEach(run -> run.figures().stream().filter(f -> f.kind().equals(RunFigures.KNN))
                .forEach(f -> methods.add(f.method())));
        // runs of different networks have different layers: their curves are drawn apart, each along its own layers
        Map<List<String>, List<Integer>> byLayers = new LinkedHashMap<>();
        for (int r = 0; r < runs.size(); r++) {
            byLayers.computeIfAbsent(runs.get(r).layers(), layers -> new ArrayList<>()).add(r);
        }
        int index = 0;
        for (Map.Entry<List<String>, List<Integer>> network : byLayers.entrySet()) {
            List<String> layers = network.getKey();
            List<Integer> members = network.getValue();
            if (layers.isEmpty()) {
                continue;
            }
            String of = byLayers.size() > 1 ? " (runs " + String.join(", ", members.stream()
                    .map(r -> Integer.toString(r + 1)).toList()) + ")" : "";
            for (String method : methods) {
                index = layerFigure(document, layers, members, "kNN accuracy per layer, " + method + ", k = " + k
                                + of, "kNN accuracy",
                        layer -> new RunFigures.Figure(RunFigures.KNN, layer, method, k, 0).name(), index);
            }
            index = layerFigure(document, layers, members, "Linear probe's test accuracy per layer" + of,
                    "probe accuracy", layer -> new RunFigures.Figure(RunFigures.PROBE, layer, "", 0, 0).name(),
                    index);
            index = layerFigure(document, layers, members, "Intrinsic dimension per layer (TwoNN)" + of,
                    "intrinsic dimension", layer -> new RunFigures.Figure(RunFigures.INTRINSIC, layer, "", 0, 0)
                            .name(), index);
        }

        Map<String, double[][]> trainLoss = new LinkedHashMap<>();
        Map<String, double[][]> validationLoss = new LinkedHashMap<>();
        Map<String, double[][]> trainAccuracy = new LinkedHashMap<>();
        Map<String, double[][]> validationAccuracy = new LinkedHashMap<>();
        List<String> without = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            List<double[]> history = runs.get(r).history();
            if (history == null || history.isEmpty()) {
                without.add("`" + runs.get(r).name() + "`");
                continue;
            }
            trainLoss.put(label(r), column(history, 1));
            trainAccuracy.put(label(r), column(history, 2));
            validationLoss.put(label(r), column(history, 3));
            validationAccuracy.put(label(r), column(history, 4));
        }
        if (!without.isEmpty()) {
            document.add(new Paragraph("No `train/history.csv` in " + String.join(", ", without)
                    + ": left out of the training curves."));
        }
        if (!trainLoss.isEmpty()) {
            writeFigure(ComparisonFigures.byEpochPerRun("Loss per epoch", "cross-entropy", trainLoss,
                    validationLoss), "training-loss.png");
            writeFigure(ComparisonFigures.byEpochPerRun("Accuracy per epoch", "accuracy", trainAccuracy,
                    validationAccuracy), "training-accuracy.png");
            document.add(new Image(FIGURES + "/training-loss.png", "loss per epoch per run, training solid, "
                    + "validation dashed")).add(new Image(FIGURES + "/training-accuracy.png",
                    "accuracy per epoch per run, training solid, validation dashed"));
        }
    }

    private int layerFigure(ReportDocument document, List<String> layers, List<Integer> members, String title,
                            String measure, Function<String, String> figureOfLayer, int index) throws IOException {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int r : members) {
            RunFigures run = figures.get(r);
            double[] values = layers.stream().mapToDouble(layer -> run.value(figureOfLayer.apply(layer))).toArray();
            if (Arrays.stream(values).anyMatch(v -> !Double.isNaN(v))) {
                series.put(label(r), values);
            }
        }
        if (series.isEmpty()) {
            document.add(new Paragraph(title + ": no run has it."));
            return index;
        }
        String file = "layers-" + (index + 1) + ".png";
        writeFigure(ComparisonFigures.byLayer(title, measure, layers, series), file);
        String lacking = series.size() < members.size() ? " (" + (members.size() - series.size())
                + " run(s) without it left out)" : "";
        document.add(new Image(FIGURES + "/" + file, title + lacking));
        return index + 1;
    }

    /**
     * A run's name in a figure's legend, which smile draws in a narrow margin: {@code run <#>}, the number of the
     * table of runs at the top.
     */
    private static String label(int run) {
        return "run " + (run + 1);
    }

    private static double[][] column(List<double[]> history, int column) {
        return history.stream().map(e -> new double[] {e[0], e[column]}).toArray(double[][]::new);
    }

    private void writeFigure(BufferedImage image, String file) throws IOException {
        Figures.writePng(image, out.resolve(FIGURES).resolve(file));
    }

    // ---- 5. right in one run, wrong in another --------------------------------------------------------------------

    private void rightWrong() throws IOException {
        ReportDocument document = section("right-wrong");
        document.add(new Heading(2, "Test images one run gets right and another wrong"));
        document.add(new Paragraph("Per ordered pair of runs on the same data set, the test images both predicted "
                + "that the first gets right and the second wrong: the total, and up to " + THUMBNAILS
                + " of them (a seeded pick) with the class the second run chose. Every one in `right-wrong.csv`."));
        List<RunFolder.Predictions> predictions = new ArrayList<>();
        for (RunFolder run : runs) {
            predictions.add(run.predictions());
        }
        List<String> csv = new ArrayList<>(List.of("run_right,run_wrong,test_index,true_class,predicted_by_wrong,"
                + "shown"));
        List<List<String>> totals = new ArrayList<>();
        int pair = 0;
        for (int a = 0; a < runs.size(); a++) {
            for (int b = 0; b < runs.size(); b++) {
                if (a == b || predictions.get(a) == null || predictions.get(b) == null
                        || !runs.get(a).dataset().equals(runs.get(b).dataset())) {
                    continue;
                }
                List<Integer> found = rightAndWrong(predictions.get(a), predictions.get(b));
                int[] shownPositions = SeededRows.uniform(found.size(), THUMBNAILS, THUMBNAIL_SEED);
                Set<Integer> shown = new HashSet<>();
                for (int position : shownPositions) {
                    shown.add(found.get(position));
                }
                for (int index : found) {
                    csv.add(csvLine(List.of(runs.get(a).name(), runs.get(b).name(), Integer.toString(index),
                            Integer.toString(predictions.get(a).label().get(index)),
                            Integer.toString(predictions.get(b).predicted().get(index)),
                            Boolean.toString(shown.contains(index)))));
                }
                int shared = (int) predictions.get(a).label().keySet().stream()
                        .filter(predictions.get(b).label()::containsKey).count();
                totals.add(List.of("`" + runs.get(a).name() + "`", "`" + runs.get(b).name() + "`",
                        Integer.toString(found.size()), Integer.toString(shared)));
                pair++;
                if (pair <= RIGHT_WRONG_FIGURES) {
                    thumbnails(document, a, b, found, shownPositions, predictions.get(b), pair);
                }
            }
        }
        Files.write(out.resolve("right-wrong.csv"), csv);
        List<String> notes = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            if (predictions.get(r) == null) {
                notes.add("`" + runs.get(r).name() + "`");
            }
        }
        if (!notes.isEmpty()) {
            document.add(new Paragraph("No `train/predictions.npy` with `test_index.npy` and `test_labels.npy` in "
                    + String.join(", ", notes) + ": left out here."));
        }
        if (runs.stream().map(RunFolder::dataset).distinct().count() > 1) {
            document.add(new Paragraph("Runs on different data sets share no test images: only runs on the same "
                    + "data set are paired here."));
        }
        if (pair > RIGHT_WRONG_FIGURES) {
            document.add(new Paragraph("Thumbnails of the first " + RIGHT_WRONG_FIGURES + " of the " + pair
                    + " ordered pairs; the totals of all of them:"));
        }
        if (!totals.isEmpty()) {
            document.add(new Table(List.of("right in", "wrong in", "images", "test images both predicted"), totals));
        }
    }

    /** The test images (by position in the test file, ascending) {@code right} predicts right and {@code wrong} not. */
    static List<Integer> rightAndWrong(RunFolder.Predictions right, RunFolder.Predictions wrong) {
        List<Integer> found = new ArrayList<>();
        for (Map.Entry<Integer, Integer> entry : new TreeMap<>(right.label()).entrySet()) {
            Integer other = wrong.predicted().get(entry.getKey());
            if (other != null && right.predicted().get(entry.getKey()).equals(entry.getValue())
                    && !other.equals(entry.getValue())) {
                found.add(entry.getKey());
            }
        }
        return found;
    }

    private void thumbnails(ReportDocument document, int a, int b, List<Integer> found, int[] positions,
                            RunFolder.Predictions wrong, int pair) throws IOException {
        RunFolder right = runs.get(a);
        String heading = "`" + right.name() + "` right, `" + runs.get(b).name() + "` wrong: " + found.size()
                + " images";
        if (found.isEmpty()) {
            document.add(new Paragraph(heading + "."));
            return;
        }
        Set<Integer> wanted = new HashSet<>();
        for (int position : positions) {
            wanted.add(found.get(position));
        }
        Map<Integer, float[]> pixels = pixels(right, runs.get(b), wanted);
        List<BufferedImage> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int position : positions) {
            int index = found.get(position);
            float[] image = pixels.get(index);
            if (image != null) {
                images.add(thumbnail(image, right.imageRows(), right.imageCols()));
                captions.add(index + ": " + right.className(wrong.label().get(index)) + " as "
                        + right.className(wrong.predicted().get(index)));
            }
        }
        if (images.isEmpty()) {
            document.add(new Paragraph(heading + "; neither run captured their pixels (`capture/input-test.npy`) "
                    + "and the data set's test file is not at hand, so none is drawn."));
            return;
        }
        String file = "right-wrong-" + pair + ".png";
        writeFigure(ComparisonFigures.grid(images, 12), file);
        document.add(new Paragraph(heading + ", " + images.size() + " shown, left to right and down (test index: "
                + "true class as the second run's choice): " + String.join("; ", captions) + "."));
        document.add(new Image(FIGURES + "/" + file, heading));
    }

    /**
     * The raw pixels, in [0, 1], of the test images {@code wanted} (positions in the test file): those either run
     * captured ({@code capture/input-test.npy}), the rest from the data set's test file that {@code load/dataset.json}
     * names; an image found in neither is left out.
     */
    private static Map<Integer, float[]> pixels(RunFolder first, RunFolder second, Set<Integer> wanted)
            throws IOException {
        Map<Integer, float[]> pixels = new HashMap<>();
        for (RunFolder run : List.of(first, second)) {
            int[] index = run.capturedTestIndex();
            FloatMatrix input = index == null ? null : run.capturedTest("input");
            if (input == null || input.cols() != run.imageRows() * run.imageCols() || input.cols() == 0) {
                continue;
            }
            for (int row = 0; row < index.length; row++) {
                if (wanted.contains(index[row])) {
                    pixels.putIfAbsent(index[row], input.row(row));
                }
            }
        }
        if (pixels.size() < wanted.size()) {
            Path file = first.testImagesFile();
            if (file != null) {
                Idx.Images images = Idx.readImages(file);
                int size = images.rows() * images.cols();
                for (int index : wanted) {
                    if (!pixels.containsKey(index) && index < images.count()
                            && images.rows() == first.imageRows() && images.cols() == first.imageCols()) {
                        float[] image = new float[size];
                        for (int p = 0; p < size; p++) {
                            image[p] = (images.pixels()[index * size + p] & 0xFF) / 255f;
                        }
                        pixels.put(index, image);
                    }
                }
            }
        }
        return pixels;
    }

    private static BufferedImage thumbnail(float[] pixels, int rows, int cols) {
        BufferedImage image = new BufferedImage(cols * THUMBNAIL_SCALE, rows * THUMBNAIL_SCALE,
                BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < rows * THUMBNAIL_SCALE; y++) {
            for (int x = 0; x < cols * THUMBNAIL_SCALE; x++) {
                float value = pixels[(y / THUMBNAIL_SCALE) * cols + x / THUMBNAIL_SCALE];
                image.getRaster().setSample(x, y, 0, Math.round(255 * Math.clamp(value, 0f, 1f)));
            }
        }
        return image;
    }

    // ---- 6. the maps aligned --------------------------------------------------------------------------------------

    private void alignedMaps() throws IOException {
        ReportDocument document = section("maps");
        document.add(new Heading(2, "The same test points in each run's maps, aligned"));
        document.add(new Paragraph("For each map (input and method) that several runs on the same data set have, "
                + "the test points all of them placed (matched by test index), each run's map moved onto the first "
                + "run's by orthogonal Procrustes with a uniform scale (rotation or reflection, scale, shift), drawn "
                + "on the same axes. The disparity is the residual sum of squares over the first map's: 0 when the "
                + "maps agree up to such a transform, 1 at most. All of them in `procrustes.csv`."));
        List<String> csv = new ArrayList<>(List.of("input,method,run_reference,run,points,disparity"));
        Map<String, List<Integer>> byDataset = new LinkedHashMap<>();
        for (int r = 0; r < runs.size(); r++) {
            byDataset.computeIfAbsent(runs.get(r).dataset(), d -> new ArrayList<>()).add(r);
        }
        int figure = 0;
        for (List<Integer> members : byDataset.values()) {
            if (members.size() < 2) {
                continue;
            }
            Set<String> maps = new LinkedHashSet<>();
            for (int r : members) {
                RunFigures run = figures.get(r);
                run.figures().stream().filter(f -> f.kind().equals(RunFigures.KNN)
                                && !f.method().equals(RunFigures.highDimensional()))
                        .forEach(f -> maps.add(f.layer() + "\t" + f.method()));
            }
            for (String map : maps) {
                String[] parts = map.split("\t");
                figure = alignedMap(document, csv, members, parts[0], parts[1], figure);
            }
        }
        if (figure == 0) {
            document.add(new Paragraph("No map is shared by two runs on the same data set."));
        }
        Files.write(out.resolve("procrustes.csv"), csv);
    }

    private int alignedMap(ReportDocument document, List<String> csv, List<Integer> members, String input,
                           String method, int figure) throws IOException {
        List<Integer> having = new ArrayList<>();
        List<RunFolder.MapPoints> points = new ArrayList<>();
        for (int r : members) {
            RunFolder.MapPoints map = runs.get(r).map(input, method);
            if (map != null) {
                having.add(r);
                points.add(map);
            }
        }
        if (having.size() < 2) {
            return figure;
        }
        List<Integer> shared = new ArrayList<>(new TreeSet<>(points.getFirst().xy().keySet()));
        points.forEach(p -> shared.retainAll(p.xy().keySet()));
        if (shared.size() < 3) {
            document.add(new Paragraph(input + " " + method + ": the runs share " + shared.size()
                    + " test points, too few to align."));
            return figure;
        }
        int[] labels = shared.stream().mapToInt(points.getFirst().label()::get).toArray();
        double[][] reference = matrix(points.getFirst(), shared);
        List<double[][]> aligned = new ArrayList<>();
        aligned.add(reference);
        List<String> titles = new ArrayList<>(List.of(runs.get(having.getFirst()).name() + " (reference)"));
        List<List<String>> rows = new ArrayList<>();
        for (int m = 1; m < having.size(); m++) {
            Procrustes.Alignment alignment = Procrustes.align(reference, matrix(points.get(m), shared));
            aligned.add(alignment.aligned());
            String name = runs.get(having.get(m)).name();
            titles.add(String.format(Locale.ROOT, "%s, disparity %.3f", name, alignment.disparity()));
            csv.add(csvLine(List.of(input, method, runs.get(having.getFirst()).name(), name,
                    Integer.toString(shared.size()), Double.toString(alignment.disparity()))));
            rows.add(List.of("`" + name + "`", RunFigures.format(alignment.disparity())));
        }
        String file = "aligned-" + (figure + 1) + ".png";
        int drawn = Math.min(ALIGNED_PANELS, aligned.size());
        writeFigure(ComparisonFigures.sideBySide(input + " - " + method + ", test points aligned to "
                + runs.get(having.getFirst()).name(), titles.subList(0, drawn), aligned.subList(0, drawn), labels,
                runs.get(having.getFirst()).classNames().isEmpty() ? classNames(labels)
                        : runs.get(having.getFirst()).classNames()), file);
        document.add(new Heading(3, input + " " + method));
        List<String> lacking = members.stream().filter(r -> !having.contains(r))
                .map(r -> "`" + runs.get(r).name() + "`").toList();
        if (!lacking.isEmpty()) {
            document.add(new Paragraph("No `reduce/" + input + "-" + method + ".csv` in " + String.join(", ", lacking)
                    + ": left out of this map."));
        }
        document.add(new Paragraph(shared.size() + " shared test points; disparity to `"
                + runs.get(having.getFirst()).name() + "`:"));
        document.add(new Table(List.of("run", "disparity"), rows));
        document.add(new Image(FIGURES + "/" + file, input + " " + method + " of "
                + (drawn < aligned.size() ? "the first " + drawn + " runs" : "each run") + ", aligned"));
        return figure + 1;
    }

    private static List<String> classNames(int[] labels) {
        int classes = Arrays.stream(labels).max().orElse(-1) + 1;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        return names;
    }

    private static double[][] matrix(RunFolder.MapPoints map, List<Integer> indices) {
        double[][] out = new double[indices.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] xy = map.xy().get(indices.get(i));
            out[i] = new double[] {xy[0], xy[1]};
        }
        return out;
    }

    // ---- 7. cross-run CKA -----------------------------------------------------------------------------------------

    private void crossRunCka() throws IOException {
        ReportDocument document = section("cka");
        document.add(new Heading(2, "Cross-run CKA"));
        document.add(new Paragraph("Linear CKA (" + CrossRunCka.ESTIMATOR.key() + ") between each layer of one run "
                + "and each layer of another, on the test images both captured (at most " + CrossRunCka.IMAGES
                + ", a seeded subset), matched by their position in the test file: 1 for representations equal up "
                + "to a rotation and a scale. All of them in `cka.csv`."));
        List<String> csv = new ArrayList<>(List.of("run_a,layer_a,run_b,layer_b,epoch,cka,estimator,n"));
        List<List<String>> counterparts = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int heatmaps = 0;
        for (int a = 0; a < runs.size(); a++) {
            for (int b = a + 1; b < runs.size(); b++) {
                RunFolder runA = runs.get(a);
                RunFolder runB = runs.get(b);
                if (!runA.dataset().equals(runB.dataset())) {
                    skipped.add("`" + runA.name() + "` and `" + runB.name() + "` ran on different data sets ("
                            + runA.datasetName() + ", " + runB.datasetName() + "): no shared images to compare on.");
                    continue;
                }
                List<CrossRunCka.Line> lines = CrossRunCka.between(runA, runB);
                if (lines.isEmpty()) {
                    skipped.add("`" + runA.name() + "` and `" + runB.name() + "` share no captured test images "
                            + "(`capture/<layer>-test.npy`, `capture/test-index.npy`).");
                    continue;
                }
                for (CrossRunCka.Line line : lines) {
                    csv.add(csvLine(List.of(line.runA(), line.layerA(), line.runB(), line.layerB(),
                            Integer.toString(line.epoch()), String.format(Locale.ROOT, "%.8f", line.cka()),
                            CrossRunCka.ESTIMATOR.key(), Integer.toString(line.n()))));
                    if (line.layerA().equals(line.layerB())) {
                        counterparts.add(List.of("`" + line.runA() + "`", "`" + line.runB() + "`", line.layerA(),
                                RunFigures.format(line.cka()), Integer.toString(line.n())));
                    }
                }
                if (heatmaps < CKA_HEATMAPS) {
                    heatmaps++;
                    List<String> layersA = lines.stream().map(CrossRunCka.Line::layerA).distinct().toList();
                    List<String> layersB = lines.stream().map(CrossRunCka.Line::layerB).distinct().toList();
                    double[][] values = new double[layersA.size()][layersB.size()];
                    for (CrossRunCka.Line line : lines) {
                        values[layersA.indexOf(line.layerA())][layersB.indexOf(line.layerB())] = line.cka();
                    }
                    String file = "cka-" + heatmaps + ".png";
                    writeFigure(MatrixHeatmap.similarity(values, layersA, layersB, "CKA: " + runA.name() + " vs "
                            + runB.name(), runB.name(), runA.name()), file);
                    document.add(new Image(FIGURES + "/" + file, "linear CKA between the layers of "
                            + runA.name() + " (rows) and " + runB.name() + " (columns)"));
                }
            }
        }
        Files.write(out.resolve("cka.csv"), csv);
        if (!counterparts.isEmpty()) {
            document.add(new Paragraph("Counterpart layers, every pair of runs:"));
            document.add(new Table(List.of("run a", "run b", "layer", "CKA", "images"), counterparts));
        }
        skipped.forEach(s -> document.add(new Paragraph(s)));
    }

    private static String csvLine(List<String> fields) {
        return String.join(",", fields.stream().map(Csv::field).toList());
    }
}

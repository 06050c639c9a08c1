package dev.layerscope.cka;

import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureShape;
import dev.layerscope.capture.EpochActivations;
import dev.layerscope.capture.SharedRows;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.train.TrainedModel;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linear CKA ({@link Cka}) between every pair of captured layers of this run, on a seeded subset of the captured
 * test images, and between every layer of this run and every layer of each run in {@code cka.compare-with}, on the
 * test images both captured (matched by their position in the test file). The subset of a comparison with another
 * run is drawn by the same rule from the images both runs captured, so when that run captured every image this one
 * did, it is this run's own subset.
 *
 * <p>Writes {@code cka.csv}, {@code subsets.csv} with the subsets' test indices, and {@code cka.json} (see
 * {@link CkaFiles}); hands on {@link CkaResults}, read back from {@code cka.json} when a later run reuses the stage.
 */
public final class CkaStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(CkaStage.class);
    private static final String TEST = "test";

    private final CkaSettings settings;

    @Inject
    CkaStage(CkaSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Activations.ARTIFACT, TrainedModel.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> readsIfWritten() {
        return Set.of(EpochActivations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(CkaResults.ARTIFACT);
    }

    /**
     * Checks the settings as soon as what they depend on is known: the test split, the layers and the images the
     * capture keeps (at planning, from its preview), each run folder of compare-with and its captured test images,
     * and, once this run's images are captured, how many of them each of those runs captured too.
     */
    @Override
    public void check(Artifacts available) {
        List<InvalidSetting> problems = new ArrayList<>();
        Optional<CaptureShape> captured = CaptureShape.in(available);
        OptionalInt testRows = OptionalInt.empty();
        if (captured.isPresent()) {
            problems.addAll(captured.get().missing(List.of(TEST), "the cka stage compares layers on the test split"));
            problems.addAll(notCaptured(captured.get()));
            testRows = captured.get().rows(TEST);
        }
        OptionalInt needed = OptionalInt.empty();
        if (testRows.isPresent()) {
            Optional<InvalidSetting> subset = subsetProblem(testRows.getAsInt());
            subset.ifPresent(problems::add);
            if (subset.isEmpty()) {
                needed = OptionalInt.of(settings.size(testRows.getAsInt()));
            }
        }
        Optional<Activations> activations = available.find(Activations.ARTIFACT);
        for (Path folder : settings.compareWith()) {
            try {
                ComparedRun other = ComparedRun.read(folder);
                if (needed.isPresent()) {
                    int shared = activations.map(a -> other.matching(a.splits().get(TEST).sourceIndex()).size())
                            .orElse(other.testIndex().length);
                    if (shared < needed.getAsInt()) {
                        problems.add(new InvalidSetting(ComparedRun.KEY, "`" + folder + "` shares "
                                + (activations.isPresent() ? "" : "at most ") + shared + " captured test images with "
                                + "this run, fewer than the " + needed.getAsInt() + " the cka stage compares on; "
                                + "lower cka.subset to at most " + shared + ", or capture the same test images in "
                                + "both runs (the same capture.per-class and capture.seed, or all of them)"));
                    }
                }
            } catch (InvalidSetting e) {
                problems.add(e);
            }
        }
        InvalidSettings.throwIfAny(problems);
    }

    @Override
    public void run(StageContext context) throws IOException {
        Activations activations = context.read(Activations.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        check(Artifacts.of(Activations.ARTIFACT, activations));
        String run = context.experimentName() + "/" + context.runDir().getFileName();
        int epoch = model.trainedEpoch();
        Activations.SplitRows test = activations.splits().get(TEST);
        int n = settings.size(test.size());
        int[] rows = SeededRows.uniform(test.size(), n, settings.seed());
        List<String> layers = settings.layers().isEmpty() ? activations.layers() : settings.layers();
        Cka.Estimator estimator = settings.estimator();
        LOG.info("Linear CKA ({}) of {} on {} of {} test images{}", estimator.key(), layers, n, test.size(),
                settings.compareWith().isEmpty() ? "" : ", and with the layers of " + settings.compareWith());

        long start = System.nanoTime();
        Map<String, Cka.Representation> ours = representations(activations, layers, rows);
        List<CkaResults.Similarity> similarities = new ArrayList<>();
        double[][] within = new double[layers.size()][layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            for (int j = i; j < layers.size(); j++) {
                within[i][j] = Cka.linear(ours.get(layers.get(i)), ours.get(layers.get(j)), estimator);
                within[j][i] = within[i][j];
            }
        }
        for (int i = 0; i < layers.size(); i++) {
            for (int j = 0; j < layers.size(); j++) {
                similarities.add(new CkaResults.Similarity(run, layers.get(i), run, layers.get(j), epoch,
                        within[i][j], estimator, n));
            }
        }
        log(run, layers, run, layers, within);
        List<CkaFiles.Subset> subsets = new ArrayList<>();
        subsets.add(subset(context, run, run, "subset.npy", test.sourceIndex(), rows));
        Map<String, Object> mostSimilar = new LinkedHashMap<>();

        for (int c = 0; c < settings.compareWith().size(); c++) {
            ComparedRun other = ComparedRun.read(settings.compareWith().get(c));
            SharedRows matching = other.matching(test.sourceIndex());
            int[] picked = SeededRows.uniform(matching.size(), n, settings.seed());
            int[] ourRows = Arrays.stream(picked).map(i -> matching.ourRows()[i]).toArray();
            int[] theirRows = Arrays.stream(picked).map(i -> matching.theirRows()[i]).toArray();
            Map<String, Cka.Representation> mine = Arrays.equals(ourRows, rows) ? ours
                    : representations(activations, layers, ourRows);
            double[][] across = new double[layers.size()][other.layers().size()];
            for (int j = 0; j < other.layers().size(); j++) {
                String layer = other.layers().get(j);
                Cka.Representation theirs = Cka.Representation.of(finite(other.load(layer), other.name() + "'s `"
                        + layer + "`").rows(theirRows));
                for (int i = 0; i < layers.size(); i++) {
                    across[i][j] = Cka.linear(mine.get(layers.get(i)), theirs, estimator);
                }
            }
            Map<String, String> best = new LinkedHashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                int argmax = -1;
                for (int j = 0; j < other.layers().size(); j++) {
                    similarities.add(new CkaResults.Similarity(run, layers.get(i), other.name(),
                            other.layers().get(j), epoch, across[i][j], estimator, n));
                    if (!Double.isNaN(across[i][j]) && (argmax < 0 || across[i][j] > across[i][argmax])) {
                        argmax = j;
                    }
                }
                best.put(layers.get(i), argmax < 0 ? "" : other.layers().get(argmax));
            }
            mostSimilar.put(other.name(), best);
            log(run, layers, other.name(), other.layers(), across);
            LOG.info("Most similar layer of {} in {}: {}", run, other.name(), best);
            subsets.add(subset(context, run, other.name(), "subset-compare-" + (c + 1) + ".npy", test.sourceIndex(),
                    ourRows));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(String.format(Locale.ROOT, "CKA took %.1f s", seconds));

        long settlingStart = System.nanoTime();
        Optional<EpochActivations> record = context.find(EpochActivations.ARTIFACT)
                .filter(EpochActivations::recorded);
        List<CkaResults.Similarity> settling = record.isEmpty() ? List.of()
                : settling(record.get(), run, estimator);
        double settlingSeconds = (System.nanoTime() - settlingStart) / 1e9;
        if (record.isPresent()) {
            LOG.info(String.format(Locale.ROOT, "CKA of each layer of the per-epoch record with its state after the "
                    + "last epoch, on %,d images, took %.1f s", record.get().size(), settlingSeconds));
        }

        CkaResults results = new CkaResults(run, similarities, settling);
        CkaFiles.write(context.outputDir(), results, subsets);
        context.metric("estimator", estimator.key());
        context.metric("subset", n);
        context.metric("layers", layers);
        context.metric("epoch", epoch);
        context.metric("within", matrix(layers, layers, within));
        context.metric("most-similar", mostSimilar);
        context.metric("seconds", seconds);
        if (record.isPresent()) {
            Map<String, Object> curves = new LinkedHashMap<>();
            for (String layer : results.settlingLayers()) {
                curves.put(layer, Arrays.stream(results.settling(layer)).map(p -> Double.isNaN(p[1]) ? null : p[1])
                        .toList());
            }
            context.metric("settling", curves);
            context.metric("settling-seconds", settlingSeconds);
        }
        context.write(CkaResults.ARTIFACT, results);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        context.write(CkaResults.ARTIFACT, CkaFiles.read(context.outputDir()));
    }

    /**
     * Each recorded layer (those of cka.layers when it names any) after each other epoch recorded, against itself
     * in the trained network (the record's kept epoch: the last, or the one early stopping kept, in which case the
     * epochs after it are compared with it too), on all the record's images.
     */
    private List<CkaResults.Similarity> settling(EpochActivations record, String run, Cka.Estimator estimator)
            throws IOException {
        int last = record.keptEpoch();
        List<CkaResults.Similarity> rows = new ArrayList<>();
        for (String layer : record.layers()) {
            if (!settings.layers().isEmpty() && !settings.layers().contains(layer)) {
                continue;
            }
            Cka.Representation end = Cka.Representation.of(finite(record.load(layer, last), "`" + layer
                    + "` after epoch " + last));
            for (int epoch : record.epochs()) {
                if (epoch == last) {
                    continue;
                }
                Cka.Representation then = Cka.Representation.of(finite(record.load(layer, epoch), "`" + layer
                        + "` after epoch " + epoch));
                rows.add(new CkaResults.Similarity(run, layer, run, layer, epoch, Cka.linear(then, end, estimator),
                        estimator, record.size()));
            }
        }
        return rows;
    }

    /** Each layer's test activations at {@code rows}, centred. */
    private static Map<String, Cka.Representation> representations(Activations activations, List<String> layers,
                                                                    int[] rows) throws IOException {
        Map<String, Cka.Representation> representations = new LinkedHashMap<>();
        for (String layer : layers) {
            representations.put(layer, Cka.Representation.of(finite(activations.load(layer, TEST), "`" + layer
                    + "`").rows(rows)));
        }
        return representations;
    }

    /** Writes the test-file indices of {@code rows} of this run's capture as {@code file}. */
    private static CkaFiles.Subset subset(StageContext context, String runA, String runB, String file,
                                          int[] sourceIndex, int[] rows) throws IOException {
        int[] indices = Arrays.stream(rows).map(row -> sourceIndex[row]).toArray();
        Npy.writeInts(context.outputDir().resolve(file), indices, indices.length);
        return new CkaFiles.Subset(runA, runB, rows.length, file);
    }

    /** The layers of cka.layers that the capture does not take. */
    private List<InvalidSetting> notCaptured(CaptureShape captured) {
        List<InvalidSetting> problems = new ArrayList<>();
        captured.layers().ifPresent(layers -> settings.layers().stream().filter(layer -> !layers.contains(layer))
                .forEach(layer -> problems.add(new InvalidSetting("cka.layers", "`" + layer + "` is not captured; "
                        + "the capture takes " + captured.describeLayers()))));
        return problems;
    }

    /** A subset the captured test images cannot give. */
    private Optional<InvalidSetting> subsetProblem(int testRows) {
        if (settings.subset().isPresent() && settings.subset().get() > testRows) {
            return Optional.of(new InvalidSetting("cka.subset", "subset = " + settings.subset().get() + " test "
                    + "images, but the capture keeps " + testRows + " of the test split; lower cka.subset to at most "
                    + testRows + ", or remove it to take " + CkaSettings.DEFAULT_SUBSET + " or all when fewer"));
        }
        if (settings.size(testRows) < 4) {
            return Optional.of(new InvalidSetting("cka.subset", "CKA needs at least 4 test images; the capture keeps "
                    + testRows + " of the test split"));
        }
        return Optional.empty();
    }

    private static FloatMatrix finite(FloatMatrix points, String what) {
        return points.requireFinite(what + " holds", "test image", "CKA cannot align it (check the capture)");
    }

    /** A CKA matrix as run.json holds it: row layer -> column layer -> value (null where undefined). */
    private static Map<String, Object> matrix(List<String> rows, List<String> columns, double[][] values) {
        Map<String, Object> matrix = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int j = 0; j < columns.size(); j++) {
                row.put(columns.get(j), Double.isNaN(values[i][j]) ? null : values[i][j]);
            }
            matrix.put(rows.get(i), row);
        }
        return matrix;
    }

    /** Logs a CKA matrix: a row per layer of run A, a column per layer of run B. */
    private static void log(String runA, List<String> layersA, String runB, List<String> layersB,
                            double[][] values) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "CKA, rows %s, columns %s:%n%12s", runA,
                runB, ""));
        for (String layer : layersB) {
            table.append(String.format(Locale.ROOT, " %10s", layer));
        }
        for (int i = 0; i < layersA.size(); i++) {
            table.append(String.format(Locale.ROOT, "%n%12s", layersA.get(i)));
            for (double value : values[i]) {
                table.append(String.format(Locale.ROOT, " %10.4f", value));
            }
        }
        LOG.info(table.toString());
    }
}

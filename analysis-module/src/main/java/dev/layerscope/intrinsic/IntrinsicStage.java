package dev.layerscope.intrinsic;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureShape;
import dev.layerscope.capture.EpochActivations;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.Csv;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.Json;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.train.TrainedModel;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intrinsic dimension of every captured layer (the raw input included) by TwoNN ({@link TwoNn}), on a seeded
 * subset of the captured test images, the same for every layer; and, when the capture kept a per-epoch record
 * ({@link EpochActivations}), of every layer of the record after every epoch (0 before training to the last) on all
 * the record's images.
 *
 * <p>Writes {@code intrinsic_dimension.csv} ({@code layer,epoch,id,n}), {@code subset.npy} (the test-file indices of
 * the images, ascending) and {@code intrinsic_dimension.json} (the results whole, read back when a later run reuses
 * the stage); hands on {@link IntrinsicDimensions}.
 */
public final class IntrinsicStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(IntrinsicStage.class);
    private static final String TEST = "test";
    static final String TABLE = "intrinsic_dimension.csv";
    /** The approximate neighbour search's recall per layer, written only where it ran. */
    static final String RECALLS = "neighbor_recall.csv";
    static final String SUBSET = "subset.npy";
    private static final String RESULTS = "intrinsic_dimension.json";

    private final IntrinsicSettings settings;

    @Inject
    IntrinsicStage(IntrinsicSettings settings) {
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
        return Set.of(IntrinsicDimensions.ARTIFACT);
    }

    /** Checks the layers and the subset against what the capture keeps, as soon as it is known. */
    @Override
    public void check(Artifacts available) {
        CaptureShape.in(available).ifPresent(captured -> {
            List<InvalidSetting> problems = new ArrayList<>(captured.missing(List.of(TEST),
                    "the intrinsic stage estimates on the test split"));
            captured.layers().ifPresent(layers -> settings.layers().stream().filter(l -> !layers.contains(l))
                    .forEach(layer -> problems.add(new InvalidSetting("intrinsic.layers", "`" + layer + "` is not "
                            + "captured; the capture takes " + captured.describeLayers()))));
            captured.rows(TEST).ifPresent(testRows -> {
                int minimum = settings.twoNn().minimumPoints();
                if (settings.subset().isPresent() && settings.subset().get() > testRows) {
                    problems.add(new InvalidSetting("intrinsic.subset", "subset = " + settings.subset().get()
                            + " test images, but the capture keeps " + testRows + " of the test split; lower "
                            + "intrinsic.subset to at most " + testRows + ", or remove it to take "
                            + IntrinsicSettings.DEFAULT_SUBSET + " or all when fewer"));
                } else if (settings.size(testRows) < minimum) {
                    problems.add(new InvalidSetting("intrinsic.subset", "TwoNN with discard = "
                            + settings.twoNn().discard() + " needs at least " + minimum + " test images; "
                            + (settings.subset().isPresent() ? "subset is " + settings.subset().get()
                            : "the capture keeps " + testRows + " of the test split")));
                }
            });
            InvalidSettings.throwIfAny(problems);
        });
    }

    @Override
    public void run(StageContext context) throws IOException {
        Activations activations = context.read(Activations.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        check(Artifacts.of(Activations.ARTIFACT, activations));
        int epoch = model.trainedEpoch();
        Activations.SplitRows test = activations.splits().get(TEST);
        int n = settings.size(test.size());
        int[] rows = SeededRows.uniform(test.size(), n, settings.seed());
        List<String> layers = settings.layers().isEmpty() ? activations.layers() : settings.layers();
        int threads = settings.effectiveThreads();
        LOG.info("TwoNN intrinsic dimension of {} on {} of {} test images (discarding the {} largest ratios), on {} "
                + "thread(s)", layers, n, test.size(), settings.twoNn().discard(), threads);

        List<IntrinsicDimensions.Layer> estimates = new ArrayList<>();
        Map<String, Object> seconds = new LinkedHashMap<>();
        Map<String, Object> duplicates = new LinkedHashMap<>();
        Map<String, Double> recalls = new LinkedHashMap<>();
        try (Parallel parallel = new Parallel(threads)) {
            for (String layer : layers) {
                long start = System.nanoTime();
                FloatMatrix points = activations.load(layer, TEST).requireFinite("`" + layer + "` holds",
                        "test image", "TwoNN cannot measure distances to it (check the capture)").rows(rows);
                TwoNn.Estimate estimate = TwoNn.estimate(points, settings.twoNn(), settings.search(), parallel);
                double took = (System.nanoTime() - start) / 1e9;
                estimates.add(new IntrinsicDimensions.Layer(layer, epoch, estimate.dimension(), n,
                        estimate.duplicates()));
                seconds.put(layer, took);
                duplicates.put(layer, estimate.duplicates());
                if (!Double.isNaN(estimate.recall())) {
                    recalls.put(layer, estimate.recall());
                    LOG.info(String.format(Locale.ROOT, "%s: neighbours searched approximately (NN-descent, more "
                            + "than %d points), recall %.4f against exact neighbours on %d points", layer,
                            settings.search().exactUpTo(), estimate.recall(), Math.min(n,
                                    settings.search().recallSample())));
                }
                LOG.info(String.format(Locale.ROOT, "%s (%d-d): intrinsic dimension %.2f from %d points (%d fitted, "
                        + "%d duplicates) in %.1f s", layer, points.cols(), estimate.dimension(), n,
                        estimate.fitted(), estimate.duplicates(), took));
                if (Double.isNaN(estimate.dimension())) {
                    LOG.warn("{}: no TwoNN estimate: {} of the {} points have a duplicate, more than the {} "
                            + "discarded ratios leave out (or every fitted ratio is 1)", layer,
                            estimate.duplicates(), n, n - estimate.fitted());
                }
            }
        }
        Optional<EpochActivations> record = context.find(EpochActivations.ARTIFACT)
                .filter(EpochActivations::recorded);
        List<IntrinsicDimensions.Layer> byEpoch = new ArrayList<>();
        long epochsStart = System.nanoTime();
        if (record.isPresent() && record.get().size() < settings.twoNn().minimumPoints()) {
            LOG.warn("The per-epoch record holds {} images, fewer than the {} TwoNN needs: no per-epoch dimensions",
                    record.get().size(), settings.twoNn().minimumPoints());
        } else if (record.isPresent()) {
            byEpoch.addAll(byEpoch(record.get(), threads));
        }
        double epochsSeconds = (System.nanoTime() - epochsStart) / 1e9;
        IntrinsicDimensions results = new IntrinsicDimensions(estimates, byEpoch);
        int[] indices = Arrays.stream(rows).map(row -> test.sourceIndex()[row]).toArray();
        Npy.writeInts(context.outputDir().resolve(SUBSET), indices, indices.length);
        write(context.outputDir(), results);
        Map<String, Object> dimensions = new LinkedHashMap<>();
        results.layers().forEach(l -> dimensions.put(l.layer(), Double.isNaN(l.id()) ? null : l.id()));
        context.metric("intrinsic-dimension", dimensions);
        context.metric("subset", n);
        context.metric("epoch", epoch);
        context.metric("duplicates", duplicates);
        context.metric("seconds", seconds);
        if (!recalls.isEmpty()) {
            // the approximate neighbour search's recall, where it ran (subsets above search.exact-up-to)
            context.metric("neighbor-recall", recalls);
            List<String> lines = new ArrayList<>(List.of("layer,recall"));
            recalls.forEach((layer, recall) -> lines.add(String.format(Locale.ROOT, "%s,%.6f", layer, recall)));
            Files.write(context.outputDir().resolve(RECALLS), lines);
        }
        if (!byEpoch.isEmpty()) {
            Map<String, Object> curves = new LinkedHashMap<>();
            for (String layer : results.epochLayers()) {
                curves.put(layer, Arrays.stream(results.byEpoch(layer)).map(p -> Double.isNaN(p[1]) ? null : p[1])
                        .toList());
            }
            context.metric("by-epoch", curves);
            context.metric("by-epoch-seconds", epochsSeconds);
            LOG.info(String.format(Locale.ROOT, "TwoNN of the per-epoch record (%d layers, %d epochs, %,d images) "
                    + "took %.1f s", results.epochLayers().size(), record.orElseThrow().epochs().size(),
                    record.orElseThrow().size(), epochsSeconds));
        }
        context.write(IntrinsicDimensions.ARTIFACT, results);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        Path file = context.outputDir().resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": the intrinsic stage's results cannot be read back without it");
        }
        Config root = ConfigFactory.parseFile(file.toFile());
        context.write(IntrinsicDimensions.ARTIFACT, new IntrinsicDimensions(lines(root.getConfigList("layers")),
                lines(root.getConfigList("by-epoch"))));
    }

    private static List<IntrinsicDimensions.Layer> lines(List<? extends Config> json) {
        return json.stream().map(line -> new IntrinsicDimensions.Layer(line.getString("layer"), line.getInt("epoch"),
                line.getIsNull("id") ? Double.NaN : line.getDouble("id"), line.getInt("n"),
                line.getInt("duplicates"))).toList();
    }

    /** Every layer of the record (those of intrinsic.layers when it names any) after every epoch recorded. */
    private List<IntrinsicDimensions.Layer> byEpoch(EpochActivations record, int threads) throws IOException {
        List<IntrinsicDimensions.Layer> lines = new ArrayList<>();
        try (Parallel parallel = new Parallel(threads)) {
            for (String layer : record.layers()) {
                if (!settings.layers().isEmpty() && !settings.layers().contains(layer)) {
                    continue;
                }
                for (int epoch : record.epochs()) {
                    FloatMatrix points = record.load(layer, epoch).requireFinite("`" + layer + "` after epoch "
                            + epoch + " holds", "recorded image", "TwoNN cannot measure distances to it");
                    TwoNn.Estimate estimate = TwoNn.estimate(points, settings.twoNn(), settings.search(), parallel);
                    lines.add(new IntrinsicDimensions.Layer(layer, epoch, estimate.dimension(), points.rows(),
                            estimate.duplicates()));
                }
            }
        }
        return lines;
    }

    /** The table for people and the JSON that {@link #restore} reads, of the same results. */
    private static void write(Path dir, IntrinsicDimensions results) throws IOException {
        List<String> table = new ArrayList<>(List.of("layer,epoch,id,n"));
        List<Map<String, Object>> json = lines(table, results.layers());
        List<Map<String, Object>> byEpoch = lines(table, results.byEpoch());
        Files.write(dir.resolve(TABLE), table);
        Json.write(dir.resolve(RESULTS), Map.of("layers", json, "by-epoch", byEpoch));
    }

    /** Appends {@code layers} to the table; returns them as JSON. */
    private static List<Map<String, Object>> lines(List<String> table, List<IntrinsicDimensions.Layer> layers) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (IntrinsicDimensions.Layer layer : layers) {
            table.add(String.format(Locale.ROOT, "%s,%d,%.6f,%d", Csv.field(layer.layer()), layer.epoch(),
                    layer.id(), layer.n()));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("layer", layer.layer());
            line.put("epoch", layer.epoch());
            line.put("id", Double.isNaN(layer.id()) ? null : layer.id());
            line.put("n", layer.n());
            line.put("duplicates", layer.duplicates());
            json.add(line);
        }
        return json;
    }
}

package dev.layerscope.probe;

import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureShape;
import dev.layerscope.capture.EpochActivations;
import dev.layerscope.data.Dataset;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.train.TrainedModel;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how linearly each captured layer separates the classes: a linear probe ({@link LinearProbe}) per layer
 * and strength, fitted on the training split's activations; the strength with the best accuracy on the validation
 * split is picked (one strength needs no validation split), and its accuracy on the test split is the layer's. One
 * layer is in memory at a time.
 *
 * <p>When the capture kept a per-epoch record ({@link EpochActivations}), each of its layers that is probed also gets
 * a probe per epoch recorded (0 before training to the last), with the strength the layer's final probe chose,
 * fitted on a seeded half of the record's images ({@code probe.seed}) and scored on the other half: the record holds
 * test images only, so both halves are test images, and every epoch is fitted and scored on the same two halves.
 *
 * <p>Each layer's final probes are a {@linkplain dev.layerscope.kernel.StoredParts stored part}, keyed by what the
 * layer depends on ({@link Activations#layerFingerprint}) and the probe's settings: the probes of the raw pixels are
 * linked from a run of another network on the same images. Writes {@code probes.csv} and {@code probes.json} (see
 * {@link ProbeFiles}), the same in {@code run.json}, and hands on {@link ProbeResults}; a later run with the same
 * inputs and settings reads them back from {@code probes.json}.
 */
public final class ProbeStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeStage.class);
    private static final String TRAIN = "train";
    private static final String VALIDATION = "validation";
    private static final String TEST = "test";

    private final ProbeSettings settings;

    @Inject
    ProbeStage(ProbeSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, TrainedModel.ARTIFACT, Activations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> readsIfWritten() {
        return Set.of(EpochActivations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(ProbeResults.ARTIFACT);
    }

    /**
     * Checks the settings against what the capture stage hands on, as soon as it is known (at planning, from its
     * preview; in a run, from the activations), and the captured labels against the dataset's classes.
     */
    @Override
    public void check(Artifacts available) {
        CaptureShape.in(available).ifPresent(this::checkCapture);
        available.find(Dataset.ARTIFACT).ifPresent(dataset -> available.find(Activations.ARTIFACT)
                .ifPresent(activations -> checkLabels(dataset, activations)));
    }

    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        Activations activations = context.read(Activations.ARTIFACT);
        checkCapture(activations.shape());
        checkLabels(dataset, activations);
        int classes = dataset.classCount();
        int epoch = model.trainedEpoch();
        List<String> layers = settings.layers().isEmpty() ? activations.layers() : settings.layers();
        Activations.SplitRows trainRows = activations.splits().get(TRAIN);
        Activations.SplitRows testRows = activations.splits().get(TEST);
        Activations.SplitRows validationRows = activations.splits().get(VALIDATION);
        boolean validated = validationRows != null && validationRows.size() > 0;
        int threads = settings.effectiveThreads();
        LOG.info("Linear probes of {} after epoch {}: strengths {}, {} training points{} -> {} test points, on {} "
                + "thread(s)", layers, epoch, settings.logistic().strengths(), trainRows.size(),
                validated ? ", picked on " + validationRows.size() + " validation points" : "", testRows.size(),
                threads);

        List<ProbeResults.LayerProbe> probed = new ArrayList<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Optional<EpochActivations> record = context.find(EpochActivations.ARTIFACT)
                .filter(EpochActivations::recorded);
        List<ProbeResults.EpochProbe> byEpoch = new ArrayList<>();
        double epochsSeconds = 0;
        try (Parallel parallel = new Parallel(threads)) {
            for (String layer : layers) {
                long start = System.nanoTime();
                // a stored part keyed by the layer's own fingerprint: the probes of the raw pixels are the same
                // whatever network the run trained, and so are shared
                context.parts().include(layer, "layer=" + layer + "\nlogistic=" + settings.logistic() + "\n",
                        List.of(activations.layerFingerprint(layer)), folder -> ProbeFiles.writeLayer(folder,
                                probe(activations, layer, classes, validated, parallel)));
                // computed or reused, the layer's probes are read from the stage folder: one path
                ProbeResults.LayerProbe probe = ProbeFiles.readLayer(context.outputDir(), layer);
                seconds.put(layer, (System.nanoTime() - start) / 1e9);
                probed.add(probe);
                logged(probe, seconds.get(layer));
            }
            if (record.isPresent()) {
                long start = System.nanoTime();
                byEpoch.addAll(byEpoch(record.get(), probed, classes, parallel));
                epochsSeconds = (System.nanoTime() - start) / 1e9;
            }
        }
        ProbeResults results = new ProbeResults(epoch, probed, byEpoch);
        ProbeFiles.write(context.outputDir(), results);
        context.metric("epoch", epoch);
        context.metric("probes", results.layers().stream().map(ProbeFiles::toJson).toList());
        context.metric("seconds", seconds);
        if (!byEpoch.isEmpty()) {
            Map<String, Object> curves = new LinkedHashMap<>();
            for (String layer : results.epochLayers()) {
                curves.put(layer, Arrays.stream(results.byEpoch(layer)).map(point -> point[1]).toList());
            }
            context.metric("by-epoch", curves);
            context.metric("by-epoch-seconds", epochsSeconds);
            LOG.info("Per-epoch probes on the held-out half of the {} recorded images, in {}: {}",
                    record.orElseThrow().size(), String.format(Locale.ROOT, "%.1f s", epochsSeconds), curves);
        }
        context.write(ProbeResults.ARTIFACT, results);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        context.write(ProbeResults.ARTIFACT, ProbeFiles.read(context.outputDir()));
    }

    /**
     * One layer's probes: every strength fitted on the training split, each scored on the validation split when
     * there is one, the best of them on the training and test splits. The training activations are loaded here
     * only, so that they are garbage once the fits return.
     */
    private ProbeResults.LayerProbe probe(Activations activations, String layer, int classes, boolean validated,
                                          Parallel parallel) throws IOException {
        int[] trainLabels = activations.splits().get(TRAIN).labels();
        FloatMatrix train = finite(activations.load(layer, TRAIN), layer, TRAIN);
        List<LinearProbe> probes = LinearProbe.fit(train, trainLabels, classes, settings.logistic(), parallel);
        int[] correct = new int[probes.size()];
        ProbeResults.Score[] validation = new ProbeResults.Score[probes.size()];
        if (validated) {
            int[] labels = activations.splits().get(VALIDATION).labels();
            FloatMatrix rows = finite(activations.load(layer, VALIDATION), layer, VALIDATION);
            for (int i = 0; i < probes.size(); i++) {
                correct[i] = probes.get(i).correct(rows, labels);
                validation[i] = new ProbeResults.Score(correct[i], labels.length);
            }
        } else {
            Arrays.fill(validation, ProbeResults.Score.NONE);
        }
        int chosen = LinearProbe.best(probes, correct);
        LinearProbe best = probes.get(chosen);
        ProbeResults.Score trainScore = new ProbeResults.Score(best.correct(train, trainLabels), trainLabels.length);
        int[] testLabels = activations.splits().get(TEST).labels();
        FloatMatrix test = finite(activations.load(layer, TEST), layer, TEST);
        ProbeResults.Score testScore = new ProbeResults.Score(best.correct(test, testLabels), testLabels.length);
        List<ProbeResults.Fit> fits = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            LinearProbe probe = probes.get(i);
            fits.add(new ProbeResults.Fit(probe.strength(), validation[i], probe.iterations(), probe.converged()));
        }
        List<Double> stopped = probes.stream().filter(probe -> !probe.converged()).map(LinearProbe::strength).toList();
        if (!stopped.isEmpty()) {
            LOG.info("{}: the fits with strength {} stopped before probe.logistic.tolerance (at probe.logistic."
                    + "iterations = {}, or where single precision could not improve them)", layer, stopped,
                    settings.logistic().iterations());
        }
        return new ProbeResults.LayerProbe(layer, train.cols(), fits, chosen, trainScore, testScore);
    }

    /**
     * Each probed layer of the record after each epoch: fitted on a seeded half of the record's images with the
     * strength its final probe chose, scored on the other half. Nothing when the record holds fewer than 2 images.
     */
    private List<ProbeResults.EpochProbe> byEpoch(EpochActivations record, List<ProbeResults.LayerProbe> probed,
                                                  int classes, Parallel parallel) throws IOException {
        int n = record.size();
        if (n < 2) {
            LOG.warn("The per-epoch record holds {} image(s): no per-epoch probes, which need a half to fit on and "
                    + "one to score", n);
            return List.of();
        }
        int[] fitRows = SeededRows.uniform(n, n / 2, settings.seed());
        boolean[] fitted = new boolean[n];
        for (int row : fitRows) {
            fitted[row] = true;
        }
        int[] heldOutRows = IntStream.range(0, n).filter(row -> !fitted[row]).toArray();
        int[] fitLabels = Arrays.stream(fitRows).map(row -> record.labels()[row]).toArray();
        int[] heldOutLabels = Arrays.stream(heldOutRows).map(row -> record.labels()[row]).toArray();
        List<ProbeResults.EpochProbe> probes = new ArrayList<>();
        for (ProbeResults.LayerProbe layer : probed) {
            if (!record.layers().contains(layer.layer())) {
                continue;
            }
            double strength = layer.chosenFit().strength();
            LinearProbe.Options options = LinearProbe.Options.of(strength, settings.logistic().iterations(),
                    settings.logistic().tolerance());
            for (int epoch : record.epochs()) {
                FloatMatrix points = record.load(layer.layer(), epoch).requireFinite("`" + layer.layer()
                        + "` after epoch " + epoch + " holds", "recorded image", "a linear probe cannot fit it");
                LinearProbe probe = LinearProbe.fit(points.rows(fitRows), fitLabels, classes, options, parallel)
                        .getFirst();
                probes.add(new ProbeResults.EpochProbe(layer.layer(), points.cols(), epoch, strength,
                        new ProbeResults.Score(probe.correct(points.rows(heldOutRows), heldOutLabels),
                                heldOutRows.length), probe.iterations(), probe.converged()));
            }
        }
        return probes;
    }

    /** Logs one layer's probes and the seconds they took. */
    private static void logged(ProbeResults.LayerProbe probe, double seconds) {
        String picked = probe.fits().stream().filter(fit -> fit.validation().points() > 0)
                .map(fit -> fit.strength() + " " + format(fit.validation().accuracy()))
                .collect(Collectors.joining(", "));
        LOG.info("{} ({}-d): linear probe {} on test, {} on train, strength {}{}; {} iterations; {}",
                probe.layer(), probe.dimensions(), format(probe.test().accuracy()), format(probe.train().accuracy()),
                probe.chosenFit().strength(), picked.isEmpty() ? "" : " (validation: " + picked + ")",
                probe.fits().stream().map(fit -> String.valueOf(fit.iterations())).collect(Collectors.joining("+")),
                String.format(Locale.ROOT, "%.1f s", seconds));
    }

    /**
     * The splits and layers the settings need: train and test; validation to pick among several strengths, with
     * images in it; every layer named in probe.layers captured.
     */
    private void checkCapture(CaptureShape captured) {
        List<InvalidSetting> problems = new ArrayList<>(captured.missing(List.of(TRAIN, TEST),
                "the probe stage fits on the train split and scores the test split"));
        int strengths = settings.logistic().strengths().size();
        if (settings.picksStrength()) {
            problems.addAll(captured.missing(List.of(VALIDATION), "the probe stage picks the best of the "
                    + strengths + " probe.logistic.strengths on the validation split (or name one strength)"));
            captured.rows(VALIDATION).ifPresent(rows -> {
                if (rows == 0) {
                    problems.add(new InvalidSetting("probe.logistic.strengths", "picking the best of " + strengths
                            + " strengths needs validation images, and the capture keeps none (is "
                            + "data.validation-fraction 0?); name one strength, or hold out validation images"));
                }
            });
        }
        captured.layers().ifPresent(layers -> settings.layers().stream().filter(layer -> !layers.contains(layer))
                .forEach(layer -> problems.add(new InvalidSetting("probe.layers", "`" + layer + "` is not "
                        + "captured; the capture takes " + captured.describeLayers()))));
        InvalidSettings.throwIfAny(problems);
    }

    /** The captured labels against the dataset's classes. */
    private static void checkLabels(Dataset dataset, Activations activations) {
        activations.splits().forEach((split, rows) -> {
            for (int label : rows.labels()) {
                if (label < 0 || label >= dataset.classCount()) {
                    throw new IllegalArgumentException("the capture stage's " + split + " labels hold class " + label
                            + ", but the dataset has " + dataset.classCount() + " classes (data.class-names): the "
                            + "stages disagree on the classes");
                }
            }
        });
    }

    private static FloatMatrix finite(FloatMatrix points, String layer, String split) {
        return points.requireFinite("the " + split + " activations of `" + layer + "` hold", "row",
                "a linear probe cannot fit or score it (check the stage that made it)");
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}

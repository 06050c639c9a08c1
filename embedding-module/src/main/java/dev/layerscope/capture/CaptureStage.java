package dev.layerscope.capture;

import dev.layerscope.data.DataShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Npy;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.CodeIdentity;
import dev.layerscope.kernel.Hashes;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.Progress;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.train.NetworkLayout;
import dev.layerscope.train.TrainedModel;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what the trained network computes: the activations of the chosen layers (and the raw input as the
 * pseudo-layer {@code input}) for each chosen split, as float32 {@code .npy} files with the labels and source
 * positions beside them, a layer wider than {@code capture.max-width} through a seeded random projection. Images go
 * through the network a batch at a time and each batch is appended to the files, so memory holds one batch of
 * activations whatever the split's size. The same forward pass gives the network's output (its softmax) for every
 * captured image, kept beside the layers but not as one ({@link NetworkOutputs}, unless {@code capture.outputs =
 * false}). Then the per-epoch record: the same layers of a seeded subset of test images for the network of every
 * epoch, replayed from the parameters the train stage kept.
 */
public final class CaptureStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureStage.class);
    /** The captured layers, a line each in capture order: name, width captured, the layer's width, reduction. */

    private final CaptureSettings settings;

    @Inject
    CaptureStage(CaptureSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, TrainedModel.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Activations.ARTIFACT, EpochActivations.ARTIFACT, NetworkOutputs.ARTIFACT);
    }

    /**
     * Checks the layers named in capture.layers against the network's, as soon as they are known (at planning from
     * the train stage's preview, in a run from the trained model itself, whichever stage trained it), and the
     * per-epoch record's subset against the test split, as soon as the data's shape is known.
     */
    @Override
    public void check(Artifacts available) {
        List<InvalidSetting> problems = new ArrayList<>();
        NetworkLayout.in(available).ifPresent(network -> {
            List<String> known = new ArrayList<>();
            known.add(CaptureSettings.INPUT);
            known.addAll(network.names());
            settings.layers().stream().filter(layer -> !known.contains(layer)).findFirst().ifPresent(layer ->
                    problems.add(new InvalidSetting("capture.layers", "the model has no layer `" + layer + "`; its "
                            + "layers are " + String.join(", ", known) + " (name layers with `name = ...` in "
                            + "model.layers)")));
        });
        DataShape.in(available).ifPresent(data -> {
            int test = data.test().size();
            int images = settings.epochs().images(test);
            if (images > test) {
                problems.add(new InvalidSetting("capture.epochs.images", "the per-epoch record's " + images
                        + " test images are more than the test split's " + test + "; set capture.epochs.images to "
                        + "at most " + test + " (0 records no epochs)"));
            }
        });
        InvalidSettings.throwIfAny(problems);
    }

    /**
     * The splits and the images kept of each (once the data's shape is known) and the layers captured (once the
     * network's are, or when capture.layers names them), for the checks of the stages that read the activations.
     */
    @Override
    public Artifacts preview(Artifacts earlier) {
        List<String> splits = settings.splits().stream().map(CaptureSettings.SplitName::key).toList();
        Map<String, Integer> rows = new LinkedHashMap<>();
        DataShape.in(earlier).ifPresent(data -> settings.splits().forEach(split -> rows.put(split.key(),
                settings.rows(counts(data, split)))));
        Optional<List<String>> layers = settings.layers().isEmpty()
                ? NetworkLayout.in(earlier).map(settings::chosenLayers) : Optional.of(settings.layers());
        return Artifacts.of(CaptureShape.ARTIFACT, new CaptureShape(splits, rows, layers, settings.describeChoice()));
    }

    /** The runner has called {@link #check} with the trained model just before. */
    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        MultiLayerNetwork network = model.network();
        NetworkLayout layout = model.layout();

        Map<String, LayerReduction> reductions = new LinkedHashMap<>();
        for (String layer : settings.chosenLayers(layout)) {
            long width = layer.equals(CaptureSettings.INPUT) ? (long) dataset.rows() * dataset.cols()
                    : layout.layers().get(layout.names().indexOf(layer)).width();
            reductions.put(layer, settings.reduction(width));
        }
        Map<String, Integer> widths = LayerReduction.widths(reductions);
        LOG.info("Capturing {} for {}", describe(reductions), settings.splits().stream()
                .map(CaptureSettings.SplitName::key).toList());
        if (reductions.values().stream().anyMatch(LayerReduction::projected)) {
            LOG.info("The projected layers are wider than capture.max-width = {}; name a layer in capture.layers to "
                    + "capture it whole", settings.maxWidth());
        }

        // the output layer's width: the classes; 0 records no output
        int outputWidth = settings.outputs() ? Math.toIntExact(layout.layers().getLast().width()) : 0;
        if (settings.outputs()) {
            LOG.info("Recording the network's output ({} values an image) for every captured image, as "
                    + "<split>-outputs.npy", outputWidth);
        } else {
            LOG.info("Not recording the network's output: capture.outputs = false");
        }

        Map<String, Activations.SplitRows> captured = new LinkedHashMap<>();
        EpochActivations epochs;
        try (LayerOutputs outputs = new LayerOutputs(layout.names(), reductions)) {
            for (CaptureSettings.SplitName name : settings.splits()) {
                Split split = split(dataset, name);
                int[] rows = chosenRows(split, dataset.classCount());
                String splitName = split.name();
                int[] labels = IntStream.of(rows).map(split::label).toArray();
                int[] sourceIndex = IntStream.of(rows).map(split::sourceIndex).toArray();
                Npy.writeInts(context.outputDir().resolve(splitName + "-labels.npy"), labels, labels.length);
                Npy.writeInts(context.outputDir().resolve(splitName + "-index.npy"), sourceIndex,
                        sourceIndex.length);
                long start = System.nanoTime();
                capture(context, network, outputs, split, rows, widths, outputWidth);
                captured.put(splitName, new Activations.SplitRows(labels, sourceIndex));
                context.metric("rows-" + splitName, rows.length);
                context.metric("seconds-" + splitName, (System.nanoTime() - start) / 1e9);
            }
            epochs = recordEpochs(context, model, dataset.test(), outputs, hidden(reductions));
        }
        context.metric("layers", new ArrayList<>(reductions.keySet()));
        context.metric("widths", widths);
        Map<String, String> described = new LinkedHashMap<>();
        reductions.forEach((layer, reduction) -> described.put(layer, reduction.describe()));
        context.metric("reductions", described);
        List<String> lines = new ArrayList<>(List.of(Activations.LAYERS_HEADER));
        reductions.forEach((layer, reduction) -> lines.add(layer + "\t" + reduction.width() + "\t"
                + reduction.layerWidth() + "\t" + reduction.describe()));
        Files.write(context.outputDir().resolve(Activations.LAYERS_FILE), lines);
        Map<String, String> fingerprints = layerFingerprints(context, reductions);
        context.metric("layer-fingerprints", fingerprints);
        context.write(Activations.ARTIFACT, new Activations(context.publishedDir(),
                List.copyOf(reductions.keySet()), Map.copyOf(widths), Map.copyOf(reductions), captured,
                Map.copyOf(fingerprints)));
        context.write(EpochActivations.ARTIFACT, epochs);
        context.write(NetworkOutputs.ARTIFACT, settings.outputs()
                ? new NetworkOutputs(context.publishedDir(), captured) : NetworkOutputs.none(context.publishedDir()));
    }

    /**
     * The per-epoch record, when it is asked for and the train stage kept the parameters of its epochs; otherwise
     * an empty one, saying why in the log.
     */
    private EpochActivations recordEpochs(StageContext context, TrainedModel model, Split test, LayerOutputs outputs,
                                          Map<String, LayerReduction> layers) throws IOException {
        Path dir = context.outputDir().resolve(EpochRecorder.FOLDER);
        Path published = context.publishedDir().resolve(EpochRecorder.FOLDER);
        String none = settings.epochs().images(test.size()) == 0 ? "capture.epochs.images = 0"
                : model.epochs().isEmpty() ? "the train stage kept no parameters of its epochs"
                : layers.isEmpty() ? "the capture takes no hidden layer" : "";
        if (!none.isEmpty()) {
            LOG.info("No per-epoch record: {}", none);
            return EpochActivations.none(published);
        }
        long start = System.nanoTime();
        EpochActivations epochs = new EpochRecorder(settings.epochs(), settings.batchSize(), layers)
                .record(context, model.network(), model.epochs().get(), test, outputs, dir, published);
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes = 0;
        for (String layer : epochs.layers()) {
            bytes += Files.size(dir.resolve(EpochActivations.fileName(layer)));
        }
        LOG.info(String.format(Locale.ROOT, "Per-epoch record: %d test images, epochs 0 to %d (the model is epoch "
                        + "%d), %s: %.1f s, %.1f MB", epochs.size(), epochs.epochs().getLast(), epochs.keptEpoch(),
                String.join(", ", epochs.layers()), seconds, bytes / 1e6));
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("images", epochs.size());
        metric.put("epochs", epochs.epochs().size());
        metric.put("kept-epoch", epochs.keptEpoch());
        metric.put("seconds", seconds);
        metric.put("megabytes", bytes / 1e6);
        context.metric("epoch-record", metric);
        return epochs;
    }

    /** The captured layers but the input: the per-epoch record's. */
    private static Map<String, LayerReduction> hidden(Map<String, LayerReduction> reductions) {
        Map<String, LayerReduction> hidden = new LinkedHashMap<>(reductions);
        hidden.remove(CaptureSettings.INPUT);
        return hidden;
    }

    @Override
    public void restore(StageContext context) throws IOException {
        Path dir = context.outputDir();
        Map<String, LayerReduction> reductions = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve(Activations.LAYERS_FILE)).stream().skip(1).toList()) {
            String[] fields = line.split("\t");
            int width = Integer.parseInt(fields[1]);
            long layerWidth = Long.parseLong(fields[2]);
            // the settings are those the folder was made with: they are part of its fingerprint
            reductions.put(fields[0], width == layerWidth ? LayerReduction.whole(layerWidth)
                    : LayerReduction.projected(layerWidth, settings.projection()));
        }
        Map<String, Activations.SplitRows> captured = new LinkedHashMap<>();
        for (CaptureSettings.SplitName name : settings.splits()) {
            String split = name.key();
            captured.put(split, new Activations.SplitRows(Npy.readInts(dir.resolve(split + "-labels.npy")).values(),
                    Npy.readInts(dir.resolve(split + "-index.npy")).values()));
        }
        context.write(Activations.ARTIFACT, new Activations(dir, List.copyOf(reductions.keySet()),
                Map.copyOf(LayerReduction.widths(reductions)), Map.copyOf(reductions), captured,
                Map.copyOf(layerFingerprints(context, reductions))));
        context.write(EpochActivations.ARTIFACT, EpochRecorder.restore(dir.resolve(EpochRecorder.FOLDER),
                hidden(reductions)));
        // capture.outputs is part of the folder's fingerprint: the outputs are there when it says so
        context.write(NetworkOutputs.ARTIFACT, settings.outputs() ? new NetworkOutputs(dir, captured)
                : NetworkOutputs.none(dir));
    }

    /**
     * What each captured layer's files depend on ({@link Activations#layerFingerprint}): this stage's class and
     * code, the data set, the settings that choose the images (splits, per-class, seed) and what the capture did
     * to the layer (whole, or which projection); for a layer of the network also the trained model. Values that
     * went through a product (a network layer's, a projected one's) also depend on the batch they were computed in,
     * whose size may change their last bits; the raw pixels taken whole do not. Not the per-epoch record's
     * settings nor capture.outputs, which change no layer's files. The same at run and at restore: the inputs and
     * settings are those the stored folder was made with.
     */
    private Map<String, String> layerFingerprints(StageContext context, Map<String, LayerReduction> reductions) {
        String images = "class=" + CaptureStage.class.getName() + "\ncode=" + CodeIdentity.of(CaptureStage.class)
                + "\ndataset=" + context.fingerprint(Dataset.ARTIFACT) + "\nsplits=" + settings.splits()
                + "\nper-class=" + settings.perClass() + "\nseed=" + settings.seed() + "\n";
        String model = "model=" + context.fingerprint(TrainedModel.ARTIFACT) + "\n";
        String batch = "batch-size=" + settings.batchSize() + "\n";
        Map<String, String> fingerprints = new LinkedHashMap<>();
        reductions.forEach((layer, reduction) -> {
            boolean pixels = layer.equals(CaptureSettings.INPUT);
            fingerprints.put(layer, Hashes.sha256(images + (pixels ? "" : model)
                    + (pixels && !reduction.projected() ? "" : batch) + "layer=" + layer + "\nreduction="
                    + reduction + "\n"));
        });
        return fingerprints;
    }

    /**
     * Streams one split through the network, appending each batch's activations to each layer's file and, with
     * {@code outputWidth} above 0, the network's output of the same forward pass to the split's outputs file.
     */
    private void capture(StageContext context, MultiLayerNetwork network, LayerOutputs outputs, Split split,
                         int[] rows, Map<String, Integer> widths, int outputWidth) throws IOException {
        int pixels = split.source().pixelsPerImage();
        Map<String, Npy.FloatWriter> writers = new LinkedHashMap<>();
        Npy.FloatWriter outputWriter = null;
        Exception failure = null;
        try {
            for (Map.Entry<String, Integer> layer : widths.entrySet()) {
                writers.put(layer.getKey(), Npy.floatWriter(context.outputDir().resolve(
                        Activations.fileName(layer.getKey(), split.name())), rows.length, layer.getValue()));
            }
            if (outputWidth > 0) {
                outputWriter = Npy.floatWriter(context.outputDir().resolve(NetworkOutputs.fileName(split.name())),
                        rows.length, outputWidth);
            }
            Progress progress = context.progress("capture " + split.name(), rows.length);
            float[] batch = new float[settings.batchSize() * pixels];
            for (int start = 0; start < rows.length; start += settings.batchSize()) {
                int count = Math.min(settings.batchSize(), rows.length - start);
                for (int i = 0; i < count; i++) {
                    split.copyScaled(rows[start + i], batch, i * pixels);
                }
                try (INDArray input = Nd4j.create(batch, new long[] {settings.batchSize(), pixels}, 'c')) {
                    INDArray x = count == settings.batchSize() ? input
                            : input.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
                    LayerOutputs.Pass pass = outputs.of(network, x, widths.keySet());
                    for (Map.Entry<String, float[]> layer : pass.layers().entrySet()) {
                        writers.get(layer.getKey()).write(layer.getValue(), 0, layer.getValue().length);
                    }
                    if (outputWriter != null) {
                        if (pass.output().length != count * outputWidth) {
                            throw new IllegalStateException("the network's output has " + pass.output().length
                                    + " values for " + count + " images; its output layer is " + outputWidth
                                    + " wide");
                        }
                        outputWriter.write(pass.output(), 0, pass.output().length);
                    }
                }
                progress.advance(count);
            }
            progress.done();
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            List<Npy.FloatWriter> all = new ArrayList<>(writers.values());
            if (outputWriter != null) {
                all.add(outputWriter);
            }
            Npy.closeAll(all, failure);
        }
    }

    /** The split's rows to capture: all, or a seeded subset of {@code perClass} per class in ascending order. */
    private int[] chosenRows(Split split, int classes) {
        if (settings.perClass() == 0) {
            return IntStream.range(0, split.size()).toArray();
        }
        Random random = new Random(settings.seed());
        int[] order = IntStream.range(0, split.size()).toArray();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int[] taken = new int[classes];
        return IntStream.of(order).filter(i -> taken[split.label(i)]++ < settings.perClass()).sorted().toArray();
    }

    private static Split split(Dataset dataset, CaptureSettings.SplitName name) {
        return switch (name) {
            case TRAIN -> dataset.train();
            case VALIDATION -> dataset.validation();
            case TEST -> dataset.test();
        };
    }

    private static DataShape.ClassCounts counts(DataShape data, CaptureSettings.SplitName name) {
        return switch (name) {
            case TRAIN -> data.train();
            case VALIDATION -> data.validation();
            case TEST -> data.test();
        };
    }

    /** "input (784, full width), conv1 (random projection 21,632 -> 1,024, seed 7)": for the log. */
    private static String describe(Map<String, LayerReduction> reductions) {
        List<String> parts = new ArrayList<>();
        reductions.forEach((layer, reduction) -> parts.add(layer + " (" + (reduction.projected() ? ""
                : reduction.width() + ", ") + reduction.describe() + ")"));
        return String.join(", ", parts);
    }
}

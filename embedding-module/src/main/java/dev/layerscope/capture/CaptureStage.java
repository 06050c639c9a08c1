package dev.layerscope.capture;

import dev.layerscope.data.DataShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Npy;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
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
 * positions beside them. Images go through the network a batch at a time and each batch is appended to the files,
 * so memory holds one batch of activations whatever the split's size.
 */
public final class CaptureStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureStage.class);
    /** The captured layers and their widths, one {@code layer<TAB>width} line each, in capture order. */
    private static final String LAYERS = "layers.tsv";

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
        return Set.of(Activations.ARTIFACT);
    }

    /**
     * Checks the layers named in capture.layers against the network's, as soon as they are known: at planning from
     * the train stage's preview, in a run from the trained model itself (whichever stage trained it).
     */
    @Override
    public void check(Artifacts available) {
        NetworkLayout.in(available).ifPresent(network -> {
            List<String> known = new ArrayList<>();
            known.add(CaptureSettings.INPUT);
            known.addAll(network.names());
            for (String layer : settings.layers()) {
                if (!known.contains(layer)) {
                    throw new InvalidSetting("capture.layers", "the model has no layer `" + layer + "`; its layers "
                            + "are " + String.join(", ", known) + " (name layers with `name = ...` in model.layers)");
                }
            }
        });
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

        Map<String, Integer> chosenWidths = new LinkedHashMap<>();
        for (String layer : chosenLayers(layout)) {
            chosenWidths.put(layer, layer.equals(CaptureSettings.INPUT) ? dataset.rows() * dataset.cols()
                    : Math.toIntExact(layout.layers().get(layout.names().indexOf(layer)).width()));
        }
        LOG.info("Capturing {} for {}", describe(chosenWidths), settings.splits().stream()
                .map(CaptureSettings.SplitName::key).toList());

        Map<String, Activations.SplitRows> captured = new LinkedHashMap<>();
        for (CaptureSettings.SplitName name : settings.splits()) {
            Split split = split(dataset, name);
            int[] rows = chosenRows(split, dataset.classCount());
            String splitName = split.name();
            int[] labels = IntStream.of(rows).map(split::label).toArray();
            int[] sourceIndex = IntStream.of(rows).map(split::sourceIndex).toArray();
            Npy.writeInts(context.outputDir().resolve(splitName + "-labels.npy"), labels, labels.length);
            Npy.writeInts(context.outputDir().resolve(splitName + "-index.npy"), sourceIndex, sourceIndex.length);
            capture(context, network, layout.names(), split, rows, chosenWidths);
            captured.put(splitName, new Activations.SplitRows(labels, sourceIndex));
            context.metric("rows-" + splitName, rows.length);
        }
        context.metric("layers", new ArrayList<>(chosenWidths.keySet()));
        context.metric("widths", chosenWidths);
        Files.write(context.outputDir().resolve(LAYERS), chosenWidths.entrySet().stream()
                .map(layer -> layer.getKey() + "\t" + layer.getValue()).toList());
        context.write(Activations.ARTIFACT, new Activations(context.publishedDir(), List.copyOf(chosenWidths.keySet()),
                Map.copyOf(chosenWidths), captured));
    }

    @Override
    public void restore(StageContext context) throws IOException {
        Path dir = context.outputDir();
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve(LAYERS))) {
            String[] fields = line.split("\t");
            widths.put(fields[0], Integer.parseInt(fields[1]));
        }
        Map<String, Activations.SplitRows> captured = new LinkedHashMap<>();
        for (CaptureSettings.SplitName name : settings.splits()) {
            String split = name.key();
            captured.put(split, new Activations.SplitRows(Npy.readInts(dir.resolve(split + "-labels.npy")).values(),
                    Npy.readInts(dir.resolve(split + "-index.npy")).values()));
        }
        context.write(Activations.ARTIFACT, new Activations(dir, List.copyOf(widths.keySet()), Map.copyOf(widths),
                captured));
    }

    /** Streams one split through the network, appending each batch's activations to each layer's file. */
    private void capture(StageContext context, MultiLayerNetwork network, List<String> layerNames, Split split,
                         int[] rows, Map<String, Integer> widths) throws IOException {
        int pixels = split.source().pixelsPerImage();
        Map<String, Npy.FloatWriter> writers = new LinkedHashMap<>();
        Exception failure = null;
        try {
            for (Map.Entry<String, Integer> layer : widths.entrySet()) {
                writers.put(layer.getKey(), Npy.floatWriter(context.outputDir().resolve(
                        Activations.fileName(layer.getKey(), split.name())), rows.length, layer.getValue()));
            }
            Progress progress = context.progress("capture " + split.name(), rows.length);
            float[] batch = new float[settings.batchSize() * pixels];
            for (int start = 0; start < rows.length; start += settings.batchSize()) {
                int count = Math.min(settings.batchSize(), rows.length - start);
                for (int i = 0; i < count; i++) {
                    split.copyScaled(rows[start + i], batch, i * pixels);
                }
                if (writers.containsKey(CaptureSettings.INPUT)) {
                    writers.get(CaptureSettings.INPUT).write(batch, 0, count * pixels);
                }
                try (INDArray input = Nd4j.create(batch, new long[] {settings.batchSize(), pixels}, 'c')) {
                    INDArray x = count == settings.batchSize() ? input
                            : input.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
                    List<INDArray> activations = network.feedForward(x, false);
                    for (Map.Entry<String, Npy.FloatWriter> writer : writers.entrySet()) {
                        if (!writer.getKey().equals(CaptureSettings.INPUT)) {
                            INDArray out = activations.get(layerNames.indexOf(writer.getKey()) + 1);
                            float[] values = out.dup('c').data().asFloat();
                            writer.getValue().write(values, 0, values.length);
                        }
                    }
                }
                progress.advance(count);
            }
            progress.done();
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            for (Npy.FloatWriter writer : writers.values()) {
                try {
                    writer.close();
                } catch (IOException e) {
                    // an incomplete file after a failure says nothing new; keep the failure's own message
                    if (failure == null) {
                        throw e;
                    }
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /** The layers to capture (see {@link CaptureSettings#chosenLayers}), saying which are left out and why. */
    private List<String> chosenLayers(NetworkLayout network) {
        for (NetworkLayout.Layer layer : settings.tooWide(network)) {
            LOG.info("Not capturing {} by default: {} values per image is more than capture.max-width = {} "
                    + "(name it in capture.layers to capture it)", layer.name(), layer.width(), settings.maxWidth());
        }
        return settings.chosenLayers(network);
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

    private static String describe(Map<String, Integer> widths) {
        List<String> parts = new ArrayList<>();
        widths.forEach((layer, width) -> parts.add(layer + " (" + width + ")"));
        return String.join(", ", parts);
    }
}

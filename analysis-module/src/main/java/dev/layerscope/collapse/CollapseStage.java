package dev.layerscope.collapse;

import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureShape;
import dev.layerscope.capture.EpochActivations;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.train.EpochParameters;
import dev.layerscope.train.NetworkLayout;
import dev.layerscope.train.TrainedModel;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures neural collapse ({@link NeuralCollapse}: NC1 to NC4) of the features the trained network's output layer
 * classifies: the penultimate layer's activations as the capture stage recorded them, on the training split (class
 * means, covariances, NC1 to NC3) and the test split (NC4), against the output layer's weights and bias, read from
 * the trained network. Which layer is measured comes from the network's own layout, whichever stage trained it
 * ({@link MeasuredLayer}); it must be captured on both splits, which is checked at planning.
 *
 * <p>Writes {@code collapse.csv} and {@code collapse.json} ({@link CollapseFiles}), the output layer's weights as
 * {@code last_layer_W.npy} (classes x width) and {@code last_layer_b.npy} (classes), and, where batch norm lies
 * between the layer and the output layer, the features it measured as {@code features-train.npy} and
 * {@code features-test.npy} (otherwise they are the capture stage's files), so that the measures can be checked
 * from the files alone ({@code bench/check_collapse.py}). Hands on {@link CollapseResults}; a later run with the
 * same inputs and settings reads them back from {@code collapse.json}.
 *
 * <p>When the capture kept a per-epoch record ({@link EpochActivations}) of the measured layer, the stage also
 * measures it after every epoch recorded (0 before training to the last), on the record's test images alone: the
 * class means, NC1 to NC3 and NC4 all come from those images (the training split is not recorded per epoch), and
 * the output layer's weights and bias are those of the same epoch, from the train stage's per-epoch parameters
 * ({@link EpochParameters}); batch norm between the layer and the output layer is applied with that epoch's
 * running statistics. A layer the record projected (wider than capture.max-width) has no per-epoch lines: the
 * output layer's weights are of the layer's own width.
 *
 * <p>The epoch of the trained network's line is {@link TrainedModel#trainedEpoch}: the epoch whose weights it holds,
 * which early stopping may have kept from before the last epoch trained.
 */
public final class CollapseStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(CollapseStage.class);
    private static final String TRAIN = "train";
    private static final String TEST = "test";
    /** DL4J's keys of a dense or output layer's parameters (DefaultParamInitializer). */
    private static final String WEIGHTS = "W";
    private static final String BIAS = "b";

    private final CollapseSettings settings;

    @Inject
    CollapseStage(CollapseSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, Activations.ARTIFACT, TrainedModel.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> readsIfWritten() {
        return Set.of(EpochActivations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(CollapseResults.ARTIFACT);
    }

    /**
     * Checks, as soon as each is known (at planning from the train and capture stages' previews, in a run from the
     * trained model and the activations): that the network has a layer to measure, as {@link MeasuredLayer} says,
     * and that the capture takes it on the train and test splits.
     */
    @Override
    public void check(Artifacts available) {
        Optional<CaptureShape> captured = CaptureShape.in(available);
        List<InvalidSetting> problems = new ArrayList<>();
        captured.ifPresent(shape -> problems.addAll(shape.missing(List.of(TRAIN, TEST), "the collapse stage "
                + "takes the class means from the train split and compares the network with them on the test split")));
        Optional<NetworkLayout> network = NetworkLayout.in(available);
        if (network.isPresent()) {
            try {
                MeasuredLayer layer = MeasuredLayer.in(network.get(), settings);
                captured.filter(shape -> shape.layers().isPresent() && !shape.layers().get().contains(layer.name()))
                        .ifPresent(shape -> problems.add(notCaptured(layer.name(), shape)));
            } catch (InvalidSetting problem) {
                problems.add(problem);
            }
        }
        InvalidSettings.throwIfAny(problems);
    }

    /** The runner has called {@link #check} with the trained model and the activations just before. */
    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        Activations activations = context.read(Activations.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        MultiLayerNetwork network = model.network();
        MeasuredLayer layer = MeasuredLayer.in(model.layout(), settings);
        int epoch = model.trainedEpoch();
        long start = System.nanoTime();

        float[][] weights = weights(network, layer, model.layout());
        float[] bias = bias(network, layer, weights.length);

        FloatMatrix train = features(captured(activations, layer, TRAIN), layer, network);
        FloatMatrix test = features(captured(activations, layer, TEST), layer, network);
        NeuralCollapse.Measures measures = NeuralCollapse.measure(train, activations.splits().get(TRAIN).labels(),
                dataset.classCount(), weights, bias, test, settings);
        double seconds = (System.nanoTime() - start) / 1e9;

        long epochsStart = System.nanoTime();
        Optional<EpochActivations> record = context.find(EpochActivations.ARTIFACT)
                .filter(EpochActivations::recorded);
        List<CollapseResults.Line> byEpoch = record.isEmpty() ? List.of()
                : byEpoch(record.get(), model, layer, dataset.classCount());
        double epochsSeconds = (System.nanoTime() - epochsStart) / 1e9;
        CollapseResults results = new CollapseResults(dataset.classCount(),
                List.of(new CollapseResults.Line(layer.name(), epoch, train.cols(), measures)), byEpoch);
        LOG.info("Neural collapse of {} ({} wide, {} training and {} test images) after epoch {}: NC1 {}, NC2 norm CV "
                + "{} and cosines {} +- {} (a simplex: {}), NC3 {}, NC4 {}, in {}", layer.name(), train.cols(),
                train.rows(), test.rows(), epoch, format(measures.nc1()), format(measures.nc2NormCv()),
                format(measures.nc2CosMean()), format(measures.nc2CosStd()), format(results.equiangularCosine()),
                format(measures.nc3()), format(measures.nc4()), String.format(Locale.ROOT, "%.2f s", seconds));

        Path dir = context.outputDir();
        float[] flat = new float[weights.length * train.cols()];
        for (int c = 0; c < weights.length; c++) {
            System.arraycopy(weights[c], 0, flat, c * train.cols(), train.cols());
        }
        Npy.writeFloats(dir.resolve("last_layer_W.npy"), flat, weights.length, train.cols());
        Npy.writeFloats(dir.resolve("last_layer_b.npy"), bias, bias.length);
        if (!layer.capturedAsMeasured()) {
            Npy.writeFloats(dir.resolve("features-train.npy"), train.values(), train.rows(), train.cols());
            Npy.writeFloats(dir.resolve("features-test.npy"), test.values(), test.rows(), test.cols());
        }
        CollapseFiles.write(dir, results);
        context.metric("lines", results.lines().stream().map(CollapseFiles::toJson).toList());
        context.metric("equiangular-cosine", results.equiangularCosine());
        context.metric("train-points", train.rows());
        context.metric("test-points", test.rows());
        context.metric("seconds", seconds);
        if (!byEpoch.isEmpty()) {
            context.metric("nc1-by-epoch", byEpoch.stream().map(line -> line.measures().nc1())
                    .map(nc1 -> Double.isFinite(nc1) ? nc1 : null).toList());
            context.metric("by-epoch-seconds", epochsSeconds);
            LOG.info(String.format(Locale.ROOT, "Neural collapse of %s after each of epochs 0 to %d on the %,d images "
                    + "of the per-epoch record took %.2f s; NC1 %s", layer.name(), byEpoch.getLast().epoch(),
                    record.orElseThrow().size(), epochsSeconds, Arrays.toString(byEpoch.stream()
                    .mapToDouble(line -> line.measures().nc1()).map(v -> Math.round(v * 1e4) / 1e4).toArray())));
        }
        context.write(CollapseResults.ARTIFACT, results);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        context.write(CollapseResults.ARTIFACT, CollapseFiles.read(context.outputDir()));
    }

    /**
     * The measured layer after every epoch of the record, on its images, with the output layer of that epoch; empty
     * (and said in the log) when the record cannot give them.
     */
    private List<CollapseResults.Line> byEpoch(EpochActivations record, TrainedModel model, MeasuredLayer layer,
                                               int classes) throws IOException {
        String why = null;
        if (!record.layers().contains(layer.name())) {
            why = "the per-epoch record does not hold `" + layer.name() + "` (it holds " + record.layers() + ")";
        } else if (record.reductions().containsKey(layer.name()) && record.reductions().get(layer.name())
                .projected()) {
            why = "the per-epoch record holds `" + layer.name() + "` through a random projection, which the output "
                    + "layer's weights do not fit";
        } else if (model.epochs().isEmpty()) {
            why = "the train stage kept no parameters of its epochs";
        } else if (Arrays.stream(record.labels()).distinct().count() < classes) {
            why = "the per-epoch record's " + record.size() + " images do not hold every class";
        }
        if (why != null) {
            LOG.warn("No neural collapse per epoch: {}", why);
            return List.of();
        }
        EpochParameters parameters = model.epochs().get();
        MultiLayerNetwork network = parameters.copyOf(model.network());
        List<CollapseResults.Line> lines = new ArrayList<>();
        for (int epoch : record.epochs()) {
            parameters.setEpoch(network, epoch);
            float[][] weights = weights(network, layer, model.layout());
            float[] bias = bias(network, layer, weights.length);
            FloatMatrix features = features(record.load(layer.name(), epoch).requireFinite(layer.name() + " after "
                    + "epoch " + epoch + " holds", "recorded image", "neural collapse is not defined for it"), layer,
                    network);
            lines.add(new CollapseResults.Line(layer.name(), epoch, features.cols(), NeuralCollapse.measure(features,
                    record.labels(), classes, weights, bias, features, settings)));
        }
        return lines;
    }

    /** The output layer's weights, classes x width. */
    private static float[][] weights(MultiLayerNetwork network, MeasuredLayer layer, NetworkLayout layout) {
        INDArray weightParam = network.getLayer(layer.output()).getParam(WEIGHTS);
        if (weightParam == null) {
            throw new IllegalArgumentException("the output layer `" + layout.names().get(layer.output())
                    + "` has no weight matrix `W`: the collapse stage needs a dense output layer");
        }
        // DL4J keeps an output layer's weights as width x classes; NC3 compares their transpose with the means
        return weightParam.transpose().castTo(DataType.FLOAT).dup('c').toFloatMatrix();
    }

    /** The output layer's bias, zeros when it has none. */
    private static float[] bias(MultiLayerNetwork network, MeasuredLayer layer, int classes) {
        Layer output = network.getLayer(layer.output());
        INDArray biasParam = output.getParam(BIAS);
        return biasParam == null ? new float[classes] : biasParam.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static FloatMatrix captured(Activations activations, MeasuredLayer layer, String split)
            throws IOException {
        return activations.load(layer.name(), split).requireFinite(layer.name() + " holds", split + " point",
                "neural collapse is not defined for it (check the stage that made it)");
    }

    /**
     * The features the output layer classifies: the layer's activations, through the batch-norm layers between the
     * layer and the output layer in inference mode (dropout is the identity then).
     */
    private static FloatMatrix features(FloatMatrix captured, MeasuredLayer layer, MultiLayerNetwork network) {
        if (layer.batchNorms().isEmpty()) {
            return captured;
        }
        INDArray x = Nd4j.create(captured.values(), new long[] {captured.rows(), captured.cols()}, 'c');
        for (int index : layer.batchNorms()) {
            x = network.getLayer(index).activate(x, false, LayerWorkspaceMgr.noWorkspaces());
        }
        return new FloatMatrix(captured.rows(), captured.cols(), x.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    /** The problem of a measured layer the capture leaves out: with collapse.layer where named, capture.layers else. */
    private InvalidSetting notCaptured(String layer, CaptureShape captured) {
        return settings.namesLayer()
                ? new InvalidSetting("collapse.layer", "`" + layer + "` is not captured; the capture takes "
                        + captured.describeLayers() + "; add it to capture.layers")
                : new InvalidSetting("capture.layers", "the collapse stage measures the penultimate layer `" + layer
                        + "`, which is not captured; the capture takes " + captured.describeLayers() + "; add "
                        + layer + " to capture.layers");
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}

package dev.layerscope.train;

import dev.layerscope.data.DataShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.RuntimeSettings;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the network the experiment describes on the training split, evaluates it on the test split, records
 * the bottleneck trajectory, and keeps the network's parameters before training and after every epoch ({@link
 * EpochParameters}), from which the capture stage replays every epoch. Reusable: a later run with the same data and
 * model settings reads the saved model and results back instead of training ({@code -Druns.force=[train]} trains
 * anyway).
 */
public final class TrainStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);

    private final ModelSettings settings;
    private final RuntimeSettings runtime;

    @Inject
    TrainStage(ModelSettings settings, RuntimeSettings runtime) {
        this.settings = settings;
        this.runtime = runtime;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(TrainedModel.ARTIFACT, Predictions.ARTIFACT, Trajectory.ARTIFACT);
    }

    /**
     * The network's layers, for the capture stage's checks at planning: with their outputs once the data's shape is
     * known and the stack can take it (the problem otherwise is {@link #check}'s to report), their names alone
     * before; and the epochs it will train, for the checks of stages that replay epochs.
     */
    @Override
    public Artifacts preview(Artifacts earlier) {
        NetworkShapes.Shapes walked = DataShape.in(earlier).map(data -> NetworkShapes.check(settings.layers(),
                        new NetworkShapes.Input(1, data.rows(), data.cols()), data.classCount()))
                .filter(shapes -> shapes.problems().isEmpty())
                .orElseGet(() -> NetworkShapes.check(settings.layers(), null));
        return Artifacts.of(NetworkLayout.ARTIFACT, NetworkLayout.of(walked))
                .and(EpochPlan.ARTIFACT, new EpochPlan(settings.epochs()));
    }

    /** The network and its augmentation against the images, as soon as their size is known: at planning. */
    @Override
    public void check(Artifacts available) {
        DataShape.in(available).ifPresent(data -> InvalidSettings.throwIfAny(settings.problemsWith(data).stream()
                .map(problem -> problem.under("model")).toList()));
    }

    /** The runner has called {@link #check} with this run's dataset just before. */
    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        NetworkShapes.Input input = new NetworkShapes.Input(1, dataset.rows(), dataset.cols());
        NetworkLayout planned = NetworkLayout.of(NetworkShapes.check(settings.layers(), input, dataset.classCount()));
        LOG.info("Network ({} parameters):\n{}", planned.params(), planned.table());
        useThreads(runtime.threads());
        if (!OneDnn.available()) {
            LOG.info("ND4J's native library here has no oneDNN: convolutions run DL4J's own, slower code "
                    + "(see README, Performance)");
        }

        MultiLayerNetwork network = NetworkFactory.build(settings, input, dataset.classCount());
        MemoryUse memory = new MemoryUse();
        int penultimate = NetworkFactory.penultimateIndex(settings);
        EpochCheckpoints checkpoints = new EpochCheckpoints(network);
        Trainer.Result result = new Trainer(settings, context, memory).train(network, dataset, penultimate,
                NetworkFactory.dl4jLayerNames(settings).get(penultimate), checkpoints);
        LOG.info("Memory: {}", memory.describe());
        context.metric("memory", memory.toMap());
        EpochParameters epochs = TrainOutputs.writeEpochs(context.outputDir(), context.publishedDir(), checkpoints);
        TrainedModel model = trained(network, dataset, result, epochs);
        TrainOutputs.write(context.outputDir(), network, result, dataset.classNames(), model.layout());
        // what keeping every epoch's parameters cost: the copies during training and writing them once
        double megabytes = Files.size(context.outputDir().resolve(TrainOutputs.EPOCH_PARAMS)) / 1e6;
        LOG.info(String.format(Locale.ROOT, "Kept the parameters of epochs 0 to %d (the model is epoch %d): "
                + "%.2f s, %.1f MB", epochs.lastEpoch(), epochs.keptEpoch(), checkpoints.seconds(), megabytes));
        Map<String, Object> kept = new LinkedHashMap<>();
        kept.put("seconds", checkpoints.seconds());
        kept.put("kept-epoch", epochs.keptEpoch());
        kept.put("megabytes", megabytes);
        context.metric("epoch-parameters", kept);

        ClassificationReport report = ClassificationReport.of(result.predictions());
        LOG.info("Test accuracy {}", String.format(java.util.Locale.ROOT, "%.4f", report.accuracy()));
        context.metric("test-accuracy", report.accuracy());
        context.metric("parameters", model.layout().params());
        context.metric("epochs", result.history().size());
        context.metric("seconds-per-epoch", result.history().stream().mapToDouble(EpochRecord::seconds)
                .average().orElse(Double.NaN));
        context.metric("history", result.history().stream().map(EpochRecord::toMap).toList());
        hand(context, model, result);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        TrainOutputs.Saved saved = TrainOutputs.read(context.outputDir());
        hand(context, trained(saved.network(), context.read(Dataset.ARTIFACT), saved.result(), saved.epochs()),
                saved.result());
    }

    /** The model with the layout of the network itself, trained now or restored. */
    private static TrainedModel trained(MultiLayerNetwork network, Dataset dataset, Trainer.Result result,
                                        EpochParameters epochs) {
        return new TrainedModel(network, NetworkLayout.of(network, dataset.rows() * dataset.cols()),
                result.history(), Optional.of(epochs));
    }

    /** Writes the artifacts later stages read, the same whether the model was trained now or restored. */
    private static void hand(StageContext context, TrainedModel model, Trainer.Result result) {
        context.write(TrainedModel.ARTIFACT, model);
        context.write(Predictions.ARTIFACT, result.predictions());
        context.write(Trajectory.ARTIFACT, result.trajectory());
    }

    /**
     * Both of ND4J's thread pools: its own OpenMP ops and OpenBLAS's matrix products. The launcher also sets
     * OMP_NUM_THREADS, OMP_WAIT_POLICY=PASSIVE and OPENBLAS_THREAD_TIMEOUT=4 for the run's JVM, which is what
     * keeps idle OpenMP and OpenBLAS threads from spinning.
     */
    private static void useThreads(int threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }
}

package dev.layerscope.train;

import dev.layerscope.data.Dataset;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Hashes;
import dev.layerscope.kernel.RunsSettings;
import dev.layerscope.kernel.RuntimeSettings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the network the experiment describes on the training split, evaluates it on the test split, and records
 * the bottleneck trajectory. A model trained before from the same data and model settings (found by its
 * fingerprint under {@code runs.dir}) is reused instead, unless {@code model.retrain} is set.
 */
public final class TrainStage implements Stage {

    /** Changes whenever training would produce different results from the same settings. */
    static final String VERSION = "train-1";

    private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);

    private final ModelSettings settings;
    private final RunsSettings runs;
    private final RuntimeSettings runtime;

    @Inject
    TrainStage(ModelSettings settings, RunsSettings runs, RuntimeSettings runtime) {
        this.settings = settings;
        this.runs = runs;
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

    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        NetworkShapes.Input input = new NetworkShapes.Input(1, dataset.rows(), dataset.cols());
        NetworkShapes.Shapes shapes = NetworkShapes.check(settings.layers(), input, dataset.classCount());
        if (!shapes.problems().isEmpty()) {
            throw new IllegalArgumentException("model.layers cannot take the " + dataset.rows() + "x"
                    + dataset.cols() + " images of " + dataset.name() + ": " + String.join("; ", shapes.problems()));
        }
        String table = TrainOutputs.networkTable(shapes);
        LOG.info("Network ({} parameters):\n{}", shapes.params(), table);
        useThreads(runtime.threads());
        if (!OneDnn.available()) {
            LOG.info("ND4J's native library here has no oneDNN: convolutions run DL4J's own, slower code "
                    + "(see README, Performance)");
        }

        String fingerprint = fingerprint(settings, dataset);
        List<String> layerNames = NetworkFactory.dl4jLayerNames(settings);
        int penultimate = NetworkFactory.penultimateIndex(settings);
        Optional<Path> saved = settings.retrain() ? Optional.empty() : findSaved(fingerprint);
        MultiLayerNetwork network;
        Trainer.Result result;
        if (saved.isPresent()) {
            LOG.info("Reusing the model trained in {} (same data and model settings; model.retrain = true "
                    + "trains anew)", saved.get());
            TrainOutputs.Saved previous = TrainOutputs.read(saved.get());
            network = previous.network();
            result = previous.result();
            context.metric("reused-from", saved.get().toString());
        } else {
            network = NetworkFactory.build(settings, input, dataset.classCount());
            MemoryUse memory = new MemoryUse();
            result = new Trainer(settings, context, memory).train(network, dataset, penultimate,
                    layerNames.get(penultimate));
            LOG.info("Memory: {}", memory.describe());
            context.metric("memory", memory.toMap());
        }
        TrainOutputs.write(context.outputDir(), network, fingerprint, result, dataset.classNames(), table);

        ClassificationReport report = ClassificationReport.of(result.predictions());
        LOG.info("Test accuracy {}", String.format(java.util.Locale.ROOT, "%.4f", report.accuracy()));
        context.metric("test-accuracy", report.accuracy());
        context.metric("parameters", shapes.params());
        context.metric("epochs", result.history().size());
        context.metric("seconds-per-epoch", result.history().stream().mapToDouble(EpochRecord::seconds)
                .average().orElse(Double.NaN));
        context.metric("history", result.history().stream().map(EpochRecord::toMap).toList());
        context.metric("fingerprint", fingerprint);

        context.write(TrainedModel.ARTIFACT, new TrainedModel(network, layerNames, penultimate, result.history(),
                fingerprint));
        context.write(Predictions.ARTIFACT, result.predictions());
        context.write(Trajectory.ARTIFACT, result.trajectory());
    }

    /**
     * Identifies what the model was made from: the stage version, the data's content identity, and the model
     * settings except whether to retrain.
     */
    static String fingerprint(ModelSettings settings, Dataset dataset) {
        ModelSettings canonical = new ModelSettings(settings.layers(), settings.updater(), settings.weightInit(),
                settings.batchSize(), settings.epochs(), settings.seed(), settings.earlyStopping(), false,
                settings.bottleneck(), settings.augment());
        return Hashes.sha256(VERSION + "\n" + dataset.contentId() + "\n" + canonical);
    }

    /** The newest completed train folder under runs.dir with this fingerprint. */
    private Optional<Path> findSaved(String fingerprint) throws IOException {
        Path root = runs.dir();
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(root, 4, (path, attributes) -> attributes.isRegularFile()
                && path.getFileName().toString().equals(TrainOutputs.FINGERPRINT)
                && path.getParent().getFileName().toString().equals("train"))) {
            return files.filter(file -> matches(file, fingerprint)).map(Path::getParent)
                    .max(Comparator.comparing(dir -> dir.getParent().getFileName().toString()));
        }
    }

    private static boolean matches(Path file, String fingerprint) {
        try {
            return Files.readString(file).trim().equals(fingerprint);
        } catch (IOException unreadable) {
            return false;
        }
    }

    /**
     * Both of ND4J's thread pools: its own OpenMP ops and OpenBLAS's matrix products. The launcher also sets
     * OMP_NUM_THREADS for the run's JVM, which is what keeps idle OpenMP threads from spinning.
     */
    private static void useThreads(int threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }
}

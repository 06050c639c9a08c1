package dev.layerscope.reduce;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureSettings;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Json;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.pca.Pca;
import dev.layerscope.train.MemoryUse;
import dev.layerscope.train.ModelSettings;
import dev.layerscope.train.NetworkFactory;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each captured input into 2-D maps of the training and test splits with every chosen method. Per input it
 * loads the activations (one input in memory at a time), finds the exact nearest neighbours once for all methods,
 * fits each method on the training split and places the test split, and writes the maps as {@code .npy},
 * {@code .csv} and TensorBoard projector files.
 */
public final class ReduceStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(ReduceStage.class);
    private static final String TRAIN = "train";
    private static final String TEST = "test";
    /** Every map's record (input, method, placement, seconds, details), read back when the stage is reused. */
    private static final String RECORDS = "embeddings.json";
    /** Candidates per neighbour taken from the projected space before ranking by exact distance. */
    private static final int CANDIDATES = 2;

    private final ReduceSettings settings;
    private final CaptureSettings capture;

    @Inject
    ReduceStage(ReduceSettings settings, CaptureSettings capture, ModelSettings model) {
        this.settings = settings;
        this.capture = capture;
        List<String> known = new ArrayList<>();
        known.add(CaptureSettings.INPUT);
        known.addAll(capture.layers().isEmpty() ? NetworkFactory.dl4jLayerNames(model) : capture.layers());
        for (String input : settings.inputs()) {
            if (!known.contains(input)) {
                throw new InvalidSetting("reduce.inputs", "`" + input + "` is not captured; captured layers can be "
                        + String.join(", ", known) + " (capture.layers says which are captured)");
            }
        }
        for (CaptureSettings.SplitName needed : List.of(CaptureSettings.SplitName.TRAIN,
                CaptureSettings.SplitName.TEST)) {
            if (!capture.splits().contains(needed)) {
                throw new InvalidSetting("capture.splits", "the reduce stage maps the train and test splits; add "
                        + needed.name().toLowerCase(Locale.ROOT) + " to capture.splits");
            }
        }
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, Activations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Embeddings.ARTIFACT);
    }

    /** Checks every method against the number of points it will get, as soon as the data is loaded. */
    @Override
    public void check(Artifacts available) {
        available.find(Dataset.ARTIFACT).ifPresent(dataset -> {
            int train = capturedRows(dataset.train(), dataset.classCount());
            int test = capturedRows(dataset.test(), dataset.classCount());
            for (ReduceSettings.Method method : settings.methods()) {
                Reducer reducer = reducer(method);
                reducer.check(train);
                if (placement(method) == ReduceSettings.Placement.SEPARATE) {
                    reducer.check(test);
                }
            }
        });
    }

    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        Activations activations = context.read(Activations.ARTIFACT);
        List<String> inputs = settings.inputs().isEmpty() ? activations.layers() : settings.inputs();
        for (String input : inputs) {
            if (!activations.layers().contains(input)) {
                throw new IllegalArgumentException("reduce.inputs: `" + input + "` was not captured (captured: "
                        + String.join(", ", activations.layers()) + ")");
            }
        }
        // the reducers split their work, BLAS products included, over Java threads: the run's BLAS thread count
        // is fixed when its JVM starts, by runtime.threads
        int threads = settings.effectiveThreads();
        LOG.info("Reducing {} with {} on {} thread(s)", inputs, settings.methods().stream()
                .map(ReduceStage::methodName).toList(), threads);

        Activations.SplitRows trainRows = activations.splits().get(TRAIN);
        Activations.SplitRows testRows = activations.splits().get(TEST);
        List<Embeddings.Embedding> made = new ArrayList<>();
        MemoryUse memory = new MemoryUse();
        Map<String, FloatMatrix> projectorTensors = new LinkedHashMap<>();
        try (Parallel parallel = new Parallel(threads)) {
            for (String input : inputs) {
                FloatMatrix train = finite(activations.load(input, TRAIN), input, TRAIN);
                FloatMatrix test = finite(activations.load(input, TEST), input, TEST);
                Graphs graphs = graphs(train, test, parallel, input);
                for (ReduceSettings.Method method : settings.methods()) {
                    Embeddings.Embedding embedding = reduce(input, method, train, test, graphs, parallel,
                            trainRows, testRows);
                    EmbeddingFiles.write(context.outputDir(), embedding);
                    made.add(embedding);
                    memory.sample();
                    if (settings.projector().enabled()) {
                        projectorTensors.put(embedding.name(), embedding.test());
                    }
                }
                if (settings.projector().enabled()) {
                    projectorTensors.put(input, test);
                }
            }
        }
        if (settings.projector().enabled()) {
            int points = Math.min(settings.projector().maxPoints(), testRows.size());
            ProjectorFiles.write(context.outputDir().resolve("projector"), projectorTensors, testRows.labels(),
                    dataset.classNames(), dataset.test().source(), testRows.sourceIndex(), points);
        }
        writeIndex(context, made);
        Json.write(context.outputDir().resolve(RECORDS), Map.of("embeddings",
                made.stream().map(ReduceStage::record).toList()));
        LOG.info("Memory: {}", memory.describe());
        context.metric("memory", memory.toMap());
        context.metric("embeddings", made.stream().map(ReduceStage::record).toList());
        context.write(Embeddings.ARTIFACT, new Embeddings(made));
    }

    /**
     * The neighbour graphs an input needs: of the training split, and of the test split onto it or onto itself,
     * with the seconds each took.
     */
    private record Graphs(NeighborGraph train, NeighborGraph testToTrain, NeighborGraph test, double trainSeconds,
                          double testSeconds) {
    }

    private Graphs graphs(FloatMatrix train, FloatMatrix test, Parallel parallel, String input) {
        int trainK = 0;
        int testToTrainK = 0;
        int testK = 0;
        for (ReduceSettings.Method method : settings.methods()) {
            Reducer reducer = reducer(method);
            trainK = Math.max(trainK, reducer.neighbors(train.rows()));
            if (placement(method) == ReduceSettings.Placement.SEPARATE) {
                testK = Math.max(testK, reducer.neighbors(test.rows()));
            } else {
                testToTrainK = Math.max(testToTrainK, reducer.neighbors(train.rows()));
            }
        }
        if (trainK == 0 && testK == 0) {
            return new Graphs(null, null, null, 0, 0);
        }
        long start = System.nanoTime();
        int projection = settings.neighbors().projection();
        boolean project = projection > 0 && train.cols() > projection;
        Pca pca = project ? Pca.fit(train, projection, parallel) : null;
        FloatMatrix trainSpace = project ? pca.transform(train, parallel) : train;
        FloatMatrix testSpace = project ? pca.transform(test, parallel) : test;
        NeighborGraph trainGraph = trainK == 0 ? null : nearest(train, trainSpace, train, trainSpace, trainK,
                parallel);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        NeighborGraph testToTrain = testToTrainK == 0 ? null : nearest(train, trainSpace, test, testSpace,
                testToTrainK, parallel);
        NeighborGraph testGraph = testK == 0 ? null : nearest(test, testSpace, test, testSpace, testK, parallel);
        double testSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: {} nearest neighbours of {} x {}{} in {}, of the test split in {}", input,
                Math.max(trainK, testK), train.rows(), train.cols(), project ? " (candidates from the " + projection
                        + " leading principal components, ranked by exact distance)" : " (exact)",
                String.format(Locale.ROOT, "%.1f s", trainSeconds), String.format(Locale.ROOT, "%.1f s", testSeconds));
        return new Graphs(trainGraph, testToTrain, testGraph, trainSeconds, testSeconds);
    }

    /**
     * The {@code k} nearest rows of {@code reference} to each row of {@code queries} (the same matrix: of a set onto
     * itself). When the spaces are projections, the candidates are found there and ranked by exact distance.
     */
    private static NeighborGraph nearest(FloatMatrix reference, FloatMatrix referenceSpace, FloatMatrix queries,
                                         FloatMatrix querySpace, int k, Parallel parallel) {
        boolean self = queries == reference;
        if (referenceSpace == reference) {
            return self ? ExactNeighbors.of(reference, k, parallel)
                    : ExactNeighbors.query(reference, queries, k, parallel);
        }
        int candidates = Math.min(CANDIDATES * k, reference.rows() - (self ? 1 : 0));
        NeighborGraph found = self ? ExactNeighbors.of(referenceSpace, candidates, parallel)
                : ExactNeighbors.query(referenceSpace, querySpace, candidates, parallel);
        return ExactNeighbors.refine(reference, queries, found, k, parallel);
    }

    private Embeddings.Embedding reduce(String input, ReduceSettings.Method method, FloatMatrix train,
                                        FloatMatrix test, Graphs graphs, Parallel parallel,
                                        Activations.SplitRows trainRows, Activations.SplitRows testRows) {
        Reducer reducer = reducer(method);
        ReduceSettings.Placement placement = placement(method);
        long start = System.nanoTime();
        Reducer.Fitted fitted = reducer.fit(train, truncated(graphs.train(), reducer.neighbors(train.rows())),
                parallel);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        FloatMatrix testPoints = placement == ReduceSettings.Placement.SEPARATE
                ? reducer.fit(test, truncated(graphs.test(), reducer.neighbors(test.rows())), parallel).embedding()
                : fitted.transform(test, truncated(graphs.testToTrain(), reducer.neighbors(train.rows())), parallel);
        double placeSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{} {}: fitted {} points in {}, placed {} test points ({}) in {}", input, methodName(method),
                train.rows(), String.format(Locale.ROOT, "%.1f s", fitSeconds), test.rows(),
                placement.name().toLowerCase(Locale.ROOT), String.format(Locale.ROOT, "%.1f s", placeSeconds));
        Map<String, Double> seconds = new LinkedHashMap<>();
        boolean usesGraph = reducer.neighbors(train.rows()) > 0;
        seconds.put("neighbors", usesGraph ? graphs.trainSeconds() : 0);
        seconds.put("fit", fitSeconds);
        seconds.put("test-neighbors", usesGraph ? graphs.testSeconds() : 0);
        seconds.put("place-test", placeSeconds);
        return new Embeddings.Embedding(input, methodName(method), placement.name().toLowerCase(Locale.ROOT),
                fitted.embedding(), testPoints, trainRows, testRows, seconds, fitted.details());
    }

    private static NeighborGraph truncated(NeighborGraph graph, int k) {
        return k == 0 ? null : graph.truncate(k);
    }

    private Reducer reducer(ReduceSettings.Method method) {
        return switch (method) {
            case PCA -> new PcaReducer();
            case TSNE -> new TsneReducer(settings.tsne());
            case UMAP -> new UmapReducer(settings.umap());
            case TRIMAP -> new TrimapReducer(settings.trimap());
        };
    }

    /** t-SNE and TriMAP may map the test split on its own; PCA and UMAP always transform it. */
    private ReduceSettings.Placement placement(ReduceSettings.Method method) {
        return method == ReduceSettings.Method.TSNE || method == ReduceSettings.Method.TRIMAP
                ? settings.testPlacement() : ReduceSettings.Placement.TRANSFORM;
    }

    /** How many images of a split the capture stage keeps. */
    private int capturedRows(Split split, int classes) {
        if (capture.perClass() == 0) {
            return split.size();
        }
        int rows = 0;
        for (int count : split.classCounts(classes)) {
            rows += Math.min(count, capture.perClass());
        }
        return rows;
    }

    private static FloatMatrix finite(FloatMatrix rows, String input, String split) {
        int[] bad = rows.firstNonFinite();
        if (bad != null) {
            throw new IllegalArgumentException("the " + split + " activations of `" + input + "` hold "
                    + rows.get(bad[0], bad[1]) + " at row " + bad[0] + ", column " + bad[1]
                    + "; a network that computes NaN or infinity cannot be mapped (check the training history)");
        }
        return rows;
    }

    private static Map<String, Object> record(Embeddings.Embedding embedding) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("input", embedding.input());
        record.put("method", embedding.method());
        record.put("placement", embedding.placement());
        record.put("train-points", embedding.train().rows());
        record.put("test-points", embedding.test().rows());
        record.put("seconds", embedding.seconds());
        record.put("details", embedding.details());
        return record;
    }

    /** {@code embeddings.csv}: one line per map, saying how its test points were placed and how long it took. */
    private static void writeIndex(StageContext context, List<Embeddings.Embedding> made) throws IOException {
        try (BufferedWriter csv = Files.newBufferedWriter(context.outputDir().resolve("embeddings.csv"))) {
            csv.write("input,method,placement,train_points,test_points,neighbors_seconds,fit_seconds,"
                    + "test_neighbors_seconds,place_test_seconds\n");
            for (Embeddings.Embedding embedding : made) {
                csv.write(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.3f,%.3f,%.3f,%.3f%n", embedding.input(),
                        embedding.method(), embedding.placement(), embedding.train().rows(), embedding.test().rows(),
                        embedding.seconds().get("neighbors"), embedding.seconds().get("fit"),
                        embedding.seconds().get("test-neighbors"), embedding.seconds().get("place-test")));
            }
        }
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public void restore(StageContext context) throws IOException {
        Activations activations = context.read(Activations.ARTIFACT);
        List<Embeddings.Embedding> made = new ArrayList<>();
        for (Config record : ConfigFactory.parseFile(context.outputDir().resolve(RECORDS).toFile())
                .getConfigList("embeddings")) {
            String name = record.getString("input") + "-" + record.getString("method");
            Map<String, Double> seconds = new LinkedHashMap<>();
            record.getConfig("seconds").root().unwrapped()
                    .forEach((key, value) -> seconds.put(key, ((Number) value).doubleValue()));
            made.add(new Embeddings.Embedding(record.getString("input"), record.getString("method"),
                    record.getString("placement"), EmbeddingFiles.read(context.outputDir(), name, TRAIN),
                    EmbeddingFiles.read(context.outputDir(), name, TEST), activations.splits().get(TRAIN),
                    activations.splits().get(TEST), seconds, record.getConfig("details").root().unwrapped()));
        }
        context.write(Embeddings.ARTIFACT, new Embeddings(made));
    }

    private static String methodName(ReduceSettings.Method method) {
        return method.name().toLowerCase(Locale.ROOT);
    }
}

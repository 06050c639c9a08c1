package dev.layerscope.reduce;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.Json;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.pca.Pca;
import dev.layerscope.train.MemoryUse;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each captured input into 2-D maps of the training and test splits with every chosen method. Per input it
 * loads the activations (one input in memory at a time), finds the nearest neighbours once for all methods, fits
 * each method on the training split and places the test split, and writes the maps as {@code .npy}, {@code .csv}
 * and TensorBoard projector files. Each map is a {@linkplain dev.layerscope.kernel.StoredParts stored part}: a map
 * whose input and method settings are unchanged since an earlier run is linked from the store, and an input none of
 * whose maps needs computing is not searched at all.
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

    @Inject
    ReduceStage(ReduceSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, Activations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Embeddings.ARTIFACT);
    }

    /**
     * Checks against what the capture stage hands on, as soon as it is known (at planning, from its preview; in a
     * run, from the activations): that the train and test splits are captured, that every input is (a layer wider
     * than capture.max-width is not, by default), and that every method can map the number of points it will get.
     */
    @Override
    public void check(Artifacts available) {
        CaptureShape.in(available).ifPresent(captured -> {
            List<InvalidSetting> problems = new ArrayList<>(captured.missing(List.of(TRAIN, TEST),
                    "the reduce stage maps the train and test splits"));
            captured.layers().ifPresent(layers -> settings.inputs().stream().filter(input -> !layers.contains(input))
                    .forEach(input -> problems.add(new InvalidSetting("reduce.inputs", "`" + input + "` is not "
                            + "captured; the capture takes " + captured.describeLayers()))));
            OptionalInt train = captured.rows(TRAIN);
            OptionalInt test = captured.rows(TEST);
            for (ReduceSettings.Method method : settings.methods()) {
                try {
                    if (train.isPresent()) {
                        reducer(method).check(train.getAsInt());
                    }
                    if (test.isPresent() && placement(method) == ReduceSettings.Placement.SEPARATE) {
                        reducer(method).check(test.getAsInt());
                    }
                } catch (InvalidSetting e) {
                    problems.add(e.under("reduce." + methodName(method)));
                }
            }
            InvalidSettings.throwIfAny(problems);
        });
    }

    /** The runner has called {@link #check} with the activations just before. */
    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        Activations activations = context.read(Activations.ARTIFACT);
        List<String> inputs = settings.inputs().isEmpty() ? activations.layers() : settings.inputs();
        // the reducers split their work, BLAS products included, over Java threads: the run's BLAS thread count
        // is fixed when its JVM starts, by runtime.threads
        int threads = settings.effectiveThreads();
        LOG.info("Reducing {} with {} on {} thread(s)", inputs, settings.methods().stream()
                .map(ReduceStage::methodName).toList(), threads);

        Activations.SplitRows trainRows = activations.splits().get(TRAIN);
        Activations.SplitRows testRows = activations.splits().get(TEST);
        NeighborCounts counts = neighborCounts(trainRows.size(), testRows.size());
        List<Embeddings.Embedding> made = new ArrayList<>();
        MemoryUse memory = new MemoryUse();
        Map<String, FloatMatrix> projectorTensors = new LinkedHashMap<>();
        try (Parallel parallel = new Parallel(threads)) {
            for (String input : inputs) {
                // an input's activations and neighbour graphs are loaded and found only when one of its maps is
                // not stored yet
                OnDemand<FloatMatrix> train = new OnDemand<>(() -> finite(activations.load(input, TRAIN), input,
                        TRAIN));
                OnDemand<FloatMatrix> test = new OnDemand<>(() -> finite(activations.load(input, TEST), input, TEST));
                OnDemand<Graphs> graphs = new OnDemand<>(() -> graphs(train.get(), test.get(), counts, parallel,
                        input));
                for (ReduceSettings.Method method : settings.methods()) {
                    String name = input + "-" + methodName(method);
                    context.parts().include(name, identity(input, method, trainRows.size()), folder -> {
                        Embeddings.Embedding embedding = reduce(input, method, graphs.get(), parallel, trainRows,
                                testRows);
                        EmbeddingFiles.write(folder, embedding);
                        Json.write(folder.resolve(name + ".json"), record(embedding));
                        memory.sample();
                    });
                    // computed or reused, the map is read from the stage folder: one path, and a few hundred KB
                    Embeddings.Embedding embedding = read(context.outputDir(),
                            ConfigFactory.parseFile(context.outputDir().resolve(name + ".json").toFile()), activations);
                    made.add(embedding);
                    if (settings.projector().enabled()) {
                        projectorTensors.put(embedding.name(), embedding.test());
                    }
                }
                if (settings.projector().enabled()) {
                    projectorTensors.put(input, test.get());
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
     * What a map depends on besides the activations it is made of: its method's settings, how its test points are
     * placed, and how its neighbours are searched. Not the thread count: it changes how fast, not what.
     */
    private String identity(String input, ReduceSettings.Method method, int trainPoints) {
        Object methodSettings = switch (method) {
            case PCA -> "";
            case TSNE -> settings.tsne();
            case UMAP -> settings.umap();
            case TRIMAP -> settings.trimap();
        };
        boolean usesGraph = reducer(method).neighbors(trainPoints) > 0;
        return "input=" + input + "\nmethod=" + methodName(method) + "\nplacement=" + placement(method)
                + "\nsettings=" + methodSettings + "\nneighbors=" + (usesGraph ? settings.neighbors() : "") + "\n";
    }

    /** Computes a value the first time it is asked for. */
    private static final class OnDemand<T> {
        private final Maker<T> maker;
        private T value;

        OnDemand(Maker<T> maker) {
            this.maker = maker;
        }

        T get() throws IOException {
            if (value == null) {
                value = maker.make();
            }
            return value;
        }

        @FunctionalInterface
        interface Maker<T> {
            T make() throws IOException;
        }
    }

    /**
     * The neighbours each graph of an input holds, the most any method needs: of the training split onto itself,
     * of the test split onto the training split, and of the test split onto itself (0: not needed).
     */
    private record NeighborCounts(int train, int testToTrain, int test) {
    }

    private NeighborCounts neighborCounts(int trainRows, int testRows) {
        int trainK = 0;
        int testToTrainK = 0;
        int testK = 0;
        for (ReduceSettings.Method method : settings.methods()) {
            Reducer reducer = reducer(method);
            trainK = Math.max(trainK, reducer.neighbors(trainRows));
            if (placement(method) == ReduceSettings.Placement.SEPARATE) {
                testK = Math.max(testK, reducer.neighbors(testRows));
            } else {
                testToTrainK = Math.max(testToTrainK, reducer.neighbors(trainRows));
            }
        }
        return new NeighborCounts(trainK, testToTrainK, testK);
    }

    /**
     * The neighbour graphs of an input, searched once for all its maps: of the training split onto itself, of the
     * test split onto the training split, and of the test split onto itself (null: no method needs it). Each map
     * takes the {@code k} it needs: exactly the nearest, or, when the search ran among the leading principal
     * components, the nearest by exact distance among its own {@code 2k} nearest candidates. So a map's graph does
     * not depend on the other methods of the run, and a map is reused when only another method's settings change.
     */
    private record Graphs(FloatMatrix train, FloatMatrix test, boolean projected, NeighborGraph trainFound,
                          NeighborGraph testToTrainFound, NeighborGraph testFound, double trainSeconds,
                          double testSeconds) {

        NeighborGraph ofTrain(int k, Parallel parallel) {
            return take(trainFound, train, train, k, parallel);
        }

        NeighborGraph ofTestToTrain(int k, Parallel parallel) {
            return take(testToTrainFound, train, test, k, parallel);
        }

        NeighborGraph ofTest(int k, Parallel parallel) {
            return take(testFound, test, test, k, parallel);
        }

        private NeighborGraph take(NeighborGraph found, FloatMatrix reference, FloatMatrix queries, int k,
                                   Parallel parallel) {
            if (k == 0) {
                return null;
            }
            if (!projected) {
                return found.truncate(k);
            }
            NeighborGraph candidates = found.truncate(Math.min(CANDIDATES * k, found.k()));
            return ExactNeighbors.refine(reference, queries, candidates, k, parallel);
        }
    }

    private Graphs graphs(FloatMatrix train, FloatMatrix test, NeighborCounts counts, Parallel parallel,
                          String input) {
        int projection = settings.neighbors().projection();
        boolean project = projection > 0 && train.cols() > projection;
        if (counts.train() == 0 && counts.test() == 0) {
            return new Graphs(train, test, project, null, null, null, 0, 0);
        }
        long start = System.nanoTime();
        Pca pca = project ? Pca.fit(train, projection, parallel) : null;
        FloatMatrix trainSpace = project ? pca.transform(train, parallel) : train;
        FloatMatrix testSpace = project ? pca.transform(test, parallel) : test;
        NeighborGraph trainFound = search(trainSpace, trainSpace, counts.train(), project, parallel);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        NeighborGraph testToTrainFound = search(trainSpace, testSpace, counts.testToTrain(), project, parallel);
        NeighborGraph testFound = search(testSpace, testSpace, counts.test(), project, parallel);
        double testSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: {} nearest neighbours of {} x {}{} in {}, of the test split in {}", input,
                Math.max(counts.train(), counts.test()), train.rows(), train.cols(), project ? " (candidates from the "
                        + projection + " leading principal components, ranked by exact distance)" : " (exact)",
                String.format(Locale.ROOT, "%.1f s", trainSeconds), String.format(Locale.ROOT, "%.1f s", testSeconds));
        return new Graphs(train, test, project, trainFound, testToTrainFound, testFound, trainSeconds, testSeconds);
    }

    /**
     * The {@code k} nearest rows of {@code reference} to each row of {@code queries} (the same matrix: of a set
     * onto itself), or twice as many candidates when the space is a projection; null when {@code k} is 0.
     */
    private static NeighborGraph search(FloatMatrix reference, FloatMatrix queries, int k, boolean projected,
                                        Parallel parallel) {
        if (k == 0) {
            return null;
        }
        boolean self = queries == reference;
        int wanted = projected ? Math.min(CANDIDATES * k, reference.rows() - (self ? 1 : 0)) : k;
        return self ? ExactNeighbors.of(reference, wanted, parallel)
                : ExactNeighbors.query(reference, queries, wanted, parallel);
    }

    private Embeddings.Embedding reduce(String input, ReduceSettings.Method method, Graphs graphs, Parallel parallel,
                                        Activations.SplitRows trainRows, Activations.SplitRows testRows) {
        Reducer reducer = reducer(method);
        ReduceSettings.Placement placement = placement(method);
        FloatMatrix train = graphs.train();
        FloatMatrix test = graphs.test();
        long start = System.nanoTime();
        NeighborGraph trainGraph = graphs.ofTrain(reducer.neighbors(train.rows()), parallel);
        double rankSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        Reducer.Fitted fitted = reducer.fit(train, trainGraph, parallel);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        NeighborGraph testGraph = placement == ReduceSettings.Placement.SEPARATE
                ? graphs.ofTest(reducer.neighbors(test.rows()), parallel)
                : graphs.ofTestToTrain(reducer.neighbors(train.rows()), parallel);
        double testRankSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        FloatMatrix testPoints = placement == ReduceSettings.Placement.SEPARATE
                ? reducer.fit(test, testGraph, parallel).embedding()
                : fitted.transform(test, testGraph, parallel);
        double placeSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{} {}: fitted {} points in {}, placed {} test points ({}) in {}", input, methodName(method),
                train.rows(), String.format(Locale.ROOT, "%.1f s", fitSeconds), test.rows(),
                placement.name().toLowerCase(Locale.ROOT), String.format(Locale.ROOT, "%.1f s", placeSeconds));
        Map<String, Double> seconds = new LinkedHashMap<>();
        boolean usesGraph = trainGraph != null;
        seconds.put("neighbors", usesGraph ? graphs.trainSeconds() + rankSeconds : 0);
        seconds.put("fit", fitSeconds);
        seconds.put("test-neighbors", usesGraph ? graphs.testSeconds() + testRankSeconds : 0);
        seconds.put("place-test", placeSeconds);
        return new Embeddings.Embedding(input, methodName(method), placement.name().toLowerCase(Locale.ROOT),
                fitted.embedding(), testPoints, trainRows, testRows, seconds, fitted.details());
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

    private static FloatMatrix finite(FloatMatrix rows, String input, String split) {
        return rows.requireFinite("the " + split + " activations of `" + input + "` hold", "row",
                "a network that computes NaN or infinity cannot be mapped (check the training history)");
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
    public void restore(StageContext context) throws IOException {
        Activations activations = context.read(Activations.ARTIFACT);
        List<Embeddings.Embedding> made = new ArrayList<>();
        for (Config record : ConfigFactory.parseFile(context.outputDir().resolve(RECORDS).toFile())
                .getConfigList("embeddings")) {
            made.add(read(context.outputDir(), record, activations));
        }
        context.write(Embeddings.ARTIFACT, new Embeddings(made));
    }

    /** A map as {@link EmbeddingFiles} and {@link #record} wrote it. */
    private static Embeddings.Embedding read(Path dir, Config record, Activations activations) throws IOException {
        String name = record.getString("input") + "-" + record.getString("method");
        Map<String, Double> seconds = new LinkedHashMap<>();
        record.getConfig("seconds").root().unwrapped()
                .forEach((key, value) -> seconds.put(key, ((Number) value).doubleValue()));
        return new Embeddings.Embedding(record.getString("input"), record.getString("method"),
                record.getString("placement"), EmbeddingFiles.read(dir, name, TRAIN),
                EmbeddingFiles.read(dir, name, TEST), activations.splits().get(TRAIN), activations.splits().get(TEST),
                seconds, record.getConfig("details").root().unwrapped());
    }

    private static String methodName(ReduceSettings.Method method) {
        return method.name().toLowerCase(Locale.ROOT);
    }
}

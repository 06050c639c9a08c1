package dev.layerscope.knn;

import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureShape;
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
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.neighbors.NeighborSearch;
import dev.layerscope.reduce.Embeddings;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how well each space keeps the classes apart: a kNN classifier fitted on the training split predicts the
 * test split, for each k, in every 2-D map (the training map's points vote for the test points placed in it) and
 * in every captured layer itself (method {@link KnnResults#HIGH_DIMENSIONAL}), overall and per class. Each 2-D test
 * map is also scored against its input: trustworthiness, continuity, and the silhouette of the classes. One input
 * is in memory at a time.
 *
 * <p>The kNN in each layer itself is a {@linkplain dev.layerscope.kernel.StoredParts stored part}, keyed by what the
 * layer depends on ({@link Activations#layerFingerprint}) and {@code knn.k}: the raw pixels' is linked from a run of
 * another network on the same images, and their training split is then not even loaded.
 *
 * <p>Writes {@code knn.csv}, {@code knn_per_class.csv}, {@code quality.csv} and {@code knn.json} (see
 * {@link KnnFiles}), the same in {@code run.json}, and hands on {@link KnnResults}; a later run with the same
 * inputs and settings reads them back from {@code knn.json}.
 */
public final class KnnStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(KnnStage.class);
    private static final String TRAIN = "train";
    private static final String TEST = "test";

    private final KnnSettings settings;

    @Inject
    KnnStage(KnnSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, Activations.ARTIFACT, Embeddings.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(KnnResults.ARTIFACT);
    }

    /**
     * Checks the settings against the data as soon as each part of it exists: the splits and point counts the
     * capture keeps once they are known (at planning, from its preview), the captured labels, and the maps once
     * they are made.
     */
    @Override
    public void check(Artifacts available) {
        Optional<Dataset> dataset = available.find(Dataset.ARTIFACT);
        Optional<Activations> activations = available.find(Activations.ARTIFACT);
        CaptureShape.in(available).ifPresent(this::checkPoints);
        if (dataset.isPresent() && activations.isPresent()) {
            checkLabels(dataset.get(), activations.get());
            available.find(Embeddings.ARTIFACT).ifPresent(embeddings -> checkMaps(dataset.get().classCount(),
                    activations.get(), embeddings));
        }
    }

    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        Activations activations = context.read(Activations.ARTIFACT);
        Embeddings embeddings = context.read(Embeddings.ARTIFACT);
        checkPoints(activations.shape());
        checkLabels(dataset, activations);
        checkMaps(dataset.classCount(), activations, embeddings);
        int classes = dataset.classCount();
        Activations.SplitRows trainRows = activations.splits().get(TRAIN);
        Activations.SplitRows testRows = activations.splits().get(TEST);
        KnnSettings.Quality qualitySettings = settings.quality();
        int[] sample = SeededRows.uniform(testRows.size(), qualitySettings.sample(), qualitySettings.seed());
        int[] sampleLabels = Arrays.stream(sample).map(i -> testRows.labels()[i]).toArray();
        int threads = settings.effectiveThreads();
        LOG.info("kNN with k = {} in {} and their maps, {} training -> {} test points, on {} thread(s); map quality "
                + "on {} test points", settings.k(), activations.layers(), trainRows.size(), testRows.size(),
                threads, sample.length);

        List<KnnResults.Accuracy> accuracies = new ArrayList<>();
        List<KnnResults.Quality> quality = new ArrayList<>();
        Map<String, Double> searchSeconds = new LinkedHashMap<>();
        Map<String, Double> qualitySeconds = new LinkedHashMap<>();
        Map<String, Double> recalls = new LinkedHashMap<>();
        try (Parallel parallel = new Parallel(threads)) {
            for (String layer : activations.layers()) {
                FloatMatrix test = finite(activations.load(layer, TEST), layer, TEST);
                long start = System.nanoTime();
                // a stored part keyed by the layer's own fingerprint: the kNN in the raw pixels is the same whatever
                // network the run trained, and so is shared
                context.parts().include(layer, layerIdentity(layer, trainRows.size()),
                        List.of(activations.layerFingerprint(layer)), folder -> {
                            NeighborSearch.Found found = searchLayer(activations, layer, test, parallel);
                            KnnFiles.writeLayer(folder, layer, score(layer, KnnResults.HIGH_DIMENSIONAL, "",
                                    test.cols(), found.graph(), trainRows, testRows, classes), found.recall());
                        });
                searchSeconds.put(layer, seconds(start));
                double recall = KnnFiles.readLayerRecall(context.outputDir(), layer);
                recalls.put(layer, recall);
                if (!Double.isNaN(recall)) {
                    LOG.info("{}: neighbours searched approximately (NN-descent, more than {} training points), "
                            + "recall {} against exact neighbours on {} test points", layer,
                            settings.search().exactUpTo(), format(recall),
                            Math.min(settings.search().recallSample(), test.rows()));
                }
                // computed or reused, the lines are read from the stage folder: one path
                accuracies.addAll(logged(KnnFiles.readLayer(context.outputDir(), layer), searchSeconds.get(layer)));

                List<Embeddings.Embedding> maps = embeddings.all().stream()
                        .filter(map -> map.input().equals(layer)).toList();
                for (Embeddings.Embedding map : maps) {
                    start = System.nanoTime();
                    NeighborGraph inMap = KnnSearch.inPlane(map.train(), map.test(), settings.largestK(), parallel);
                    accuracies.addAll(logged(score(layer, map.method(), map.placement(), map.train().cols(), inMap,
                            map.trainRows(), map.testRows(), classes), seconds(start)));
                }
                if (!maps.isEmpty()) {
                    start = System.nanoTime();
                    List<EmbeddingQuality.Scores> scores = EmbeddingQuality.measure(test.rows(sample),
                            maps.stream().map(map -> map.test().rows(sample)).toList(), sampleLabels, classes,
                            qualitySettings.neighbors(), parallel);
                    qualitySeconds.put(layer, seconds(start));
                    for (int m = 0; m < maps.size(); m++) {
                        Embeddings.Embedding map = maps.get(m);
                        EmbeddingQuality.Scores score = scores.get(m);
                        quality.add(new KnnResults.Quality(layer, map.method(), map.placement(),
                                qualitySettings.neighbors(), sample.length, score.trustworthiness(),
                                score.continuity(), score.silhouette()));
                        LOG.info("{}: trustworthiness {}, continuity {}, silhouette {}", map.name(),
                                format(score.trustworthiness()), format(score.continuity()),
                                format(score.silhouette()));
                    }
                }
            }
        }
        KnnResults results = new KnnResults(dataset.classNames(), accuracies, quality);
        KnnFiles.write(context.outputDir(), results);
        KnnFiles.writeRecalls(context.outputDir(), recalls);
        context.metric("accuracy", results.accuracies().stream().map(a -> KnnFiles.summary(a, results.classNames())).toList());
        context.metric("quality", results.quality().stream().map(KnnFiles::toJson).toList());
        context.metric("high-dimensional-seconds", searchSeconds);
        context.metric("quality-seconds", qualitySeconds);
        Map<String, Double> approximate = new LinkedHashMap<>();
        recalls.forEach((layer, recall) -> {
            if (!Double.isNaN(recall)) {
                approximate.put(layer, recall);
            }
        });
        if (!approximate.isEmpty()) {
            context.metric("high-dimensional-recall", approximate);
        }
        context.write(KnnResults.ARTIFACT, results);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        context.write(KnnResults.ARTIFACT, KnnFiles.read(context.outputDir()));
    }

    /**
     * The nearest training points of a layer's test points, in the layer itself. The training split is the largest
     * array of a layer and is loaded here only, so that it is garbage once the search returns.
     */
    private NeighborSearch.Found searchLayer(Activations activations, String layer, FloatMatrix test,
                                            Parallel parallel) throws IOException {
        FloatMatrix train = finite(activations.load(layer, TRAIN), layer, TRAIN);
        return KnnSearch.highDimensional(train, test, settings.largestK(), settings.search(), parallel);
    }

    /**
     * What the kNN in a layer itself depends on besides the layer: k, and the search's settings only when it is
     * approximate for so many training points (so that the stored exact results of earlier runs are still reused).
     */
    private String layerIdentity(String layer, int trainPoints) {
        return "layer=" + layer + "\nk=" + settings.k() + "\n"
                + (settings.search().approximate(trainPoints) ? "search=" + settings.search() + "\n" : "");
    }

    /** One space's accuracy for every k, from its test points' nearest training points. */
    private List<KnnResults.Accuracy> score(String input, String method, String placement, int dimensions,
                                            NeighborGraph neighbors, Activations.SplitRows trainRows,
                                            Activations.SplitRows testRows, int classes) {
        int[][] correct = KnnVote.correct(neighbors, trainRows.labels(), testRows.labels(), classes, settings.k());
        int[] points = new int[classes];
        for (int label : testRows.labels()) {
            points[label]++;
        }
        List<KnnResults.Accuracy> scored = new ArrayList<>();
        for (int i = 0; i < settings.k().size(); i++) {
            scored.add(new KnnResults.Accuracy(input, method, placement, dimensions, settings.k().get(i),
                    trainRows.size(), correct[i], points));
        }
        return scored;
    }

    /** Logs one space's accuracies and the seconds its search took; returns them. */
    private static List<KnnResults.Accuracy> logged(List<KnnResults.Accuracy> space, double seconds) {
        KnnResults.Accuracy first = space.getFirst();
        LOG.info("{} {} ({}-d): {} in {}", first.input(), first.method(), first.dimensions(), space.stream()
                .map(a -> "k=" + a.k() + " " + format(a.accuracy())).collect(Collectors.joining(", ")),
                String.format(Locale.ROOT, "%.1f s", seconds));
        return space;
    }

    /**
     * The splits and points the settings need: the train and test splits, at least the largest k training points,
     * and a quality sample of more than 2 x neighbors test points.
     */
    private void checkPoints(CaptureShape captured) {
        List<InvalidSetting> problems = new ArrayList<>(captured.missing(List.of(TRAIN, TEST),
                "the knn stage classifies the test split from the train split"));
        int largest = settings.largestK();
        captured.rows(TRAIN).ifPresent(trainPoints -> {
            if (largest > trainPoints) {
                problems.add(new InvalidSetting("knn.k", "k = " + largest + " needs at least " + largest
                        + " training points; there are " + trainPoints + " captured from the training split"));
            }
        });
        int neighbors = settings.quality().neighbors();
        captured.rows(TEST).ifPresent(testPoints -> {
            if (2 * neighbors >= Math.min(settings.quality().sample(), testPoints)) {
                problems.add(new InvalidSetting("knn.quality.neighbors", "neighbors = " + neighbors + " needs a "
                        + "sample of more than " + 2 * neighbors + " test points; there are " + testPoints
                        + " captured from the test split"));
            }
        });
        InvalidSettings.throwIfAny(problems);
    }

    /** The captured labels against the dataset's classes. */
    private static void checkLabels(Dataset dataset, Activations activations) {
        activations.splits().forEach((split, rows) -> checkLabels(rows.labels(), dataset.classCount(),
                "the capture stage's " + split + " labels"));
    }

    /** Every map: of a captured input, 2-D, finite, one point per captured image in capture order. */
    private void checkMaps(int classes, Activations activations, Embeddings embeddings) {
        Activations.SplitRows testRows = activations.splits().get(TEST);
        for (Embeddings.Embedding map : embeddings.all()) {
            String name = "the map " + map.name();
            if (!activations.layers().contains(map.input())) {
                throw new IllegalArgumentException(name + " is of `" + map.input() + "`, which was not captured "
                        + "(captured: " + String.join(", ", activations.layers()) + ")");
            }
            if (map.train().cols() != 2 || map.test().cols() != 2) {
                throw new IllegalArgumentException(name + " has " + map.train().cols() + " dimensions; the knn "
                        + "stage measures 2-D maps");
            }
            if (map.train().rows() != map.trainRows().size()) {
                throw new IllegalArgumentException(name + " has " + map.train().rows() + " training points for "
                        + map.trainRows().size() + " labels");
            }
            if (settings.largestK() > map.train().rows()) {
                throw new InvalidSetting("knn.k", "k = " + settings.largestK() + " needs at least as many training "
                        + "points; " + name + " has " + map.train().rows());
            }
            // the map's quality compares its test points with the captured ones row by row
            if (map.test().rows() != testRows.size() || !Arrays.equals(map.testRows().labels(), testRows.labels())) {
                throw new IllegalArgumentException(name + " has " + map.test().rows() + " test points that are not "
                        + "the " + testRows.size() + " captured test images in their order");
            }
            checkLabels(map.trainRows().labels(), classes, name + "'s training labels");
            finite(map.train(), name, TRAIN);
            finite(map.test(), name, TEST);
        }
    }

    private static void checkLabels(int[] labels, int classes, String what) {
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(what + " hold class " + label + ", but the dataset has "
                        + classes + " classes (data.class-names): the stages disagree on the classes");
            }
        }
    }

    private static FloatMatrix finite(FloatMatrix points, String what, String split) {
        return points.requireFinite(what + " holds", split + " point",
                "a kNN cannot measure distances to it (check the stage that made it)");
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}

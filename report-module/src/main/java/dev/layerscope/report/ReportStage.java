package dev.layerscope.report;

import dev.layerscope.attribution.AttributionResults;
import dev.layerscope.capture.Activations;
import dev.layerscope.capture.NetworkOutputs;
import dev.layerscope.capture.SharedRows;
import dev.layerscope.cka.CkaResults;
import dev.layerscope.collapse.CollapseResults;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Npy;
import dev.layerscope.hardneg.HardNegatives;
import dev.layerscope.intrinsic.IntrinsicDimensions;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.knn.KnnResults;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.probe.ProbeResults;
import dev.layerscope.reduce.Embeddings;
import dev.layerscope.report.ReportDocument.Code;
import dev.layerscope.report.ReportDocument.Heading;
import dev.layerscope.report.ReportDocument.Image;
import dev.layerscope.report.ReportDocument.ImageTable;
import dev.layerscope.report.ReportDocument.Paragraph;
import dev.layerscope.report.ReportDocument.Table;
import dev.layerscope.report.figures.BottleneckGif;
import dev.layerscope.report.figures.EmbeddingGrid;
import dev.layerscope.report.figures.Figures;
import dev.layerscope.report.figures.MatrixHeatmap;
import dev.layerscope.report.figures.TrainingCurves;
import dev.layerscope.report.figures.ValidationGridFigure;
import dev.layerscope.report.figures.WeightFigures;
import dev.layerscope.report.html.ExplorerAttribution;
import dev.layerscope.report.html.ExplorerData;
import dev.layerscope.report.html.HtmlReport;
import dev.layerscope.report.html.InsideNetwork;
import dev.layerscope.report.html.InsidePanel;
import dev.layerscope.report.html.RunSummary;
import dev.layerscope.report.html.Thumbnails;
import dev.layerscope.train.ClassificationReport;
import dev.layerscope.train.EpochRecord;
import dev.layerscope.train.Predictions;
import dev.layerscope.train.TrainedModel;
import dev.layerscope.train.Trajectory;
import dev.layerscope.validation.ValidationGrid;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thing a researcher opens after a run: {@code report.md} (sections as in the reference work, images
 * linked from {@code figures/}) and {@code report.html} (the same, self-contained, with the interactive embedding
 * explorer and the comparison with earlier runs of the experiment).
 */
public final class ReportStage implements Stage {

    private static final Logger LOG = LoggerFactory.getLogger(ReportStage.class);
    private static final String FIGURES = "figures";
    /** DL4J's feature maps of the hard negatives, for a convolutional network. */
    private static final String INSIDE = "inside";
    private static final int CONFUSED_PAIRS_SHOWN = 5;

    private final ReportSettings settings;

    @Inject
    ReportStage(ReportSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, TrainedModel.ARTIFACT, Trajectory.ARTIFACT, Predictions.ARTIFACT,
                Embeddings.ARTIFACT, KnnResults.ARTIFACT, HardNegatives.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> readsIfWritten() {
        return Set.of(ProbeResults.ARTIFACT, CkaResults.ARTIFACT, IntrinsicDimensions.ARTIFACT,
                CollapseResults.ARTIFACT, AttributionResults.ARTIFACT, ValidationGrid.ARTIFACT,
                NetworkOutputs.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of();
    }

    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        Embeddings embeddings = context.read(Embeddings.ARTIFACT);
        KnnResults knn = context.read(KnnResults.ARTIFACT);
        HardNegatives mined = context.read(HardNegatives.ARTIFACT);
        Path dir = context.outputDir();
        Files.createDirectories(dir.resolve(FIGURES));
        String experiment = context.experimentName();
        List<String> classNames = dataset.classNames();

        ReportDocument document = new ReportDocument();
        introduction(document, context, experiment, dataset, model);
        training(document, dir, model.history(), mined.report());
        confusion(document, dir, mined);
        embeddings(document, dir, embeddings, knn, classNames);
        LayersSection.add(document, dir, FIGURES, new LayersSection.Measures(knn, context.find(ProbeResults.ARTIFACT),
                context.find(CkaResults.ARTIFACT), context.find(IntrinsicDimensions.ARTIFACT),
                context.find(CollapseResults.ARTIFACT)));
        BottleneckGif.write(context.read(Trajectory.ARTIFACT), classNames, dir.resolve(FIGURES).resolve("bottleneck.gif"));
        document.add(new Heading(2, "Information bottleneck"))
                .add(new Paragraph("Ten fixed test images per class, their points in the penultimate layer before "
                        + "training and after every epoch: the classes move apart as the network learns."))
                .add(new Image(FIGURES + "/bottleneck.gif", "penultimate-layer points per epoch"));
        hardNegatives(document, dir, mined, dataset.test().source(), classNames);
        Optional<AttributionResults> attribution = context.find(AttributionResults.ARTIFACT);
        if (attribution.isPresent()) {
            AttributionSection.add(document, dir, FIGURES, attribution.get(), dataset.test().source(), classNames,
                    settings.thumbnailScale());
        }
        validationGrid(document, dir, context.find(ValidationGrid.ARTIFACT), dataset);
        weights(document, dir, model, dataset);
        WhereThisRan.add(document, context.runDir());

        Files.writeString(dir.resolve("report.md"), document.markdown());
        RunSummary thisRun = RunHistory.of(context.runDir().getFileName().toString(), model.history(), knn);
        RunHistory.write(dir, thisRun);
        String staticBody = document.html(dir) + inside(dir, model, dataset, mined);
        ExplorerAttribution hoverMaps = attribution.map(AttributionSection::forExplorer)
                .orElse(ExplorerAttribution.NONE);
        if (attribution.isPresent()) {
            LOG.info("Explorer: attribution maps of {} images by {} methods on hover, {} bytes of the page",
                    hoverMaps.images().size(), hoverMaps.methods().size(), HtmlReport.attributionBytes(hoverMaps));
        }
        String html = HtmlReport.page("LayerScope: " + experiment, staticBody,
                explorer(embeddings, knn, context.read(Predictions.ARTIFACT), dataset,
                        trainOutput(context.find(NetworkOutputs.ARTIFACT), embeddings, classNames.size()),
                        hoverMaps),
                RunHistory.summaries(thisRun, context.earlierOutputs(), settings.compareRuns()));
        Files.writeString(dir.resolve("report.html"), html);
        Path published = context.publishedDir();
        context.metric("report-md", published.resolve("report.md").toString());
        context.metric("report-html", published.resolve("report.html").toString());
        LOG.info("Report: {} and {}", published.resolve("report.md"), published.resolve("report.html"));
    }

    private static void introduction(ReportDocument document, StageContext context, String experiment,
                                     Dataset dataset, TrainedModel model) {
        document.add(new Heading(1, "LayerScope report: " + experiment))
                .add(new Paragraph(String.format(Locale.ROOT, "%s: %,d training, %,d validation and %,d test "
                                + "images of %dx%d pixels in %d classes (%s). Run `%s`.", dataset.name(),
                        dataset.train().size(), dataset.validation().size(), dataset.test().size(), dataset.rows(),
                        dataset.cols(), dataset.classCount(), String.join(", ", dataset.classNames()),
                        context.runDir().getFileName())));
        document.add(new Paragraph("The network:")).add(new Code(model.layout().table()));
    }

    private static void training(ReportDocument document, Path dir, List<EpochRecord> history,
                                 ClassificationReport test) throws IOException {
        Figures.writePng(TrainingCurves.loss(history), dir.resolve(FIGURES).resolve("training-loss.png"));
        Figures.writePng(TrainingCurves.accuracy(history), dir.resolve(FIGURES).resolve("training-accuracy.png"));
        EpochRecord last = history.getLast();
        document.add(new Heading(2, "Training"))
                .add(new Paragraph(String.format(Locale.ROOT, "%d epochs. After the last: training loss %.4f, "
                                + "validation loss %.4f and accuracy %.4f. Test accuracy %.4f.", history.size(),
                        last.trainLoss(), last.validationLoss(), last.validationAccuracy(), test.accuracy())))
                .add(new Image(FIGURES + "/training-loss.png", "loss per epoch, training and validation"))
                .add(new Image(FIGURES + "/training-accuracy.png", "accuracy per epoch, training and validation"));
    }

    private static void confusion(ReportDocument document, Path dir, HardNegatives mined) throws IOException {
        List<String> names = mined.classNames();
        ClassificationReport report = mined.report();
        Figures.writePng(MatrixHeatmap.confusion(report.confusion(), names),
                dir.resolve(FIGURES).resolve("confusion.png"));
        List<List<String>> perClass = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            perClass.add(List.of(names.get(c), number(report.precision()[c]), number(report.recall()[c]),
                    number(report.f1()[c])));
        }
        List<List<String>> pairs = mined.confusedPairs().stream().limit(CONFUSED_PAIRS_SHOWN)
                .map(pair -> List.of(names.get(pair.trueClass()), names.get(pair.predicted()),
                        Long.toString(pair.count()), String.format(Locale.ROOT, "%.1f%%", 100 * pair.share())))
                .toList();
        document.add(new Heading(2, "Confusion"))
                .add(new Image(FIGURES + "/confusion.png", "confusion matrix of the test split, rows the true class"))
                .add(new Table(List.of("class", "precision", "recall", "F1"), perClass))
                .add(new Paragraph("The most confused pairs:"))
                .add(new Table(List.of("true class", "predicted as", "images", "share of the class"), pairs));
    }

    private static void embeddings(ReportDocument document, Path dir, Embeddings embeddings, KnnResults knn,
                                   List<String> classNames) throws IOException {
        int largestK = knn.accuracies().stream().mapToInt(KnnResults.Accuracy::k).max().orElse(0);
        document.add(new Heading(2, "Embeddings"))
                .add(new Paragraph("Each captured layer mapped to 2-D by each method, fitted on the training split "
                        + "with the test points placed into the map. kNN accuracy: a classifier fitted on the "
                        + "training points predicts the test points; `high-dimensional` is the layer itself."))
                .add(knnTable(knn));
        Map<String, List<Embeddings.Embedding>> byMethod = new LinkedHashMap<>();
        embeddings.all().forEach(map -> byMethod.computeIfAbsent(map.method(), m -> new ArrayList<>()).add(map));
        for (Map.Entry<String, List<Embeddings.Embedding>> method : byMethod.entrySet()) {
            Map<String, Double> accuracy = new HashMap<>();
            knn.accuracies().stream().filter(a -> a.method().equals(method.getKey()) && a.k() == largestK)
                    .forEach(a -> accuracy.put(a.input(), a.accuracy()));
            String file = FIGURES + "/embeddings-" + method.getKey() + ".png";
            Figures.writePng(EmbeddingGrid.of(method.getKey(), method.getValue(), classNames, accuracy),
                    dir.resolve(file));
            document.add(new Heading(3, method.getKey()))
                    .add(new Image(file, method.getKey() + " of each layer, training and test points, kNN k = "
                            + largestK));
        }
    }

    /** One row per input and method, a column per k, then the map's quality scores. */
    private static Table knnTable(KnnResults knn) {
        List<Integer> ks = knn.accuracies().stream().map(KnnResults.Accuracy::k).distinct().sorted().toList();
        Map<String, Map<Integer, Double>> rows = new LinkedHashMap<>();
        knn.accuracies().forEach(a -> rows.computeIfAbsent(a.input() + "\t" + a.method(), key -> new HashMap<>())
                .put(a.k(), a.accuracy()));
        Map<String, KnnResults.Quality> quality = new HashMap<>();
        knn.quality().forEach(q -> quality.put(q.input() + "\t" + q.method(), q));
        List<String> header = new ArrayList<>(List.of("input", "method"));
        ks.forEach(k -> header.add("k = " + k));
        header.addAll(List.of("trustworthiness", "continuity", "silhouette"));
        List<List<String>> lines = new ArrayList<>();
        rows.forEach((key, byK) -> {
            List<String> line = new ArrayList<>(List.of(key.split("\t")));
            ks.forEach(k -> line.add(byK.containsKey(k) ? number(byK.get(k)) : ""));
            KnnResults.Quality q = quality.get(key);
            line.addAll(q == null ? List.of("", "", "")
                    : List.of(number(q.trustworthiness()), number(q.continuity()), number(q.silhouette())));
            lines.add(line);
        });
        return new Table(header, lines);
    }

    private void hardNegatives(ReportDocument document, Path dir, HardNegatives mined, ImageSet testImages,
                               List<String> classNames) throws IOException {
        Path thumbnails = dir.resolve(FIGURES).resolve("hard-negatives");
        Files.createDirectories(thumbnails);
        int columns = 0;
        List<List<ImageTable.Cell>> cells = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            List<ImageTable.Cell> row = new ArrayList<>();
            for (HardNegatives.Ranked entry : mined.ranking(HardNegatives.Kind.HARD_NEGATIVE, c)) {
                String file = "hard-negatives/" + c + "-" + entry.rank() + ".png";
                Figures.writePng(testImages.image(entry.testIndex(), settings.thumbnailScale()),
                        dir.resolve(FIGURES).resolve(file));
                row.add(new ImageTable.Cell(FIGURES + "/" + file, String.format(Locale.ROOT, "%s %.3f",
                        classNames.get(entry.predicted()), entry.confidence()), entry.testIndex()));
            }
            columns = Math.max(columns, row.size());
            cells.add(row);
        }
        List<String> header = new ArrayList<>(List.of("true class"));
        for (int rank = 1; rank <= columns; rank++) {
            header.add("#" + rank);
        }
        document.add(new Heading(2, "Hard negatives"))
                .add(new Paragraph("Per true class, the test images the network gets most confidently wrong, with "
                        + "the class it chose and its probability (all rankings: the hardneg stage's folder). In "
                        + "report.html, click one to find it in every map of the explorer."))
                .add(new ImageTable(header, classNames, cells));
    }

    /**
     * For a convolutional network, the page's inside panel, with the full pixels of the hard negatives, and DL4J's
     * own feature maps of them in {@code inside/} (what the page's forward pass is checked against); for another,
     * nothing.
     */
    private static String inside(Path dir, TrainedModel model, Dataset dataset, HardNegatives mined)
            throws IOException {
        Optional<InsideNetwork> network = InsideNetwork.of(model.network(), model.layout().names(), dataset.rows(),
                dataset.cols());
        if (network.isEmpty()) {
            return "";
        }
        ImageSet test = dataset.test().source();
        int pixels = test.pixelsPerImage();
        int[] indices = mined.ranked().stream().filter(entry -> entry.kind() == HardNegatives.Kind.HARD_NEGATIVE)
                .mapToInt(HardNegatives.Ranked::testIndex).distinct().toArray();
        Map<Integer, byte[]> images = new LinkedHashMap<>();
        float[] scaled = new float[indices.length * pixels];
        for (int i = 0; i < indices.length; i++) {
            images.put(indices[i], Arrays.copyOfRange(test.pixels(), indices[i] * pixels, (indices[i] + 1) * pixels));
            test.copyScaled(indices[i], scaled, i * pixels);
        }
        if (indices.length > 0) {
            Path folder = dir.resolve(INSIDE);
            network.get().writeFeatureMaps(model.network(), scaled, indices.length, folder);
            Npy.writeInts(folder.resolve("test-index.npy"), indices, indices.length);
        }
        LOG.info("Inside panel: {} of the convolutional part shown, {} hard negatives' pixels in the page",
                network.get().shown().stream().map(InsideNetwork.Step::name).toList(), indices.length);
        return InsidePanel.html(network.get(), images);
    }

    /** The validation-grid stage's predictions, a grid per epoch, where the pipeline ran it. */
    private void validationGrid(ReportDocument document, Path dir, Optional<ValidationGrid> found, Dataset dataset)
            throws IOException {
        if (found.isEmpty()) {
            return;
        }
        ValidationGrid grid = found.get();
        document.add(new Heading(2, "Predictions on validation images"))
                .add(new Paragraph(String.format(Locale.ROOT, "%d validation images (a seeded sample), under each "
                        + "its true class and the class the network of that epoch predicted with its probability; "
                        + "a wrong prediction is framed in red. Epoch %d is the trained model; the others are "
                        + "replayed from the parameters the train stage kept (all predictions: the validation-grid "
                        + "stage's predictions.csv).", grid.size(), grid.keptEpoch())));
        List<List<String>> wrong = new ArrayList<>();
        for (int e = 0; e < grid.epochs().size(); e++) {
            wrong.add(List.of(grid.epochs().get(e) + (grid.epochs().get(e) == grid.keptEpoch() ? " (model)" : ""),
                    Integer.toString(grid.wrong(e)), number(1 - grid.wrong(e) / (double) grid.size())));
        }
        document.add(new Table(List.of("epoch", "wrong", "accuracy on the sample"), wrong));
        for (int e = 0; e < grid.epochs().size(); e++) {
            String file = FIGURES + "/validation-epoch-" + grid.epochs().get(e) + ".png";
            Figures.writePng(ValidationGridFigure.of(grid, e, dataset.validation().source(), dataset.classNames(),
                    settings.thumbnailScale()), dir.resolve(file));
            document.add(new Image(file, "validation images, epoch " + grid.epochs().get(e)));
        }
    }

    private static void weights(ReportDocument document, Path dir, TrainedModel model, Dataset dataset)
            throws IOException {
        document.add(new Heading(2, "Weights"));
        Figures.writePng(WeightFigures.firstLayer(model.network(), dataset.rows(), dataset.cols()),
                dir.resolve(FIGURES).resolve("first-layer-weights.png"));
        document.add(new Image(FIGURES + "/first-layer-weights.png", "the first layer's weights, one tile per unit"));
        List<List<String>> stats = new ArrayList<>();
        for (WeightFigures.LayerWeights layer : WeightFigures.layers(model.network(), model.layout().names())) {
            String file = FIGURES + "/weights-" + layer.layer() + ".png";
            Figures.writePng(WeightFigures.histogram(layer), dir.resolve(file));
            stats.add(List.of(layer.layer(), Integer.toString(layer.weights().length), number(layer.min()),
                    number(layer.max()), number(layer.mean()), number(layer.std())));
            document.add(new Image(file, "weights of " + layer.layer()));
        }
        document.add(new Table(List.of("layer", "weights", "min", "max", "mean", "std"), stats));
    }

    /**
     * The explorer's data: every map's training and test points, their classes, the network's output for the test
     * points, and a thumbnail for every point.
     */
    private static ExplorerData explorer(Embeddings embeddings, KnnResults knn, Predictions predictions,
                                         Dataset dataset, float[] trainProbabilities,
                                         ExplorerAttribution attribution) {
        // every map of a run holds the same captured rows: the first map's rows stand for all
        Embeddings.Embedding first = embeddings.all().getFirst();
        Activations.SplitRows train = first.trainRows();
        Activations.SplitRows test = first.testRows();
        int trainCount = train.size();
        int n = trainCount + test.size();
        int[] labels = new int[n];
        int[] sourceIndex = new int[n];
        System.arraycopy(train.labels(), 0, labels, 0, trainCount);
        System.arraycopy(test.labels(), 0, labels, trainCount, test.size());
        System.arraycopy(train.sourceIndex(), 0, sourceIndex, 0, trainCount);
        System.arraycopy(test.sourceIndex(), 0, sourceIndex, trainCount, test.size());
        Map<Integer, Integer> predictionRow = new HashMap<>();
        for (int row = 0; row < predictions.size(); row++) {
            predictionRow.put(predictions.testIndices()[row], row);
        }
        int classes = predictions.classes();
        float[] probabilities = new float[test.size() * classes];
        for (int i = 0; i < test.size(); i++) {
            Integer row = predictionRow.get(test.sourceIndex()[i]);
            if (row == null) {
                throw new IllegalStateException("test image " + test.sourceIndex()[i] + " is in the maps but has no "
                        + "prediction");
            }
            System.arraycopy(predictions.probabilities(), row * classes, probabilities, i * classes, classes);
        }
        int largestK = knn.accuracies().stream().mapToInt(KnnResults.Accuracy::k).max().orElse(0);
        // best kNN accuracy first: the explorer opens on the map that separates the classes most
        List<ExplorerData.ExplorerMap> maps = embeddings.all().stream().map(map -> new ExplorerData.ExplorerMap(
                map.input(), map.method(), concat(map.train().values(), map.test().values()), knn.accuracies().stream()
                .filter(a -> a.input().equals(map.input()) && a.method().equals(map.method()) && a.k() == largestK)
                .map(KnnResults.Accuracy::accuracy).findFirst().orElse(null)))
                .sorted(Comparator.comparing(ExplorerData.ExplorerMap::knnAccuracy,
                        Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
        Thumbnails thumbnails = Thumbnails.halved(new Thumbnails.Source(dataset.train().source(), train.sourceIndex()),
                new Thumbnails.Source(dataset.test().source(), test.sourceIndex()));
        return new ExplorerData(dataset.classNames(), trainCount, labels, sourceIndex, probabilities,
                trainProbabilities, thumbnails, maps, attribution);
    }

    /**
     * The network's output for every training point of the maps, in the maps' order: the capture's record of it
     * ({@code capture.outputs}; the train stage keeps the test split's alone), its rows matched to the maps' training
     * rows by their position in the training file. Empty, with a log line saying why the explorer then draws the
     * training points grey in the modes that need the output, when the capture kept none, when it lacks a training
     * point of the maps, or when the network's output is not a softmax of the classes (a train stage of one's own).
     */
    private static float[] trainOutput(Optional<NetworkOutputs> recorded, Embeddings embeddings, int classes)
            throws IOException {
        String grey = "the explorer draws the training points grey in the modes that need the network's output";
        if (recorded.isEmpty() || !recorded.get().splits().containsKey("train")) {
            LOG.info("The capture kept no network output of the training split (capture.outputs = false, or no "
                    + "capture of the training split): {}", grey);
            return new float[0];
        }
        int[] mapRows = embeddings.all().getFirst().trainRows().sourceIndex();
        SharedRows shared = SharedRows.of(mapRows, recorded.get().splits().get("train").sourceIndex());
        if (shared.size() != mapRows.length) {
            LOG.warn("The capture's network output holds {} of the maps' {} training points: {}", shared.size(),
                    mapRows.length, grey);
            return new float[0];
        }
        // every training point of the maps is shared, so the shared pairs are the maps' rows in their order
        FloatMatrix probabilities = recorded.get().load("train").rows(shared.theirRows());
        if (probabilities.cols() != classes) {
            LOG.warn("The network's output has {} values an image for {} classes: {}", probabilities.cols(), classes,
                    grey);
            return new float[0];
        }
        for (int row = 0; row < probabilities.rows(); row++) {
            double sum = 0;
            for (float p : probabilities.row(row)) {
                sum += p;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                LOG.info("The network's output is not a softmax (a row sums to {}): {}", sum, grey);
                return new float[0];
            }
        }
        return probabilities.values();
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }
}

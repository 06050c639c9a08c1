package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.layerscope.data.Idx;
import dev.layerscope.kernel.ConfigProblem;
import dev.layerscope.kernel.Experiment;
import dev.layerscope.kernel.ExperimentException;
import dev.layerscope.kernel.ExperimentLoader;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.kernel.PipelinePlanner;
import dev.layerscope.kernel.StageCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every documented rule of every stage, broken on purpose: each bad experiment is rejected when it is planned,
 * before the first stage runs, with the key path and the file and line of the value to change. Rules that depend on
 * the data (a kernel larger than the image, a perplexity too large for the training split) included: the data's
 * shape comes from the IDX files' headers and labels, here of a small data set of 28x28 images in three classes
 * that the test writes (30 training and 10 test images a class: 75 train, 15 validation, 30 test).
 */
class BadExperimentsTest {

    private static final String BASE = """
            pipeline = [%s, train, hardneg, attribution, capture, reduce, knn, probe, cka, intrinsic, collapse,
                        validation-grid, report]
            data {
              name = Tiny
              dir = "%s"
              class-names = [a, b, c]
              files {
                train-images { name = train-images-idx3-ubyte.gz, md5 = null }
                train-labels { name = train-labels-idx1-ubyte.gz, md5 = null }
                test-images { name = t10k-images-idx3-ubyte.gz, md5 = null }
                test-labels { name = t10k-labels-idx1-ubyte.gz, md5 = null }
              }
              download.enabled = false
            }
            model {
              layers = [{ type = dense, units = 8 }, { type = dropout, rate = 0.5 }, { type = output }]
              epochs = 1
              batch-size = 16
            }
            reduce.tsne.perplexity = 10
            capture.epochs.images = 10
            """;

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    /**
     * One broken rule.
     *
     * @param stage    the stage whose rule it is (or {@code kernel} for the pipeline's own keys)
     * @param line     what the experiment says, on its last line
     * @param path     the key path the problem must name
     * @param message  what the problem must say
     * @param atLine   whether the problem must point at that last line (not when the value it names is a default
     *                 that another key made impossible)
     */
    record Broken(String stage, String line, String path, String message, boolean atLine) {
        @Override
        public String toString() {
            return stage + ": " + line;
        }
    }

    private static Broken broken(String stage, String line, String path, String message) {
        return new Broken(stage, line, path, message, true);
    }

    static Stream<Broken> rules() {
        return Stream.of(
                broken("load", "data.validation-fraction = 1", "data.validation-fraction",
                        "1 is out of range; allowed: 0 <= value < 1"),
                broken("load", "data.limit-per-class = -1", "data.limit-per-class",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("load", "data.class-names = []", "data.class-names", "must not be empty"),
                broken("load", "data.class-names = [a, a, b]", "data.class-names", "has a name twice: [a, a, b]"),
                broken("load", "data.class-names = [a, b]", "data.class-names",
                        "label 2 at position 2, but data.class-names lists 2 classes (labels 0 to 1)"),
                broken("load", "data.files.test-labels.md5 = abc", "data.files.test-labels.md5",
                        "`abc` of t10k-labels-idx1-ubyte.gz is not 32 hexadecimal digits"),
                broken("load", "data.files.train-images.name = \"sub/train.gz\"", "data.files.train-images.name",
                        "`sub/train.gz` must be a plain file name"),
                broken("load", "data.download { enabled = true, base-url = \"ftp://example.org/\" }",
                        "data.download.base-url", "`ftp://example.org/` must be an http(s) URL"),
                broken("load", "data.download.timeout = 0s", "data.download.timeout", "must be positive, got 0s"),
                broken("load", "data { validation-fraction = 0.9, limit-per-class = 1 }", "data.validation-fraction",
                        "0.9 holds out every one of the 3 training images (limit-per-class = 1)"),

                broken("synthetic", "synthetic.classes = 1", "synthetic.classes",
                        "1 is out of range; allowed: 2 <= value <= 256"),
                broken("synthetic", "synthetic.per-class = 4", "synthetic.per-class",
                        "4 is out of range; allowed: 5 <= value"),
                broken("synthetic", "synthetic.rows = 1", "synthetic.rows",
                        "1 is out of range; allowed: 2 <= value <= 4096"),
                broken("synthetic", "synthetic.cols = 0", "synthetic.cols",
                        "0 is out of range; allowed: 1 <= value <= 4096"),
                broken("synthetic", "model.layers = [{ type = conv2d, filters = 2, kernel = 9 }, { type = output }]",
                        "model.layers", "the layer stack cannot take the 8x8 images of Synthetic bars: layers[0] "
                                + "(conv1): kernel 9x9 is larger than its 8x8 input"),
                broken("synthetic", "synthetic.per-class = 5, reduce.umap.neighbors = 17", "reduce.umap.neighbors",
                        "neighbors = 17 (counting the point itself) needs at least that many points, got 16"),

                broken("train", "model.layers = [{ type = conv2d, filters = 4, kernel = 40 }, { type = output }]",
                        "model.layers", "the layer stack cannot take the 28x28 images of Tiny: layers[0] (conv1): "
                                + "kernel 40x40 is larger than its 28x28 input"),
                broken("train", "model.layers = [{ type = conv2d, filters = 4 }, { type = maxpool, size = 27 }, "
                        + "{ type = output }]", "model.layers",
                        "layers[1] (pool1): pooling window 27x27 is larger than its 26x26 input"),
                broken("train", "model.layers = [{ type = dense, units = 0 }, { type = output }]", "model.layers",
                        "layers[0] (dense1): units must be at least 1, got 0"),
                broken("train", "model.layers = [{ type = dense, units = 8 }, { type = dropout, rate = 1 }, "
                        + "{ type = output }]", "model.layers", "layers[1] (dropout1): rate must be in [0, 1), got 1"),
                broken("train", "model.layers = [{ type = dense, units = 8 }, { type = conv2d, filters = 4 }, "
                        + "{ type = output }]", "model.layers",
                        "layers[1] (conv1): a conv2d layer cannot follow a dense or flatten layer"),
                broken("train", "model.layers = [{ type = output }, { type = dense, units = 8 }]", "model.layers",
                        "layers[0] (output): the output layer must be the last layer"),
                broken("train", "model.layers = [{ type = dense, units = 8, name = a }, "
                        + "{ type = dense, units = 8, name = a }, { type = output }]", "model.layers",
                        "layers[1] (a): the name `a` is used twice"),
                broken("train", "model.layers = [{ type = dens, units = 8 }, { type = output }]", "model.layers[0]",
                        "has an unknown type `dens`; one of dense, conv2d, maxpool, dropout, batchnorm, flatten, "
                                + "output (did you mean `dense`?)"),
                broken("train", "model.augment.shift = 28", "model.augment.shift",
                        "shift = 28 would move the 28x28 images of Tiny out of sight; use a shift below 28"),
                broken("train", "model.augment.shift = -1", "model.augment.shift",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("train", "model.batch-size = 0", "model.batch-size", "0 is out of range; allowed: 1 <= value"),
                broken("train", "model.epochs = 0", "model.epochs", "0 is out of range; allowed: 1 <= value"),
                broken("train", "model.early-stopping = -1", "model.early-stopping",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("train", "model.updater.learning-rate = 0", "model.updater.learning-rate",
                        "0 is out of range; allowed: 0 < value"),
                broken("train", "model.updater.momentum = 1", "model.updater.momentum",
                        "1 is out of range; allowed: 0 <= value < 1"),
                broken("train", "model.updater.schedule.gamma = 0", "model.updater.schedule.gamma",
                        "0 is out of range; allowed: 0 < value <= 1"),
                broken("train", "model.updater.type = adma", "model.updater.type",
                        "expected one of adam, sgd, got \"adma\" (did you mean `adam`?)"),
                broken("train", "model.bottleneck.per-class = 0", "model.bottleneck.per-class",
                        "0 is out of range; allowed: 1 <= value"),

                broken("capture", "capture.layers = [dense7]", "capture.layers",
                        "the model has no layer `dense7`; its layers are input, dense1, dropout1, output"),
                broken("capture", "capture.splits = []", "capture.splits", "name at least one split"),
                broken("capture", "capture.splits = [test, test]", "capture.splits", "names a split twice"),
                broken("capture", "capture.splits = [trian, test]", "capture.splits[0]",
                        "expected one of train, validation, test, got \"trian\" (did you mean `train`?)"),
                broken("capture", "capture.per-class = -1", "capture.per-class",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("capture", "capture.batch-size = 0", "capture.batch-size",
                        "0 is out of range; allowed: 1 <= value"),
                broken("capture", "capture.max-width = 0", "capture.max-width",
                        "0 is out of range; allowed: 1 <= value"),
                broken("capture", "capture.max-width = 512", "capture.max-width",
                        "max-width = 512 is below projection.width = 1024: a layer wider than max-width is projected "
                                + "to projection.width values, which must be fewer than its own; raise max-width or "
                                + "lower projection.width"),
                broken("capture", "capture.projection.width = 0", "capture.projection.width",
                        "0 is out of range; allowed: 1 <= value"),
                broken("capture", "capture.epochs.images = -1", "capture.epochs.images",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("capture", "capture.epochs.images = 31", "capture.epochs.images",
                        "the per-epoch record's 31 test images are more than the test split's 30; set "
                                + "capture.epochs.images to at most 30 (0 records no epochs)"),
                broken("capture", "capture.outputs = maybe", "capture.outputs",
                        "expected true or false, got \"maybe\""),

                broken("reduce", "reduce.methods = []", "reduce.methods", "name at least one method"),
                broken("reduce", "reduce.methods = [pca, pca]", "reduce.methods", "names a method twice"),
                broken("reduce", "reduce.methods = [pca, tsnee]", "reduce.methods[1]",
                        "expected one of pca, tsne, umap, trimap, got \"tsnee\" (did you mean `tsne`?)"),
                broken("reduce", "reduce.inputs = [dropout1]", "reduce.inputs",
                        "`dropout1` is not captured; the capture takes input, dense1 (by default"),
                broken("reduce", "reduce.inputs = [dense1], capture.layers = [input]", "reduce.inputs",
                        "`dense1` is not captured; the capture takes input (capture.layers)"),
                broken("reduce", "capture.splits = [train]", "capture.splits",
                        "the reduce stage maps the train and test splits; add test to capture.splits"),
                new Broken("reduce", "reduce.tsne.iterations = 200", "reduce.tsne.exaggeration-iterations",
                        "250 exaggerated steps cannot be more than the 200 steps in all (iterations); lower "
                                + "exaggeration-iterations or raise iterations", false),
                broken("reduce", "reduce.tsne.perplexity = 30", "reduce.tsne.perplexity",
                        "perplexity = 30 needs more than 90 points (3 x perplexity), got 75; lower perplexity or "
                                + "map more points"),
                broken("reduce", "reduce.tsne.transform.perplexity = 30", "reduce.tsne.transform.perplexity",
                        "perplexity = 30 needs more than 90 points (3 x perplexity), got 75"),
                broken("reduce", "reduce { test-placement = separate, tsne.perplexity = 10 }",
                        "reduce.tsne.perplexity", "perplexity = 10 needs more than 30 points (3 x perplexity), got 30"),
                broken("reduce", "reduce.tsne.theta = 2", "reduce.tsne.theta",
                        "2 is out of range; allowed: 0 <= value <= 1"),
                broken("reduce", "reduce.tsne.gradient = fast", "reduce.tsne.gradient",
                        "expected one of auto, barnes-hut, fft, got \"fast\""),
                broken("reduce", "reduce.tsne.early-exaggeration = 0.5", "reduce.tsne.early-exaggeration",
                        "0.5 is out of range; allowed: 1 <= value"),
                broken("reduce", "reduce.umap.min-dist = 2", "reduce.umap.min-dist",
                        "min-dist = 2 is larger than spread = 1; keep min-dist <= spread"),
                broken("reduce", "reduce.umap.neighbors = 100", "reduce.umap.neighbors",
                        "neighbors = 100 (counting the point itself) needs at least that many points, got 75"),
                broken("reduce", "reduce.umap.negative-sample-rate = 0", "reduce.umap.negative-sample-rate",
                        "0 is out of range; allowed: 1 <= value"),
                broken("reduce", "reduce.trimap.inliers = 80", "reduce.trimap.inliers",
                        "inliers = 80 needs more than 81 points, got 75"),
                broken("reduce", "reduce.trimap.outliers = 70", "reduce.trimap.outliers",
                        "outliers = 70 per inlier cannot be drawn from the 62 points that are not a point's inliers"),
                broken("reduce", "reduce.trimap.weight-temperature = 0", "reduce.trimap.weight-temperature",
                        "0 is out of range; allowed: 0 < value"),
                broken("reduce", "reduce.trimap.pca-dimensions = 1", "reduce.trimap.pca-dimensions",
                        "1 is out of range; allowed: 2 <= value"),
                broken("reduce", "reduce.threads = 2000", "reduce.threads",
                        "2000 is out of range; allowed: 0 <= value <= 1024"),
                broken("reduce", "reduce.projector.max-points = 0", "reduce.projector.max-points",
                        "0 is out of range; allowed: 1 <= value"),
                broken("reduce", "reduce.neighbors.search.trees = 0", "reduce.neighbors.search.trees",
                        "0 is out of range; allowed: 1 <= value <= 256"),
                broken("reduce", "reduce.neighbors.search.stop = 2", "reduce.neighbors.search.stop",
                        "2 is out of range; allowed: 0 <= value <= 1"),

                broken("knn", "knn.k = []", "knn.k", "name at least one neighbour count"),
                broken("knn", "knn.k = [3, 0]", "knn.k", "k = 0 is not a neighbour count"),
                broken("knn", "knn.k = [3, 3]", "knn.k", "names a neighbour count twice"),
                broken("knn", "knn.k = [3, 80]", "knn.k",
                        "k = 80 needs at least 80 training points; there are 75 captured from the training split"),
                broken("knn", "capture.per-class = 2, knn.k = [3, 7]", "knn.k",
                        "k = 7 needs at least 7 training points; there are 6 captured from the training split"),
                broken("knn", "knn.quality.neighbors = 15", "knn.quality.neighbors",
                        "neighbors = 15 needs a sample of more than 30 test points; there are 30 captured from the "
                                + "test split"),
                broken("knn", "knn.quality { sample = 20, neighbors = 10 }", "knn.quality.neighbors",
                        "neighbors = 10 needs a sample of more than 20 points, sample is 20"),
                broken("knn", "knn.threads = 2000", "knn.threads", "2000 is out of range; allowed: 0 <= value <= 1024"),
                broken("knn", "knn.search.max-candidates = 1", "knn.search.max-candidates",
                        "1 is out of range; allowed: 2 <= value"),

                broken("collapse", "collapse.layer = dense7", "collapse.layer",
                        "the model has no layer `dense7`; its layers are input, dense1, dropout1, output"),
                broken("collapse", "collapse.layer = output", "collapse.layer",
                        "`output` is the output layer; name a layer whose features it classifies"),
                broken("collapse", "collapse.layer = input", "collapse.layer",
                        "`input` is not what the output layer classifies: dense1 (dense) lies between them"),
                // the capture takes every layer of the network by default (a wide one through a projection), so
                // only capture.layers leaves the named layer out
                broken("collapse", "collapse.layer = dense1, capture.layers = [input]", "collapse.layer",
                        "`dense1` is not captured; the capture takes input (capture.layers); add it to capture.layers"),
                broken("collapse", "capture.layers = [input]", "capture.layers",
                        "the collapse stage measures the penultimate layer `dense1`, which is not captured; the "
                                + "capture takes input (capture.layers); add dense1 to capture.layers"),
                broken("collapse", "capture.splits = [train]", "capture.splits", "the collapse stage takes the class "
                        + "means from the train split and compares the network with them on the test split; add test "
                        + "to capture.splits"),
                new Broken("collapse", "model.layers = [{ type = output }]", "pipeline[10]", "the network has no "
                        + "hidden dense, convolution or pooling layer before its output layer", false),
                broken("collapse", "collapse.rank-tolerance = 1", "collapse.rank-tolerance",
                        "1 is out of range; allowed: 0 < value < 1"),

                broken("hardneg", "hardneg.per-class = 0", "hardneg.per-class",
                        "0 is out of range; allowed: 1 <= value"),
                broken("hardneg", "hardneg.image-scale = 65", "hardneg.image-scale",
                        "65 is out of range; allowed: 1 <= value <= 64"),

                broken("attribution", "attribution.steps = 0", "attribution.steps",
                        "0 is out of range; allowed: 1 <= value"),
                broken("attribution", "attribution.correct-per-class = -1", "attribution.correct-per-class",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("attribution", "attribution.sanity.images = -1", "attribution.sanity.images",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("attribution", "attribution.sanity.threshold = 2", "attribution.sanity.threshold",
                        "2 is out of range; allowed: -1 <= value <= 1"),
                broken("attribution", "attribution.image-scale = 0", "attribution.image-scale",
                        "0 is out of range; allowed: 1 <= value <= 64"),
                broken("attribution", "attribution.methods = [saliency, salincy]", "attribution.methods[1]",
                        "expected one of saliency, integrated-gradients, grad-cam, got \"salincy\""),
                broken("attribution", "attribution.methods = [saliency, saliency]", "attribution.methods",
                        "names a method twice: [saliency, saliency]"),
                broken("attribution", "attribution.methods = [saliency, grad-cam]", "attribution.methods",
                        "grad-cam needs a convolution layer, and the network's layers are dense1, dropout1, output"),

                broken("probe", "probe.logistic.strengths = [0.01, 0]", "probe.logistic.strengths[1]",
                        "0 is out of range; allowed: 0 < value"),
                broken("probe", "probe.logistic.strengths = []", "probe.logistic.strengths", "must not be empty"),
                broken("probe", "probe.logistic.strengths = [0.1, 0.1]", "probe.logistic.strengths",
                        "names a strength twice: [0.1, 0.1]"),
                broken("probe", "probe.logistic.iterations = 0", "probe.logistic.iterations",
                        "0 is out of range; allowed: 1 <= value"),
                broken("probe", "probe.logistic.tolerance = 0", "probe.logistic.tolerance",
                        "0 is out of range; allowed: 0 < value"),
                broken("probe", "probe.layers = [dense1, dense1]", "probe.layers", "names a layer twice"),
                broken("probe", "probe.layers = [dense7]", "probe.layers",
                        "`dense7` is not captured; the capture takes input, dense1 (by default"),
                broken("probe", "capture.splits = [train, test]", "capture.splits",
                        "the probe stage picks the best of the 3 probe.logistic.strengths on the validation split "
                                + "(or name one strength); add validation to capture.splits"),
                new Broken("probe", "data.validation-fraction = 0", "probe.logistic.strengths",
                        "picking the best of 3 strengths needs validation images, and the capture keeps none", false),
                broken("probe", "probe.threads = 2000", "probe.threads",
                        "2000 is out of range; allowed: 0 <= value <= 1024"),

                broken("cka", "cka.subset = 31", "cka.subset", "subset = 31 test images, but the capture keeps 30 of "
                        + "the test split; lower cka.subset to at most 30"),
                broken("cka", "capture.per-class = 2, cka.subset = 7", "cka.subset",
                        "subset = 7 test images, but the capture keeps 6 of the test split"),
                broken("cka", "cka.subset = 3", "cka.subset", "3 is out of range; allowed: 4 <= value"),
                broken("cka", "cka.layers = [dropout1]", "cka.layers",
                        "`dropout1` is not captured; the capture takes input, dense1 (by default"),
                broken("cka", "cka.layers = [dense1, dense1]", "cka.layers", "names a layer twice"),
                broken("cka", "cka.estimator = biased", "cka.estimator",
                        "expected one of linear-biased, unbiased, got \"biased\""),
                broken("cka", "cka.compare-with = [no-such-run]", "cka.compare-with",
                        "`no-such-run` is not a run folder"),
                broken("cka", "capture.splits = [train]", "capture.splits",
                        "the cka stage compares layers on the test split; add test to capture.splits"),

                broken("intrinsic", "intrinsic.subset = 31", "intrinsic.subset", "subset = 31 test images, but the "
                        + "capture keeps 30 of the test split; lower intrinsic.subset to at most 30"),
                broken("intrinsic", "intrinsic.subset = 2", "intrinsic.subset",
                        "2 is out of range; allowed: 3 <= value"),
                broken("intrinsic", "intrinsic { subset = 3, two-nn.discard = 0.5 }", "intrinsic.subset",
                        "TwoNN with discard = 0.5 needs at least 4 test images; subset is 3"),
                broken("intrinsic", "intrinsic.layers = [dropout1]", "intrinsic.layers",
                        "`dropout1` is not captured; the capture takes input, dense1 (by default"),
                broken("intrinsic", "intrinsic.two-nn.discard = 1", "intrinsic.two-nn.discard",
                        "1 is out of range; allowed: 0 <= value < 1"),
                broken("intrinsic", "intrinsic.threads = 2000", "intrinsic.threads",
                        "2000 is out of range; allowed: 0 <= value <= 1024"),
                broken("intrinsic", "intrinsic.search.exact-up-to = -1", "intrinsic.search.exact-up-to",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("intrinsic", "capture.splits = [train]", "capture.splits",
                        "the intrinsic stage estimates on the test split; add test to capture.splits"),

                broken("validation-grid", "data.validation-fraction = 0", "data.validation-fraction",
                        "the validation split is empty, so validation-grid has no image to show"),
                broken("validation-grid", "validation-grid.images = 0", "validation-grid.images",
                        "0 is out of range; allowed: 1 <= value"),
                broken("validation-grid", "validation-grid.epochs = [1, 2]", "validation-grid.epochs",
                        "epoch 2 was not trained: the train stage trained epochs 1 to 1"),
                broken("validation-grid", "validation-grid.epochs = [first]", "validation-grid.epochs",
                        "`first` is not an epoch; name epochs by number"),
                broken("validation-grid", "validation-grid.epochs = []", "validation-grid.epochs",
                        "must not be empty"),

                broken("report", "report.compare-runs = -1", "report.compare-runs",
                        "-1 is out of range; allowed: 0 <= value"),
                broken("report", "report.thumbnail-scale = 17", "report.thumbnail-scale",
                        "17 is out of range; allowed: 1 <= value <= 16"),

                broken("kernel", "pipeline = [laod, train]", "pipeline[0]",
                        "no stage is called `laod`; did you mean `load`? Known stages: "),
                broken("kernel", "pipeline = [load, frobnicate]", "pipeline[1]",
                        "no stage is called `frobnicate`. Known stages: attribution, capture, cka, collapse, hardneg, "
                                + "intrinsic, knn, load, probe, reduce, report, synthetic, train, validation-grid; "),
                broken("kernel", "pipeline = [train, load]", "pipeline[0]", "stage `train` reads dataset (Dataset), "
                        + "but no stage before it writes it; `load` writes it, so put it earlier in the list"),
                broken("kernel", "runs.force = [trian]", "runs.force", "`trian` is not in the pipeline"),
                broken("kernel", "runtime.heap = lots", "runtime.heap", "`lots` is not a size such as 512m or 4g"),
                broken("kernel", "modle.epochs = 3", "modle", "is not a known key; did you mean `model`?"));
    }

    @BeforeAll
    static void writeTheData() throws IOException {
        writePair(data, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 30);
        writePair(data, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10);
    }

    /** {@code perClass} 28x28 images of each of three classes, labels 0, 1, 2, 0, 1, 2, ... */
    private static void writePair(Path folder, String images, String labels, int perClass) throws IOException {
        int n = 3 * perClass;
        byte[] pixels = new byte[n * 28 * 28];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = i % 3;
            java.util.Arrays.fill(pixels, i * 784 + classes[i] * 200, i * 784 + classes[i] * 200 + 100, (byte) 200);
        }
        Idx.writeImages(folder.resolve(images), 28, 28, pixels, true);
        Idx.writeLabels(folder.resolve(labels), classes, true);
    }

    @Test
    void theExperimentTheRulesAreBrokenInIsValid() throws IOException {
        plan(write(experiment("load", "")));
        plan(write(experiment("synthetic", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachBrokenRuleIsRejectedAtPlanningWithItsKeyAndLine(Broken rule) throws IOException {
        Path file = write(experiment(rule.stage().equals("synthetic") ? "synthetic" : "load", rule.line()));
        int line = Files.readAllLines(file).size();
        ExperimentException rejected = assertThrows(ExperimentException.class, () -> plan(file));
        List<ConfigProblem> named = rejected.problems().stream()
                .filter(problem -> problem.path().equals(rule.path()) && problem.message().contains(rule.message()))
                .toList();
        assertEquals(1, named.size(), "expected one problem `" + rule.path() + ": " + rule.message() + "` in\n"
                + rejected.getMessage());
        if (rule.atLine()) {
            assertEquals(file + ":" + line, named.get(0).where(), "the problem points at the value to change");
        }
    }

    /** The list above covers every stage LayerScope ships. */
    @Test
    void everyStageHasItsRulesBrokenAbove() {
        Injector injector = Guice.createInjector(Main.STAGE_MODULES);
        Set<String> stages = new TreeSet<>(injector.getInstance(StageCatalog.class).stages().keySet());
        Set<String> covered = rules().map(Broken::stage).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(covered.containsAll(stages), "stages without a broken rule: " + stages.stream()
                .filter(stage -> !covered.contains(stage)).toList());
    }

    /**
     * The issue's case: a kernel larger than the image and a perplexity too large for the training split in one
     * file, with more, all reported at once, in the order of their lines, and nothing run.
     */
    @Test
    void everyProblemOfAFileIsReportedTogetherInLineOrderAndNothingRuns() throws IOException {
        Path file = write(experiment("load", """
                model.layers = [{ type = conv2d, filters = 4, kernel = 40 }, { type = output }]
                reduce.tsne.perplexity = 400
                reduce.umap.neighbors = 500
                knn.k = [3, 500]
                hardneg.per-clas = 3"""));
        int last = Files.readAllLines(file).size();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = new Launcher(Main.STAGE_MODULES).run(Map.of(Launcher.EXPERIMENT_PROPERTY, file.toString()),
                Map.of(), new PrintStream(errors, true, StandardCharsets.UTF_8));
        String output = errors.toString(StandardCharsets.UTF_8);
        assertEquals(Launcher.INVALID_EXPERIMENT, exit, output);
        assertTrue(output.contains("has 5 problems; nothing was run"), output);
        List<String> expected = List.of(
                file + ":" + (last - 4) + ": model.layers: the layer stack cannot take the 28x28 images of Tiny",
                file + ":" + (last - 3) + ": reduce.tsne.perplexity: perplexity = 400 needs more than 1200 points",
                file + ":" + (last - 2) + ": reduce.umap.neighbors: neighbors = 500",
                file + ":" + (last - 1) + ": knn.k: k = 500 needs at least 500 training points",
                file + ":" + last + ": hardneg.per-clas: is not a known key; did you mean `per-class`?");
        int from = 0;
        for (String problem : expected) {
            int at = output.indexOf(problem, from);
            assertTrue(at >= 0, "expected, after the problems before it:\n  " + problem + "\nin\n" + output);
            from = at;
        }
        assertFalse(Files.exists(dir.resolve("runs")), "no run folder: nothing ran, nothing was trained");
    }

    /** The issue's two examples on the real data, as a person would type them. */
    @Test
    void theIssuesExamplesAreRejectedAtPlanningOnTheRealData() {
        Path real = ExperimentsTest.realData();
        String tsne = launchFailing(Path.of("../conf/fashion-mlp.conf"),
                Map.of("data.dir", real.toString(), "reduce.tsne.iterations", "200"));
        assertTrue(tsne.contains("reduce.tsne.exaggeration-iterations: 250 exaggerated steps cannot be more than "
                + "the 200 steps in all (iterations)"), tsne);
        String kernel = launchFailing(Path.of("../conf/fashion-cnn.conf"), Map.of("data.dir", real.toString(),
                "model.layers", "[{ type = conv2d, filters = 32, kernel = 40 }, { type = output }]",
                "reduce.tsne.perplexity", "20000"));
        assertTrue(kernel.contains("model.layers: the layer stack cannot take the 28x28 images of Fashion-MNIST: "
                + "layers[0] (conv1): kernel 40x40 is larger than its 28x28 input"), kernel);
        assertTrue(kernel.contains("reduce.tsne.perplexity: perplexity = 20000 needs more than 60000 points "
                + "(3 x perplexity), got 50000"), kernel);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    private String launchFailing(Path experiment, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, experiment.toString());
        properties.put("runs.dir", dir.resolve("runs").toString());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = new Launcher(Main.STAGE_MODULES).run(properties, Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        String output = errors.toString(StandardCharsets.UTF_8);
        assertEquals(Launcher.INVALID_EXPERIMENT, exit, output);
        return output;
    }

    private String experiment(String source, String lastLines) {
        return "runs.dir = \"" + dir.resolve("runs") + "\"\n" + BASE.formatted(source, data) + lastLines + "\n";
    }

    private Path write(String experiment) throws IOException {
        return Files.writeString(dir.resolve("bad.conf"), experiment);
    }

    private static void plan(Path file) throws IOException {
        Injector injector = Guice.createInjector(Main.STAGE_MODULES);
        PipelinePlanner planner = injector.getInstance(PipelinePlanner.class);
        Experiment experiment = new ExperimentLoader(BadExperimentsTest.class.getClassLoader())
                .load(file, Map.of(), Map.of(), planner.sections());
        planner.plan(experiment);
    }
}

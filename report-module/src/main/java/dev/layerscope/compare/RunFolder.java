package dev.layerscope.compare;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.layerscope.capture.Activations;
import dev.layerscope.data.Npy;
import dev.layerscope.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One run folder as the comparison reads it (the files {@code docs/run-folder.md} lists): its resolved settings from
 * {@code experiment.conf}, which data set it ran on, and, each only when the run wrote the file, its figures, training
 * curves, predictions, captured test activations and maps.
 *
 * @param folder   the folder as given
 * @param name     {@code <experiment>/<run folder>}, the names of its parent and of itself
 * @param settings every setting of the resolved experiment, flattened to {@code a.b.c} keys, values as HOCON
 *                 writes them (strings unquoted); the {@code runs} section (where runs go, what to force) left out,
 *                 as it is no part of what a run computes
 * @param dataset  the data set: its name and the checksums of its files ({@code load/dataset.json}), or the
 *                 synthetic stage's settings; what decides whether two runs' test images are the same images
 * @param datasetName the data set's name, for people
 * @param classNames the class names, or {@code class 0, class 1, ...} when the run has no {@code dataset.json}
 * @param imageRows  the images' height, 0 when unknown
 * @param imageCols  the images' width, 0 when unknown
 */
record RunFolder(Path folder, String name, SortedMap<String, String> settings, String dataset, String datasetName,
                 List<String> classNames, int imageRows, int imageCols) {

    static final String TEST = "test";
    private static final String RUNS_SECTION = "runs.";

    /**
     * Reads the folder's settings, or says what makes it no run folder: it does not exist, or has no
     * {@code run.json} or {@code experiment.conf}.
     */
    static RunFolder read(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("`" + folder + "` is not a run folder: there is no folder " + absolute);
        }
        for (String file : List.of("run.json", "experiment.conf")) {
            if (!Files.isRegularFile(absolute.resolve(file))) {
                throw new IllegalArgumentException("`" + folder + "` is not a run folder: it has no " + file
                        + " (a run folder is runs/<experiment>/<yyyyMMdd-HHmmss>/)");
            }
        }
        SortedMap<String, String> settings = new TreeMap<>();
        Config experiment = ConfigFactory.parseFile(absolute.resolve("experiment.conf").toFile());
        for (Map.Entry<String, ConfigValue> entry : experiment.entrySet()) {
            if (!entry.getKey().startsWith(RUNS_SECTION)) {
                settings.put(entry.getKey(), text(entry.getValue()));
            }
        }
        Path parent = absolute.getParent();
        String experimentName = parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/";
        String name = experimentName + absolute.getFileName();

        Path datasetJson = absolute.resolve("load").resolve("dataset.json");
        if (Files.isRegularFile(datasetJson)) {
            Config description = ConfigFactory.parseFile(datasetJson.toFile());
            List<String> checksums = description.getConfigList("files").stream().map(f -> f.getString("md5"))
                    .sorted().toList();
            String datasetName = description.getString("name");
            return new RunFolder(folder, name, settings, datasetName + " " + checksums, datasetName,
                    description.getStringList("class-names"), description.getInt("rows"),
                    description.getInt("cols"));
        }
        if (settings.getOrDefault("pipeline", "").contains("synthetic")) {
            int classes = Integer.parseInt(settings.getOrDefault("synthetic.classes", "0"));
            List<String> classNames = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                classNames.add("class " + c);
            }
            StringBuilder identity = new StringBuilder("synthetic");
            settings.forEach((key, value) -> {
                if (key.startsWith("synthetic.")) {
                    identity.append(' ').append(key).append('=').append(value);
                }
            });
            return new RunFolder(folder, name, settings, identity.toString(), "synthetic", classNames,
                    Integer.parseInt(settings.getOrDefault("synthetic.rows", "0")),
                    Integer.parseInt(settings.getOrDefault("synthetic.cols", "0")));
        }
        // neither: a data set of a stage of one's own; its runs compare with nothing on test images
        return new RunFolder(folder, name, settings, "unknown data of " + name, "unknown", List.of(), 0, 0);
    }

    private static String text(ConfigValue value) {
        return value.valueType() == ConfigValueType.STRING ? (String) value.unwrapped()
                : value.render(ConfigRenderOptions.concise());
    }

    /** The absolute path of a file of the run, e.g. {@code knn/knn.csv}. */
    Path file(String relative) {
        return folder.toAbsolutePath().normalize().resolve(relative);
    }

    boolean has(String relative) {
        return Files.isRegularFile(file(relative));
    }

    /** The class name of {@code label}, or {@code class <label>} beyond the names known. */
    String className(int label) {
        return label < classNames.size() ? classNames.get(label) : "class " + label;
    }

    /**
     * The captured layers in capture order ({@code capture/layers.tsv}); else the inputs of {@code knn/knn.csv} in
     * the order they appear; else none.
     */
    List<String> layers() throws IOException {
        if (has("capture/" + Activations.LAYERS_FILE)) {
            return Activations.layersIn(file("capture"));
        }
        if (has("knn/knn.csv")) {
            return CsvTable.read(file("knn/knn.csv")).records().stream().map(r -> r.get("input")).distinct().toList();
        }
        return List.of();
    }

    /** The test images' true classes and the run's predicted classes, by position in the test file. */
    record Predictions(Map<Integer, Integer> label, Map<Integer, Integer> predicted) {
    }

    /** The train stage's predictions of the test split, or null when the run has none. */
    Predictions predictions() throws IOException {
        if (!has("train/predictions.npy") || !has("train/test_index.npy") || !has("train/test_labels.npy")) {
            return null;
        }
        Npy.Floats softmax = Npy.readFloats(file("train/predictions.npy"));
        int[] index = Npy.readInts(file("train/test_index.npy")).values();
        int[] labels = Npy.readInts(file("train/test_labels.npy")).values();
        int classes = (int) softmax.shape()[1];
        Map<Integer, Integer> label = new LinkedHashMap<>();
        Map<Integer, Integer> predicted = new LinkedHashMap<>();
        for (int row = 0; row < index.length; row++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (softmax.values()[row * classes + c] > softmax.values()[row * classes + best]) {
                    best = c;
                }
            }
            label.put(index[row], labels[row]);
            predicted.put(index[row], best);
        }
        return new Predictions(label, predicted);
    }

    /** The positions in the test file of the captured test rows, or null when the run captured no test split. */
    int[] capturedTestIndex() throws IOException {
        return has("capture/test-index.npy") ? Npy.readInts(file("capture/test-index.npy")).values() : null;
    }

    /** A layer's captured test activations, a row per captured test image, or null when not captured. */
    FloatMatrix capturedTest(String layer) throws IOException {
        String relative = "capture/" + Activations.fileName(layer, TEST);
        if (!has(relative)) {
            return null;
        }
        Npy.Floats floats = Npy.readFloats(file(relative));
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }

    /**
     * The IDX file of the test images {@code load/dataset.json} names ({@code t10k-images...}), or null when the run
     * has none or it is no longer there.
     */
    Path testImagesFile() {
        if (!has("load/dataset.json")) {
            return null;
        }
        for (Config file : ConfigFactory.parseFile(file("load/dataset.json").toFile()).getConfigList("files")) {
            Path path = Path.of(file.getString("path"));
            if (path.getFileName().toString().startsWith("t10k-images") && Files.isRegularFile(path)) {
                return path;
            }
        }
        return null;
    }

    /** A map's test points: position in the test file to (x, y), and to class. */
    record MapPoints(Map<Integer, float[]> xy, Map<Integer, Integer> label) {
    }

    /** The test points of one map ({@code reduce/<input>-<method>.csv}), or null when the run has no such map. */
    MapPoints map(String input, String method) throws IOException {
        String relative = "reduce/" + input + "-" + method + ".csv";
        if (!has(relative)) {
            return null;
        }
        Map<Integer, float[]> xy = new LinkedHashMap<>();
        Map<Integer, Integer> label = new HashMap<>();
        for (Map<String, String> row : CsvTable.read(file(relative)).records()) {
            if (TEST.equals(row.get("split"))) {
                int index = Integer.parseInt(row.get("index"));
                xy.put(index, new float[] {Float.parseFloat(row.get("x")), Float.parseFloat(row.get("y"))});
                label.put(index, Integer.parseInt(row.get("label")));
            }
        }
        return new MapPoints(xy, label);
    }

    /**
     * The training history, one {@code [epoch, train loss, train accuracy, validation loss, validation accuracy]}
     * per epoch, or null when the run has no {@code train/history.csv}.
     */
    List<double[]> history() throws IOException {
        if (!has("train/history.csv")) {
            return null;
        }
        List<double[]> epochs = new ArrayList<>();
        for (Map<String, String> row : CsvTable.read(file("train/history.csv")).records()) {
            epochs.add(new double[] {number(row.get("epoch")), number(row.get("train_loss")),
                    number(row.get("train_accuracy")), number(row.get("validation_loss")),
                    number(row.get("validation_accuracy"))});
        }
        return epochs;
    }

    /** The epoch of the network the run kept (early stopping's), or the last of its history; 0 when unknown. */
    int trainedEpoch() throws IOException {
        if (has("train/epoch_params.json")) {
            Config params = ConfigFactory.parseFile(file("train/epoch_params.json").toFile());
            if (params.hasPath("kept-epoch")) {
                return params.getInt("kept-epoch");
            }
        }
        List<double[]> history = history();
        return history == null || history.isEmpty() ? 0 : (int) history.getLast()[0];
    }

    static double number(String text) {
        return text == null || text.isBlank() ? Double.NaN : Double.parseDouble(text);
    }
}

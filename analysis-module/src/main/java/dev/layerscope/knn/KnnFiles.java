package dev.layerscope.knn;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Csv;
import dev.layerscope.kernel.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The knn stage's tables:
 * <pre>
 * knn.csv            input,method,placement,dimensions,k,train_points,test_points,correct,accuracy
 * knn_per_class.csv  input,method,placement,k,label,class,test_points,correct,accuracy
 * quality.csv        input,method,placement,neighbors,sample,trustworthiness,continuity,silhouette
 * neighbor_recall.csv input,search,recall: how each layer's neighbours were searched, the recall when approximately
 * knn.json           the same results whole, for {@link #read}
 * layers/&lt;layer&gt;.json  the kNN in one captured layer itself, whole (a stored part, shared by the runs whose layer is
 *                    the same)
 * </pre>
 * {@code method} is {@code high-dimensional} for a kNN in the captured layer itself, whose {@code placement} is
 * empty. A class without test points has no per-class line; a silhouette of a sample with one class is NaN.
 */
final class KnnFiles {

    /**
     * The results as {@link #read} needs them. The CSVs are for people and other tools and cannot give the results
     * back: they round the scores to 6 places, leave out the classes without test points (and with them the class
     * list), and leave the layer names unquoted. A JSON file of the records' own fields round-trips exactly:
     * Typesafe Config writes a double as its shortest exact decimal and parses it back to the same bits; JSON has
     * no NaN, so an undefined score is null.
     */
    private static final String RESULTS = "knn.json";
    private static final String LAYERS = "layers";
    private static final String RECALL = "neighbor-recall";

    private KnnFiles() {
    }

    static void write(Path dir, KnnResults results) throws IOException {
        List<String> overall = new ArrayList<>(List.of(
                "input,method,placement,dimensions,k,train_points,test_points,correct,accuracy"));
        List<String> perClass = new ArrayList<>(List.of(
                "input,method,placement,k,label,class,test_points,correct,accuracy"));
        for (KnnResults.Accuracy a : results.accuracies()) {
            overall.add(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%d,%d,%.6f", a.input(), a.method(),
                    a.placement(), a.dimensions(), a.k(), a.trainPoints(), a.testPoints(), a.correctPoints(),
                    a.accuracy()));
            for (int c = 0; c < a.points().length; c++) {
                if (a.points()[c] > 0) {
                    perClass.add(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%s,%d,%d,%.6f", a.input(), a.method(),
                            a.placement(), a.k(), c, Csv.field(results.classNames().get(c)), a.points()[c],
                            a.correct()[c], a.classAccuracy(c)));
                }
            }
        }
        List<String> quality = new ArrayList<>(List.of(
                "input,method,placement,neighbors,sample,trustworthiness,continuity,silhouette"));
        for (KnnResults.Quality q : results.quality()) {
            quality.add(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.6f,%.6f,%.6f", q.input(), q.method(),
                    q.placement(), q.neighbors(), q.sample(), q.trustworthiness(), q.continuity(), q.silhouette()));
        }
        Files.write(dir.resolve("knn.csv"), overall);
        Files.write(dir.resolve("knn_per_class.csv"), perClass);
        Files.write(dir.resolve("quality.csv"), quality);
        Json.write(dir.resolve(RESULTS), Map.of(
                "class-names", results.classNames(),
                "accuracies", results.accuracies().stream().map(KnnFiles::toJson).toList(),
                "quality", results.quality().stream().map(KnnFiles::toJson).toList()));
    }

    /** The results {@link #write} wrote into {@code dir}, equal field by field. */
    static KnnResults read(Path dir) throws IOException {
        Path file = dir.resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": the knn stage's results cannot be read back without it");
        }
        Config root = ConfigFactory.parseFile(file.toFile());
        return new KnnResults(root.getStringList("class-names"),
                root.getConfigList("accuracies").stream().map(KnnFiles::accuracy).toList(),
                root.getConfigList("quality").stream().map(KnnFiles::quality).toList());
    }

    /** Where the kNN in a layer itself is, as a part of the stage's folder. */
    private static Path layerFile(Path dir, String layer) {
        return dir.resolve(LAYERS).resolve(layer + ".json");
    }

    /**
     * The kNN lines of one layer itself, every k, whole, and the recall of its neighbour search (null: exact): a
     * stored part of the stage's folder.
     */
    static void writeLayer(Path dir, String layer, List<KnnResults.Accuracy> accuracies, double recall)
            throws IOException {
        Path file = layerFile(dir, layer);
        Files.createDirectories(file.getParent());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("accuracies", accuracies.stream().map(KnnFiles::toJson).toList());
        json.put(RECALL, orNull(recall));
        Json.write(file, json);
    }

    /** The recall {@link #writeLayer} wrote for {@code layer}; NaN when its search was exact. */
    static double readLayerRecall(Path dir, String layer) {
        Config json = ConfigFactory.parseFile(layerFile(dir, layer).toFile());
        return json.hasPath(RECALL) ? json.getDouble(RECALL) : Double.NaN;
    }

    /**
     * {@code neighbor_recall.csv}: how each layer's neighbours were searched ({@code exact} or {@code approximate})
     * and, when approximately, the recall against exact neighbours on the search's seeded sample of test points.
     */
    static void writeRecalls(Path dir, Map<String, Double> recalls) throws IOException {
        List<String> lines = new ArrayList<>(List.of("input,search,recall"));
        recalls.forEach((layer, recall) -> lines.add(Double.isNaN(recall) ? layer + ",exact,"
                : String.format(Locale.ROOT, "%s,approximate,%.6f", layer, recall)));
        Files.write(dir.resolve("neighbor_recall.csv"), lines);
    }

    /** The lines {@link #writeLayer} wrote into {@code dir}, equal field by field. */
    static List<KnnResults.Accuracy> readLayer(Path dir, String layer) {
        return ConfigFactory.parseFile(layerFile(dir, layer).toFile()).getConfigList("accuracies").stream()
                .map(KnnFiles::accuracy).toList();
    }

    /** JSON has no NaN: an undefined score is null. */
    static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }

    /** A kNN line whole, as knn.json holds it: its counts, from which everything else follows. */
    private static Map<String, Object> toJson(KnnResults.Accuracy accuracy) {
        Map<String, Object> json = line(accuracy);
        json.put("train-points", accuracy.trainPoints());
        json.put("correct", ints(accuracy.correct()));
        json.put("points", ints(accuracy.points()));
        return json;
    }

    /** A kNN line as run.json holds it: its accuracy overall and per class (null where a class has no points). */
    static Map<String, Object> summary(KnnResults.Accuracy accuracy, List<String> classNames) {
        Map<String, Object> json = line(accuracy);
        json.put("accuracy", accuracy.accuracy());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            perClass.put(classNames.get(c), orNull(accuracy.classAccuracy(c)));
        }
        json.put("per-class", perClass);
        return json;
    }

    /** What names a kNN line: the map or layer it searched and its k. */
    private static Map<String, Object> line(KnnResults.Accuracy accuracy) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("input", accuracy.input());
        json.put("method", accuracy.method());
        json.put("placement", accuracy.placement());
        json.put("dimensions", accuracy.dimensions());
        json.put("k", accuracy.k());
        return json;
    }

    private static KnnResults.Accuracy accuracy(Config json) {
        return new KnnResults.Accuracy(json.getString("input"), json.getString("method"),
                json.getString("placement"), json.getInt("dimensions"), json.getInt("k"), json.getInt("train-points"),
                ints(json.getIntList("correct")), ints(json.getIntList("points")));
    }

    /** A map's quality as knn.json and run.json hold it. */
    static Map<String, Object> toJson(KnnResults.Quality quality) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("input", quality.input());
        json.put("method", quality.method());
        json.put("placement", quality.placement());
        json.put("neighbors", quality.neighbors());
        json.put("sample", quality.sample());
        json.put("trustworthiness", orNull(quality.trustworthiness()));
        json.put("continuity", orNull(quality.continuity()));
        json.put("silhouette", orNull(quality.silhouette()));
        return json;
    }

    private static KnnResults.Quality quality(Config json) {
        return new KnnResults.Quality(json.getString("input"), json.getString("method"), json.getString("placement"),
                json.getInt("neighbors"), json.getInt("sample"), score(json, "trustworthiness"),
                score(json, "continuity"), score(json, "silhouette"));
    }

    /** A score {@link #orNull} wrote: NaN where it is null. */
    private static double score(Config json, String key) {
        return json.getIsNull(key) ? Double.NaN : json.getDouble(key);
    }

    private static List<Integer> ints(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}

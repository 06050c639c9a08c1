package dev.layerscope.knn;

import dev.layerscope.kernel.Csv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The knn stage's tables:
 * <pre>
 * knn.csv            input,method,placement,dimensions,k,train_points,test_points,correct,accuracy
 * knn_per_class.csv  input,method,placement,k,label,class,test_points,correct,accuracy
 * quality.csv        input,method,placement,neighbors,sample,trustworthiness,continuity,silhouette
 * </pre>
 * {@code method} is {@code high-dimensional} for a kNN in the captured layer itself, whose {@code placement} is
 * empty. A class without test points has no per-class line; a silhouette of a sample with one class is NaN.
 */
final class KnnFiles {

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
    }
}

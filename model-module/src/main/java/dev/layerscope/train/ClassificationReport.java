package dev.layerscope.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy, the confusion matrix (rows: true class, columns: predicted class) and per-class precision, recall and
 * F1 of a set of predictions. A class never predicted has precision 0; a class absent from the labels has recall 0.
 */
public record ClassificationReport(double accuracy, long[][] confusion, double[] precision, double[] recall,
                                   double[] f1) {

    public static ClassificationReport of(Predictions predictions) {
        int classes = predictions.classes();
        long[][] confusion = new long[classes][classes];
        long correct = 0;
        for (int i = 0; i < predictions.size(); i++) {
            int predicted = predictions.predicted(i);
            confusion[predictions.labels()[i]][predicted]++;
            correct += predicted == predictions.labels()[i] ? 1 : 0;
        }
        double[] precision = new double[classes];
        double[] recall = new double[classes];
        double[] f1 = new double[classes];
        for (int c = 0; c < classes; c++) {
            long predictedAsC = 0;
            long actuallyC = 0;
            for (int other = 0; other < classes; other++) {
                predictedAsC += confusion[other][c];
                actuallyC += confusion[c][other];
            }
            precision[c] = predictedAsC == 0 ? 0 : (double) confusion[c][c] / predictedAsC;
            recall[c] = actuallyC == 0 ? 0 : (double) confusion[c][c] / actuallyC;
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }
        return new ClassificationReport(predictions.size() == 0 ? 0 : (double) correct / predictions.size(),
                confusion, precision, recall, f1);
    }

    /** The report as JSON-ready maps, with class names. */
    public Map<String, Object> toMap(List<String> classNames) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("accuracy", accuracy);
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class", classNames.get(c));
            entry.put("precision", precision[c]);
            entry.put("recall", recall[c]);
            entry.put("f1", f1[c]);
            perClass.add(entry);
        }
        map.put("per-class", perClass);
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : confusion) {
            rows.add(java.util.Arrays.stream(row).boxed().toList());
        }
        map.put("confusion", rows);
        return map;
    }
}

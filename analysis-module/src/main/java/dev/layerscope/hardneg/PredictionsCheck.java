package dev.layerscope.hardneg;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.train.Predictions;
import java.util.Arrays;

/**
 * Whether predictions fit the dataset the hardneg stage ranks them against: the same classes, every row an image of
 * the test split with the label the dataset gives it, and probabilities that are probabilities. Predictions from
 * another dataset or a network whose training diverged would otherwise give rankings that look plausible and mean
 * nothing, or images of the wrong test index.
 */
final class PredictionsCheck {

    private static final String PREFIX = "hardneg cannot rank these predictions: ";

    private PredictionsCheck() {
    }

    /** @throws IllegalArgumentException saying what is wrong and what to do about it */
    static void check(Dataset dataset, Predictions predictions) {
        int classes = predictions.classes();
        if (classes != dataset.classCount()) {
            throw problem("they score " + classes + " classes but the dataset " + dataset.name() + " has "
                    + dataset.classCount() + " (" + String.join(", ", dataset.classNames()) + "); the stage that "
                    + "writes them must predict this dataset's classes (check data.class-names and the network's "
                    + "output layer)");
        }
        int size = predictions.size();
        if (predictions.testIndices().length != size || predictions.probabilities().length != (long) size * classes) {
            throw problem(size + " labels, " + predictions.testIndices().length + " test indices and "
                    + predictions.probabilities().length + " probabilities do not describe " + size + " images of "
                    + classes + " classes; the stage that writes the predictions has a bug");
        }
        Split test = dataset.test();
        int[] rowOfIndex = new int[test.source().count()];
        Arrays.fill(rowOfIndex, -1);
        for (int row = 0; row < size; row++) {
            int index = predictions.testIndices()[row];
            int position = Arrays.binarySearch(test.indices(), index); // a split's indices are ascending
            if (position < 0) {
                throw problem("row " + row + " is test index " + index + ", which is not in the test split of "
                        + dataset.name() + " (" + test.size() + " of the test file's " + test.source().count()
                        + " images); they were made on other data: run hardneg after the train stage of the same "
                        + "experiment, or use the same data settings");
            }
            if (rowOfIndex[index] >= 0) {
                throw problem("test index " + index + " appears in rows " + rowOfIndex[index] + " and " + row
                        + "; every test image must be predicted once");
            }
            rowOfIndex[index] = row;
            int label = predictions.labels()[row];
            if (label != test.label(position)) {
                throw problem("row " + row + " (test index " + index + ") is labelled " + label + " but the dataset "
                        + "labels that image " + test.label(position) + " (" + dataset.classNames().get(
                        test.label(position)) + "); they were made on other data or with other labels");
            }
            for (int c = 0; c < classes; c++) {
                float p = predictions.probability(row, c);
                if (!(p >= 0 && p <= 1)) { // also false for NaN
                    throw problem("row " + row + " (test index " + index + ") gives class " + c + " ("
                            + dataset.classNames().get(c) + ") the probability " + p + "; a softmax output lies in "
                            + "[0, 1], and NaN means training diverged (see the train stage's history.csv; a lower "
                            + "model.updater.learning-rate usually helps)");
                }
            }
        }
    }

    private static IllegalArgumentException problem(String message) {
        return new IllegalArgumentException(PREFIX + message);
    }
}

package dev.layerscope.hardneg;

import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.train.ClassificationReport;
import dev.layerscope.train.Predictions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What the hardneg stage hands on: for each true class the test images the network got most confidently wrong
 * and, for contrast, those it got most confidently right and those it was least sure of; the confusion matrix with
 * per-class precision, recall and F1; and the confused class pairs.
 *
 * <p>Every image's predicted class is its most probable one, the lower class winning a tie, as in
 * {@link Predictions#predicted} and so in the confusion matrix. Images of equal confidence are ranked by their
 * test index, the lower first, in every ranking.
 *
 * @param classNames          the name of each class
 * @param ranked              every ranking's entries, by true class, then {@link Kind}, then rank
 * @param report              accuracy, the confusion matrix (rows: true class, columns: predicted class, counts)
 *                            and per-class precision, recall and F1
 * @param normalisedConfusion each row of the confusion matrix divided by its sum: the share of a true class
 *                            predicted as each class; a class without test images has a row of zeros
 * @param confusedPairs       every pair of different classes (true, predicted) with at least one image, the most
 *                            images first; equal counts by the larger share of the true class, then by true class
 *                            and predicted class
 */
public record HardNegatives(List<String> classNames, List<Ranked> ranked, ClassificationReport report,
                            double[][] normalisedConfusion, List<ConfusedPair> confusedPairs) {

    public static final ArtifactKey<HardNegatives> ARTIFACT = ArtifactKey.of("hard-negatives", HardNegatives.class);

    public HardNegatives {
        classNames = List.copyOf(classNames);
        ranked = List.copyOf(ranked);
        confusedPairs = List.copyOf(confusedPairs);
    }

    /** The rankings kept for each true class. */
    public enum Kind {
        /** Misclassified images, the highest probability of a wrong class first. */
        HARD_NEGATIVE("hard-negatives"),
        /** Correctly classified images, the most confident first. */
        MOST_CONFIDENT_CORRECT("most-confident-correct"),
        /** Every image of the class, right or wrong, the lowest top probability first. */
        LEAST_CONFIDENT("least-confident");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name of the kind in files: the CSV's {@code kind} column and the image folder. */
        public String label() {
            return label;
        }
    }

    /**
     * One image in one ranking.
     *
     * @param rank            1 for the first
     * @param row             the image's row in {@link Predictions}
     * @param testIndex       the image's position in the test file
     * @param predicted       its predicted class
     * @param confidence      the predicted class's probability; for a hard negative that is the highest
     *                        probability of a wrong class
     * @param trueProbability the probability of the true class
     */
    public record Ranked(Kind kind, int trueClass, int rank, int row, int testIndex, int predicted, float confidence,
                         float trueProbability) {
    }

    /**
     * Images of class {@code trueClass} predicted as class {@code predicted}.
     *
     * @param share {@code count} over the number of test images of {@code trueClass}
     */
    public record ConfusedPair(int trueClass, int predicted, long count, double share) {
    }

    /**
     * Ranks and counts the predictions. A ranking of a class holds {@code perClass} images, or all there are when
     * the class has fewer (a class with two misclassified images has two hard negatives).
     */
    public static HardNegatives of(Predictions predictions, List<String> classNames, int perClass) {
        int classes = predictions.classes();
        int[] predicted = new int[predictions.size()];
        float[] confidence = new float[predictions.size()];
        List<List<Integer>> rowsOfClass = new ArrayList<>();
        IntStream.range(0, classes).forEach(c -> rowsOfClass.add(new ArrayList<>()));
        for (int row = 0; row < predictions.size(); row++) {
            predicted[row] = predictions.predicted(row);
            confidence[row] = predictions.probability(row, predicted[row]);
            rowsOfClass.get(predictions.labels()[row]).add(row);
        }
        Comparator<Integer> byTestIndex = Comparator.comparingInt(row -> predictions.testIndices()[row]);
        Comparator<Integer> mostConfident = Comparator.<Integer>comparingDouble(row -> confidence[row]).reversed()
                .thenComparing(byTestIndex);
        Comparator<Integer> leastConfident = Comparator.<Integer>comparingDouble(row -> confidence[row])
                .thenComparing(byTestIndex);

        List<Ranked> ranked = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int trueClass = c;
            List<Integer> rows = rowsOfClass.get(c);
            for (Kind kind : Kind.values()) {
                List<Integer> ranking = switch (kind) {
                    case HARD_NEGATIVE -> rows.stream().filter(row -> predicted[row] != trueClass)
                            .sorted(mostConfident).toList();
                    case MOST_CONFIDENT_CORRECT -> rows.stream().filter(row -> predicted[row] == trueClass)
                            .sorted(mostConfident).toList();
                    case LEAST_CONFIDENT -> rows.stream().sorted(leastConfident).toList();
                };
                for (int rank = 1; rank <= Math.min(perClass, ranking.size()); rank++) {
                    int row = ranking.get(rank - 1);
                    ranked.add(new Ranked(kind, trueClass, rank, row, predictions.testIndices()[row], predicted[row],
                            confidence[row], predictions.probability(row, trueClass)));
                }
            }
        }

        ClassificationReport report = ClassificationReport.of(predictions);
        long[][] confusion = report.confusion();
        double[][] normalised = new double[classes][classes];
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int actual = 0; actual < classes; actual++) {
            long images = 0;
            for (long count : confusion[actual]) {
                images += count;
            }
            for (int guess = 0; guess < classes; guess++) {
                normalised[actual][guess] = images == 0 ? 0 : (double) confusion[actual][guess] / images;
                if (guess != actual && confusion[actual][guess] > 0) {
                    pairs.add(new ConfusedPair(actual, guess, confusion[actual][guess], normalised[actual][guess]));
                }
            }
        }
        pairs.sort(Comparator.comparingLong(ConfusedPair::count).thenComparingDouble(ConfusedPair::share).reversed()
                .thenComparingInt(ConfusedPair::trueClass).thenComparingInt(ConfusedPair::predicted));
        return new HardNegatives(classNames, ranked, report, normalised, pairs);
    }

    /** The entries of one ranking of one class, first rank first. */
    public List<Ranked> ranking(Kind kind, int trueClass) {
        return ranked.stream().filter(r -> r.kind() == kind && r.trueClass() == trueClass).toList();
    }
}

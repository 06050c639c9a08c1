package dev.layerscope.hardneg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.hardneg.HardNegatives.ConfusedPair;
import dev.layerscope.hardneg.HardNegatives.Kind;
import dev.layerscope.hardneg.HardNegatives.Ranked;
import dev.layerscope.train.Predictions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HardNegativesTest {

    /**
     * Eleven images of three classes; rows are {label, test index, p(class 0), p(class 1), p(class 2)}. Class 0 has
     * two hard negatives of equal confidence (test index 5 before 11) and a third below them; class 1 has one
     * misclassified image; the last image ties its true class 2 with class 0, so it counts as predicted 0.
     */
    private static final float[][] TABLE = {
            {0, 10, 0.7f, 0.2f, 0.1f},
            {0, 11, 0.1f, 0.8f, 0.1f},
            {0, 12, 0.2f, 0.1f, 0.7f},
            {0, 5, 0.1f, 0.1f, 0.8f},
            {0, 3, 0.9f, 0.05f, 0.05f},
            {1, 7, 0.3f, 0.4f, 0.3f},
            {1, 8, 0.6f, 0.3f, 0.1f},
            {1, 9, 0.05f, 0.9f, 0.05f},
            {2, 2, 0.25f, 0.25f, 0.5f},
            {2, 1, 0f, 0f, 1f},
            {2, 0, 0.5f, 0f, 0.5f}};
    private static final List<String> NAMES = List.of("zero", "one", "two");

    static Predictions predictions(float[][] table) {
        int classes = table[0].length - 2;
        float[] probabilities = new float[table.length * classes];
        for (int row = 0; row < table.length; row++) {
            System.arraycopy(table[row], 2, probabilities, row * classes, classes);
        }
        return new Predictions(probabilities, classes, Arrays.stream(table).mapToInt(r -> (int) r[0]).toArray(),
                Arrays.stream(table).mapToInt(r -> (int) r[1]).toArray());
    }

    /** Each ranking as "test index>predicted class@confidence", first rank first. */
    @ParameterizedTest(name = "{0} of class {1}, {2} per class")
    @CsvSource(delimiter = '|', value = {
            "HARD_NEGATIVE          | 0 | 2  | 5>2@0.8 11>1@0.8",
            "HARD_NEGATIVE          | 0 | 5  | 5>2@0.8 11>1@0.8 12>2@0.7",
            "HARD_NEGATIVE          | 1 | 2  | 8>0@0.6",
            "HARD_NEGATIVE          | 2 | 2  | 0>0@0.5",
            "MOST_CONFIDENT_CORRECT | 0 | 2  | 3>0@0.9 10>0@0.7",
            "MOST_CONFIDENT_CORRECT | 1 | 1  | 9>1@0.9",
            "MOST_CONFIDENT_CORRECT | 2 | 5  | 1>2@1.0 2>2@0.5",
            "LEAST_CONFIDENT        | 0 | 2  | 10>0@0.7 12>2@0.7",
            "LEAST_CONFIDENT        | 0 | 9  | 10>0@0.7 12>2@0.7 5>2@0.8 11>1@0.8 3>0@0.9",
            "LEAST_CONFIDENT        | 1 | 2  | 7>1@0.4 8>0@0.6",
            "LEAST_CONFIDENT        | 2 | 2  | 0>0@0.5 2>2@0.5"})
    void rankingsOfAHandMadeSoftmax(Kind kind, int trueClass, int perClass, String expected) {
        HardNegatives mined = HardNegatives.of(predictions(TABLE), NAMES, perClass);
        List<Ranked> ranking = mined.ranking(kind, trueClass);
        assertEquals(expected, ranking.stream().map(r -> r.testIndex() + ">" + r.predicted() + "@" + r.confidence())
                .collect(Collectors.joining(" ")));
        for (int i = 0; i < ranking.size(); i++) {
            Ranked entry = ranking.get(i);
            assertEquals(i + 1, entry.rank());
            assertEquals(TABLE[entry.row()][1], entry.testIndex(), "row points at the image's predictions");
            assertEquals(TABLE[entry.row()][2 + trueClass], entry.trueProbability());
        }
    }

    @Test
    void entriesAreOrderedByTrueClassThenKindThenRank() {
        List<Ranked> ranked = HardNegatives.of(predictions(TABLE), NAMES, 2).ranked();
        List<Ranked> sorted = ranked.stream().sorted(Comparator.comparingInt(Ranked::trueClass)
                .thenComparing(Ranked::kind).thenComparingInt(Ranked::rank)).toList();
        assertEquals(sorted, ranked);
        assertEquals(2 + 2 + 2 + 1 + 2 + 2 + 1 + 2 + 2, ranked.size());
    }

    @Test
    void confusionOfAHandMadeSoftmax() {
        HardNegatives mined = HardNegatives.of(predictions(TABLE), NAMES, 2);
        assertArrayEquals(new long[][] {{2, 1, 2}, {1, 2, 0}, {1, 0, 2}}, mined.report().confusion());
        double[][] normalised = mined.normalisedConfusion();
        assertArrayEquals(new double[] {0.4, 0.2, 0.4}, normalised[0], 1e-12);
        assertArrayEquals(new double[] {1 / 3.0, 2 / 3.0, 0}, normalised[1], 1e-12);
        assertArrayEquals(new double[] {1 / 3.0, 0, 2 / 3.0}, normalised[2], 1e-12);
        // 0 as 2 has the most images; of the pairs of one image, a third of class 1 and of class 2 (the lower true
        // class first) come before a fifth of class 0
        assertEquals(List.of(new ConfusedPair(0, 2, 2, 0.4), new ConfusedPair(1, 0, 1, 1 / 3.0),
                new ConfusedPair(2, 0, 1, 1 / 3.0), new ConfusedPair(0, 1, 1, 0.2)), mined.confusedPairs());
        assertEquals(6 / 11.0, mined.report().accuracy(), 1e-12);
    }

    @Test
    void aClassWithoutTestImagesHasEmptyRankingsAndAZeroRow() {
        float[][] table = {{0, 0, 0.9f, 0.1f, 0f}, {2, 1, 0.6f, 0f, 0.4f}};
        HardNegatives mined = HardNegatives.of(predictions(table), NAMES, 3);
        for (Kind kind : Kind.values()) {
            assertEquals(List.of(), mined.ranking(kind, 1), kind.toString());
        }
        assertArrayEquals(new double[] {0, 0, 0}, mined.normalisedConfusion()[1]);
        assertEquals(List.of(new ConfusedPair(2, 0, 1, 1.0)), mined.confusedPairs());
    }

    /**
     * Random softmax outputs of several class counts: the confusion counts every image once, each normalised row
     * of a class with images sums to 1, the pairs are exactly the off-diagonal cells in order, and each ranking
     * holds what its rule says in its order.
     */
    @ParameterizedTest(name = "{0} classes, {1} images, seed {2}")
    @CsvSource({"2, 40, 1", "3, 7, 2", "7, 500, 3", "10, 1000, 4", "13, 60, 5"})
    void countsAndRankingsOfRandomPredictions(int classes, int images, long seed) {
        Random random = new Random(seed);
        float[][] table = new float[images][];
        for (int i = 0; i < images; i++) {
            table[i] = new float[classes + 2];
            table[i][0] = random.nextInt(classes);
            table[i][1] = 3 * i + random.nextInt(3); // test indices ascending with gaps, as a subsampled split's
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                // a few distinct values, so that equal confidences are common
                table[i][2 + c] = (float) Math.exp(random.nextInt(4));
                sum += table[i][2 + c];
            }
            for (int c = 0; c < classes; c++) {
                table[i][2 + c] = (float) (table[i][2 + c] / sum);
            }
        }
        Predictions predictions = predictions(table);
        int perClass = 4;
        List<String> names = IntStream.range(0, classes).mapToObj(c -> "c" + c).toList();
        HardNegatives mined = HardNegatives.of(predictions, names, perClass);

        long[][] confusion = mined.report().confusion();
        int[] labelCounts = new int[classes];
        Arrays.stream(predictions.labels()).forEach(label -> labelCounts[label]++);
        long total = 0;
        long offDiagonal = 0;
        for (int c = 0; c < classes; c++) {
            long rowSum = Arrays.stream(confusion[c]).sum();
            assertEquals(labelCounts[c], rowSum, "row " + c + " counts the images of class " + c);
            total += rowSum;
            offDiagonal += rowSum - confusion[c][c];
            double normalisedSum = Arrays.stream(mined.normalisedConfusion()[c]).sum();
            assertEquals(labelCounts[c] == 0 ? 0 : 1, normalisedSum, 1e-9, "normalised row " + c);
        }
        assertEquals(images, total);

        List<ConfusedPair> pairs = mined.confusedPairs();
        assertEquals(offDiagonal, pairs.stream().mapToLong(ConfusedPair::count).sum());
        for (ConfusedPair pair : pairs) {
            assertEquals(confusion[pair.trueClass()][pair.predicted()], pair.count());
            assertEquals((double) pair.count() / labelCounts[pair.trueClass()], pair.share(), 1e-12);
        }
        for (int i = 1; i < pairs.size(); i++) {
            ConfusedPair before = pairs.get(i - 1);
            ConfusedPair after = pairs.get(i);
            assertTrue(before.count() > after.count() || before.count() == after.count()
                    && (before.share() > after.share() || before.share() == after.share()
                    && (before.trueClass() < after.trueClass() || before.trueClass() == after.trueClass()
                    && before.predicted() < after.predicted())), before + " before " + after);
        }

        for (int c = 0; c < classes; c++) {
            int trueClass = c;
            List<Integer> wrong = IntStream.range(0, images).filter(i -> predictions.labels()[i] == trueClass
                    && predictions.predicted(i) != trueClass).boxed().toList();
            List<Integer> right = IntStream.range(0, images).filter(i -> predictions.labels()[i] == trueClass
                    && predictions.predicted(i) == trueClass).boxed().toList();
            checkRanking(mined.ranking(Kind.HARD_NEGATIVE, c), wrong, predictions, perClass, true);
            checkRanking(mined.ranking(Kind.MOST_CONFIDENT_CORRECT, c), right, predictions, perClass, true);
            List<Integer> all = IntStream.range(0, images).filter(i -> predictions.labels()[i] == trueClass)
                    .boxed().toList();
            checkRanking(mined.ranking(Kind.LEAST_CONFIDENT, c), all, predictions, perClass, false);
        }
    }

    /**
     * A ranking holds min(perClass, eligible) of the eligible rows with their predicted class and its probability,
     * ordered by that probability (the highest first when {@code descending}) and by test index on ties, and no
     * eligible row left out would come before the last one kept.
     */
    private static void checkRanking(List<Ranked> ranking, List<Integer> eligible, Predictions predictions,
                                     int perClass, boolean descending) {
        assertEquals(Math.min(perClass, eligible.size()), ranking.size());
        Comparator<Integer> order = Comparator.comparingDouble(row -> predictions.probability(row,
                predictions.predicted(row)));
        order = (descending ? order.reversed() : order)
                .thenComparingInt(row -> predictions.testIndices()[row]);
        List<Integer> kept = ranking.stream().map(Ranked::row).toList();
        assertTrue(eligible.containsAll(kept), "only eligible rows: " + kept);
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(order.compare(kept.get(i - 1), kept.get(i)) < 0, ranking.get(i - 1) + " before "
                    + ranking.get(i));
        }
        for (Ranked entry : ranking) {
            assertEquals(predictions.predicted(entry.row()), entry.predicted());
            assertEquals(predictions.probability(entry.row(), entry.predicted()), entry.confidence());
            assertEquals(predictions.testIndices()[entry.row()], entry.testIndex());
        }
        for (int row : eligible) {
            assertTrue(kept.contains(row) || order.compare(kept.getLast(), row) < 0, "row " + row + " left out");
        }
    }
}

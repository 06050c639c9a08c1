package dev.layerscope.hardneg;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Split;
import dev.layerscope.train.Predictions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PredictionsCheckTest {

    /** A test file of six 2x3 images of three classes; the test split holds four of them. */
    private static final ImageSet TEST_FILE = new ImageSet(2, 3, new byte[6 * 6], new int[] {0, 1, 2, 0, 1, 2});
    private static final Dataset DATASET = new Dataset("Tiny", List.of("a", "b", "c"), 2, 3,
            new Split("train", TEST_FILE, new int[0]), new Split("validation", TEST_FILE, new int[0]),
            new Split("test", TEST_FILE, new int[] {0, 2, 3, 5}), "tiny");
    private static final int[] INDICES = {0, 2, 3, 5};
    private static final int[] LABELS = {0, 2, 0, 2};

    private static float[] probabilities(int rows, int classes) {
        float[] probabilities = new float[rows * classes];
        Arrays.fill(probabilities, 1f / classes);
        return probabilities;
    }

    @Test
    void predictionsOfTheTestSplitInAnyOrderPass() {
        assertDoesNotThrow(() -> PredictionsCheck.check(DATASET, new Predictions(probabilities(4, 3), 3,
                new int[] {2, 0, 0, 2}, new int[] {5, 3, 0, 2})));
        assertDoesNotThrow(() -> PredictionsCheck.check(DATASET, new Predictions(new float[] {0, 1, 0}, 3,
                new int[] {0}, new int[] {3})), "a part of the test split, probabilities 0 and 1");
    }

    static Stream<Arguments> badPredictions() {
        float[] nan = probabilities(4, 3);
        nan[7] = Float.NaN;
        float[] negative = probabilities(4, 3);
        negative[0] = -0.1f;
        return Stream.of(
                Arguments.of("another class count", new Predictions(probabilities(4, 4), 4, LABELS, INDICES),
                        List.of("score 4 classes", "Tiny has 3 (a, b, c)", "data.class-names")),
                Arguments.of("fewer test indices than labels", new Predictions(probabilities(4, 3), 3, LABELS,
                        new int[] {0, 2, 3}), List.of("4 labels, 3 test indices and 12 probabilities")),
                Arguments.of("too few probabilities", new Predictions(probabilities(3, 3), 3, LABELS, INDICES),
                        List.of("4 labels, 4 test indices and 9 probabilities")),
                Arguments.of("an image of the file outside the split", new Predictions(probabilities(4, 3), 3,
                        new int[] {0, 1, 0, 2}, new int[] {0, 1, 3, 5}), List.of("row 1 is test index 1",
                        "not in the test split of Tiny (4 of the test file's 6 images)", "same experiment")),
                Arguments.of("an index beyond the file", new Predictions(probabilities(4, 3), 3, LABELS,
                        new int[] {0, 2, 3, 6}), List.of("row 3 is test index 6", "not in the test split")),
                Arguments.of("a negative index", new Predictions(probabilities(4, 3), 3, LABELS,
                        new int[] {-1, 2, 3, 5}), List.of("row 0 is test index -1")),
                Arguments.of("an image predicted twice", new Predictions(probabilities(4, 3), 3,
                        new int[] {0, 2, 2, 0}, new int[] {0, 2, 2, 3}),
                        List.of("test index 2 appears in rows 1 and 2")),
                Arguments.of("another label", new Predictions(probabilities(4, 3), 3, new int[] {0, 2, 1, 2},
                        INDICES), List.of("row 2 (test index 3) is labelled 1", "labels that image 0 (a)")),
                Arguments.of("NaN", new Predictions(nan, 3, LABELS, INDICES),
                        List.of("row 2 (test index 3) gives class 1 (b) the probability NaN", "training diverged")),
                Arguments.of("a negative probability", new Predictions(negative, 3, LABELS, INDICES),
                        List.of("row 0 (test index 0) gives class 0 (a) the probability -0.1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPredictions")
    void badPredictionsAreRejectedSayingWhatIsWrong(String what, Predictions predictions, List<String> expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PredictionsCheck.check(DATASET, predictions));
        assertTrue(error.getMessage().startsWith("hardneg cannot rank these predictions: "), error.getMessage());
        for (String fragment : expected) {
            assertTrue(error.getMessage().contains(fragment), "\"" + fragment + "\" in: " + error.getMessage());
        }
    }
}

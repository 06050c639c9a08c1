package dev.layerscope.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationGridSettingsTest {

    @Test
    void theDefaultEpochsAreTheFirstTheMiddleAndTheLastWithTheKeptOne() {
        ValidationGridSettings settings = new ValidationGridSettings(64, 7, List.of("1", "middle", "last"));
        assertEquals(List.of(1, 6, 12), settings.resolve(12, 12));
        assertEquals(List.of(1, 3, 5), settings.resolve(5, 5), "the middle of 5 epochs rounds up");
        assertEquals(List.of(1, 4, 7, 8), settings.resolve(8, 7), "early stopping kept epoch 7 of 8");
        assertEquals(List.of(1), settings.resolve(1, 1), "one epoch is first, middle and last");
    }

    @Test
    void epochZeroIsBeforeTrainingAndNumbersAreTakenAsWritten() {
        ValidationGridSettings settings = new ValidationGridSettings(8, 7, List.of(" 0", "3", "LAST"));
        assertEquals(List.of(0, 3, 4), settings.resolve(4, 4));
    }

    @Test
    void anEpochNotTrainedIsRejectedWithTheKey() {
        ValidationGridSettings settings = new ValidationGridSettings(8, 7, List.of("1", "5"));
        InvalidSetting problem = assertThrows(InvalidSetting.class, () -> settings.resolve(4, 4));
        assertTrue(problem.getMessage().contains("epoch 5 was not trained"), problem.getMessage());
    }

    @Test
    void aWordThatIsNoEpochIsRejected() {
        InvalidSetting problem = assertThrows(InvalidSetting.class,
                () -> new ValidationGridSettings(8, 7, List.of("1", "first")));
        assertTrue(problem.getMessage().contains("`first` is not an epoch"), problem.getMessage());
        assertThrows(InvalidSetting.class, () -> new ValidationGridSettings(8, 7, List.of("-1")));
    }

    @Test
    void theSampleIsTheImagesAskedForOrTheWholeSplitWhenItHasFewer() {
        ValidationGridSettings settings = new ValidationGridSettings(64, 7, List.of("last"));
        assertEquals(64, settings.sampleSize(10_000));
        assertEquals(64, settings.sampleSize(64));
        assertEquals(10, settings.sampleSize(10), "the default of 64 shows a split of 10 whole");
    }
}

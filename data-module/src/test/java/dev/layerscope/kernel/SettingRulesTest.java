package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A record built in code obeys the rules its annotations state, with the messages the binder gives. */
class SettingRulesTest {

    record Options(@Range(min = 1) double perplexity, @Range(min = 1) List<Integer> ks,
                   @Range(min = 0, max = 1, maxExclusive = true) Optional<Double> rate, @NonEmpty String label) {
        Options {
            SettingRules.check(Options.class, perplexity, ks, rate, label);
        }
    }

    @Test
    void theFirstBrokenRuleNamesItsKey() {
        new Options(30, List.of(3, 5), Optional.empty(), "x");
        assertBroken("perplexity", "0.5 is out of range; allowed: 1 <= value",
                () -> new Options(0.5, List.of(3), Optional.empty(), "x"));
        assertBroken("perplexity", "NaN is out of range; allowed: 1 <= value",
                () -> new Options(Double.NaN, List.of(3), Optional.empty(), "x"));
        assertBroken("ks[1]", "0 is out of range; allowed: 1 <= value",
                () -> new Options(30, List.of(3, 0), Optional.empty(), "x"));
        assertBroken("rate", "1 is out of range; allowed: 0 <= value < 1",
                () -> new Options(30, List.of(3), Optional.of(1.0), "x"));
        assertBroken("label", "must not be empty", () -> new Options(30, List.of(3), Optional.empty(), " "));
    }

    @Test
    void valuesMustMatchTheComponents() {
        assertThrows(IllegalStateException.class, () -> SettingRules.check(Options.class, 1.0, List.of()));
    }

    private static void assertBroken(String key, String message, org.junit.jupiter.api.function.Executable build) {
        InvalidSetting broken = assertThrows(InvalidSetting.class, build);
        assertEquals(key, broken.key());
        assertEquals(message, broken.getMessage());
    }
}

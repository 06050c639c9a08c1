package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsBinderTest {

    enum Method { PCA, T_SNE, UMAP }

    record Inner(@Range(min = 0, max = 1, maxExclusive = true) double rate, boolean on) {
    }

    record Sample(int epochs, long seed, double learningRate, boolean shuffle, String label, Path dir,
                  Duration timeout, Method method, List<Integer> ks, List<String> names, Inner inner,
                  Optional<String> note, Optional<Integer> limit) {
        Sample {
            if (epochs > 0 && label.equals("forbidden")) {
                throw new IllegalArgumentException("label `forbidden` needs epochs = 0");
            }
        }
    }

    private static final String VALID = """
            epochs = 20, seed = 42, learning-rate = 1e-3, shuffle = yes, label = mlp, dir = /tmp/x
            timeout = 30s, method = t-sne, ks = [3, 5, 10], names = [a, b], inner { rate = 0.5, on = false }
            """;

    @Test
    void bindsEveryComponentTypeFromKebabCaseKeys() {
        List<ConfigProblem> problems = new ArrayList<>();
        Sample sample = bind(VALID, problems).orElseThrow(() -> new AssertionError(problems));
        assertEquals(new Sample(20, 42, 1e-3, true, "mlp", Path.of("/tmp/x"), Duration.ofSeconds(30), Method.T_SNE,
                List.of(3, 5, 10), List.of("a", "b"), new Inner(0.5, false), Optional.empty(), Optional.empty()),
                sample);
    }

    @Test
    void stringsFromTheCommandLineBindToNumbersAndFlags() {
        List<ConfigProblem> problems = new ArrayList<>();
        Sample sample = bind(VALID + "epochs = \"7\", shuffle = \"false\", note = hi, limit = \"9\"", problems)
                .orElseThrow(() -> new AssertionError(problems));
        assertEquals(7, sample.epochs());
        assertEquals(false, sample.shuffle());
        assertEquals(Optional.of("hi"), sample.note());
        assertEquals(Optional.of(9), sample.limit());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "epochs = 2.5          | s.epochs: expected a whole number, got 2.5",
        "epochs = 99999999999  | s.epochs: expected a whole number, got 99999999999",
        "seed = abc            | s.seed: expected a whole number, got \"abc\"",
        "learning-rate = [1]   | s.learning-rate: expected a number, got [1]",
        "shuffle = maybe       | s.shuffle: expected true or false, got \"maybe\"",
        "method = lda          | s.method: expected one of pca, t-sne, umap, got \"lda\"",
        "method = tsne         | s.method: expected one of pca, t-sne, umap, got \"tsne\" (did you mean `t-sne`?)",
        "ks = 3                | s.ks: expected a list of whole numbers, got 3",
        "ks = [3, x]           | s.ks[1]: expected a whole number, got \"x\"",
        "inner = 1             | s.inner: expected an object with keys rate, on, got 1",
        "inner.rate = 1        | s.inner.rate: 1 is out of range; allowed: 0 <= value < 1",
        "inner.rat = 1         | s.inner.rat: is not a known key; did you mean `rate`?",
        "timeout = soon        | s.timeout: expected a duration such as 30s or 5m, got \"soon\"",
        "epoch = 3             | s.epoch: is not a known key; did you mean `epochs`?",
        "zzz = 3               | s.zzz: is not a known key. Allowed here: dir, epochs,",
        "label = forbidden     | s: label `forbidden` needs epochs = 0",
    })
    void reportsWhatIsWrongWithTheKeyPath(String change, String expected) {
        List<ConfigProblem> problems = new ArrayList<>();
        assertTrue(bind(VALID + change, problems).isEmpty());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).toString().contains(expected), problems.get(0).toString());
        assertTrue(problems.get(0).where().startsWith("test:"), "names where the value came from");
    }

    @Test
    void aMissingKeySaysWhatItExpects() {
        List<ConfigProblem> problems = new ArrayList<>();
        assertTrue(bind(VALID.replace("epochs = 20,", ""), problems).isEmpty());
        assertEquals("s.epochs", problems.get(0).path());
        assertTrue(problems.get(0).message().startsWith("is missing; expected a whole number"));
    }

    @Test
    void reportsAllProblemsOfARecordTogether() {
        List<ConfigProblem> problems = new ArrayList<>();
        assertTrue(bind(VALID + "epochs = x, seed = y, extra = 1", problems).isEmpty());
        assertEquals(List.of("s.extra", "s.epochs", "s.seed"), problems.stream().map(ConfigProblem::path).toList());
    }

    @ParameterizedTest
    @CsvSource({"dir, dri, dir", "validation-fraction, validaton-fraction, validation-fraction", "k, zzz, "})
    void suggestsTheNearestKeyOnlyWhenItIsClose(String candidate, String typed, String suggested) {
        assertEquals(Optional.ofNullable(suggested),
                SettingsBinder.nearest(typed, List.of(candidate, "something-else")));
    }

    @Test
    void convertsComponentNamesToKebabCase() {
        assertEquals("limit-per-class", SettingsBinder.keyOf("limitPerClass"));
        assertEquals("dir", SettingsBinder.keyOf("dir"));
    }

    private static Optional<Sample> bind(String hocon, List<ConfigProblem> problems) {
        ConfigObject object = ConfigFactory.parseString(hocon,
                com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("test")).root();
        return new SettingsBinder(problems).bind(object, "s", Sample.class, Set.of());
    }
}

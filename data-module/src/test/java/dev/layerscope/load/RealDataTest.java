package dev.layerscope.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.DataException;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ConfigProblem;
import dev.layerscope.kernel.SettingsBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real Fashion-MNIST and MNIST, read from {@code LAYERSCOPE_DATA_DIR}'s parent or from {@code ../shared/data}
 * beside the repository (where CI has them). CI sets {@code CI_REQUIRE_REAL_DATA} so that missing data
 * fails there instead of skipping.
 */
class RealDataTest {

    @Test
    void fashionMnistHasItsPublishedShapeCountsAndSplit() throws IOException {
        Dataset dataset = load(realDir("fashion-mnist"), "");
        assertEquals(28, dataset.rows());
        assertEquals(28, dataset.cols());
        assertEquals(60_000, dataset.train().source().count());
        assertEquals(10_000, dataset.test().source().count());
        int[] thousandEach = new int[10];
        Arrays.fill(thousandEach, 1_000);
        int[] fiveThousandEach = new int[10];
        Arrays.fill(fiveThousandEach, 5_000);
        assertArrayEquals(perClass(dataset.train().source().labels()), times(thousandEach, 6));
        assertArrayEquals(thousandEach, dataset.test().classCounts(10));
        // the default validation fraction of 1/6 gives the reference work's 50,000 / 10,000
        assertArrayEquals(fiveThousandEach, dataset.train().classCounts(10));
        assertArrayEquals(thousandEach, dataset.validation().classCounts(10));
        assertEquals(10_000, dataset.test().size());

        double[] range = pixelRange(dataset.train());
        assertEquals(0.0, range[0]);
        assertEquals(1.0, range[1]);
        // the published mean pixel of the training images is 72.94 / 255
        assertEquals(0.2860, range[2], 0.002);
    }

    @Test
    void mnistLoadsByChoosingTheKnownSet() throws IOException {
        Dataset dataset = load(realDir("mnist"), "set = mnist");
        assertEquals("MNIST", dataset.name());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), dataset.classNames());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
                perClass(dataset.train().source().labels()));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
                dataset.test().classCounts(10));
        assertEquals(60_000, dataset.train().size() + dataset.validation().size());
    }

    @Test
    void aFolderOfMnistIsNotReadAsFashionMnist() {
        DataException e = assertThrows(DataException.class, () -> load(realDir("mnist"), ""));
        assertEquals(DataException.Kind.CHECKSUM_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("it is MNIST's train-images-idx3-ubyte.gz (data.set = mnist), but the"
                + " experiment reads Fashion-MNIST"), e.getMessage());
    }

    /** Binds the data section as the launcher would: reference.conf defaults plus {@code overrides}. */
    private static Dataset load(Path dir, String overrides) throws IOException {
        var config = ConfigFactory.parseString("data { " + overrides + " }")
                .withFallback(ConfigFactory.parseResourcesAnySyntax("reference")).resolve()
                .withValue("data.dir", com.typesafe.config.ConfigValueFactory.fromAnyRef(dir.toString()));
        List<ConfigProblem> problems = new ArrayList<>();
        DataSettings settings = new SettingsBinder(problems)
                .bind(config.getObject("data"), "data", DataSettings.class, Set.of()).orElseThrow(
                        () -> new AssertionError(problems.toString()));
        return DatasetReader.read(settings, DataFiles.locate(settings).stream().map(DataFiles.Located::path).toList(),
                "test");
    }

    static Path realDir(String name) {
        String fromEnv = System.getenv("LAYERSCOPE_DATA_DIR");
        Path dir = fromEnv != null ? Path.of(fromEnv).resolveSibling(name) : Path.of("../../shared/data", name);
        boolean required = System.getenv("CI_REQUIRE_REAL_DATA") != null;
        if (required) {
            assertTrue(Files.isDirectory(dir), "the real data set is required here but " + dir.toAbsolutePath()
                    + " does not exist");
        }
        assumeTrue(Files.isDirectory(dir), () -> "no real data at " + dir.toAbsolutePath());
        return dir;
    }

    private static int[] perClass(int[] labels) {
        int[] counts = new int[10];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    private static int[] times(int[] values, int factor) {
        return Arrays.stream(values).map(v -> v * factor).toArray();
    }

    private static double[] pixelRange(Split split) {
        float[] image = new float[28 * 28];
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        for (int i = 0; i < split.size(); i++) {
            split.copyScaled(i, image, 0);
            for (float p : image) {
                min = Math.min(min, p);
                max = Math.max(max, p);
                sum += p;
            }
        }
        return new double[] {min, max, sum / ((double) split.size() * image.length)};
    }
}

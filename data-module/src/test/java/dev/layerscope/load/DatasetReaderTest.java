package dev.layerscope.load;

import static dev.layerscope.load.LoadTestSupport.classNames;
import static dev.layerscope.load.LoadTestSupport.noMd5;
import static dev.layerscope.load.LoadTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.DataException;
import dev.layerscope.data.DataException.Kind;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetReaderTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}x{1} images, {2} classes, gzip = {3}")
    @CsvSource({"5, 7, 3, true", "28, 28, 10, false", "1, 1, 2, true", "16, 9, 17, false"})
    void readsAnyImageSizeAndClassCount(int rows, int cols, int classes, boolean gzip) throws IOException {
        SmallIdxSet set = new SmallIdxSet(rows, cols, classes, 10, 4, gzip);
        set.writeTo(dir);
        Dataset dataset = load(settings(dir, set, 0.2, 0));

        assertEquals(rows, dataset.rows());
        assertEquals(cols, dataset.cols());
        assertEquals(classes, dataset.classCount());
        assertEquals(8 * classes, dataset.train().size());
        assertEquals(2 * classes, dataset.validation().size());
        assertEquals(4 * classes, dataset.test().size());
        int[] everyClassTwice = new int[classes];
        Arrays.fill(everyClassTwice, 2);
        assertArrayEquals(everyClassTwice, dataset.validation().classCounts(classes));
        float[] pixels = new float[rows * cols];
        dataset.test().copyScaled(3, pixels, 0);
        float expected = dataset.test().label(3) * 10 / 255f;
        for (float p : pixels) {
            assertTrue(p >= expected && p <= expected + 4 / 255f + 1e-6, "pixel " + p);
        }
    }

    @Test
    void splitIsStratifiedDisjointAndSeeded() throws IOException {
        SmallIdxSet set = new SmallIdxSet(4, 4, 5, 30, 3, true);
        set.writeTo(dir);
        DataSettings settings = settings(dir, set, 1 / 6.0, 0);
        Dataset first = load(settings);
        Dataset again = load(settings);
        Dataset otherSeed = load(DataSettings.of(settings.identity(), settings.folder(), settings.download(),
                settings.validationFraction(), 7, 0));

        assertArrayEquals(first.validation().indices(), again.validation().indices());
        assertFalse(Arrays.equals(first.validation().indices(), otherSeed.validation().indices()));
        assertArrayEquals(new int[] {5, 5, 5, 5, 5}, first.validation().classCounts(5));
        assertArrayEquals(new int[] {25, 25, 25, 25, 25}, first.train().classCounts(5));
        Set<Integer> union = new HashSet<>();
        IntStream.of(first.train().indices()).forEach(union::add);
        IntStream.of(first.validation().indices()).forEach(union::add);
        assertEquals(150, union.size(), "train and validation must be disjoint and cover the file");
        assertTrue(isAscending(first.train().indices()) && isAscending(first.validation().indices()));
    }

    @Test
    void limitPerClassSubsamplesBothFiles() throws IOException {
        SmallIdxSet set = new SmallIdxSet(3, 3, 4, 50, 20, false);
        set.writeTo(dir);
        Dataset dataset = load(settings(dir, set, 0.25, 12));
        assertArrayEquals(new int[] {9, 9, 9, 9}, dataset.train().classCounts(4));
        assertArrayEquals(new int[] {3, 3, 3, 3}, dataset.validation().classCounts(4));
        assertArrayEquals(new int[] {12, 12, 12, 12}, dataset.test().classCounts(4));
    }

    @Test
    void zeroValidationFractionKeepsEverythingForTraining() throws IOException {
        SmallIdxSet set = new SmallIdxSet(2, 2, 2, 5, 1, true);
        set.writeTo(dir);
        Dataset dataset = load(settings(dir, set, 0, 0));
        assertEquals(10, dataset.train().size());
        assertEquals(0, dataset.validation().size());
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        SmallIdxSet set = new SmallIdxSet(3, 3, 2, 5, 2, true);
        set.writeTo(dir);
        Idx.writeLabels(dir.resolve(set.name(1)), new int[] {0, 1, 0}, true);
        DataException e = assertThrows(DataException.class, () -> load(settings(dir, set, 0.2, 0)));
        assertEquals(Kind.COUNT_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("10 images") && e.getMessage().contains("3 labels"), e.getMessage());
    }

    @Test
    void labelsMustNameADeclaredClass() throws IOException {
        SmallIdxSet set = new SmallIdxSet(3, 3, 3, 5, 2, true);
        set.writeTo(dir);
        DataSettings twoClasses = LoadTestSupport.settings(dir, set, classNames(2), 0.2, 0, noMd5(set),
                new DataSettings.Download(false, Optional.of("http://127.0.0.1:9/"), Duration.ofSeconds(1)));
        DataException e = assertThrows(DataException.class, () -> load(twoClasses));
        assertEquals(Kind.LABEL_OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().contains("label 2") && e.getMessage().contains("class-names"), e.getMessage());
    }

    @Test
    void trainAndTestImagesMustHaveOneShape() throws IOException {
        SmallIdxSet set = new SmallIdxSet(3, 3, 2, 5, 2, true);
        set.writeTo(dir);
        Idx.writeImages(dir.resolve(set.name(2)), 4, 4, new byte[4 * 16], true);
        DataException e = assertThrows(DataException.class, () -> load(settings(dir, set, 0.2, 0)));
        assertEquals(Kind.SHAPE_MISMATCH, e.kind());
    }

    @Test
    void aConfiguredChecksumMustMatch() throws IOException {
        SmallIdxSet set = new SmallIdxSet(3, 3, 2, 5, 2, true);
        set.writeTo(dir);
        String rightMd5 = DataFiles.md5(dir.resolve(set.name(0)));
        DataSettings.Files files = new DataSettings.Files(
                new DataSettings.DataFile(set.name(0), Optional.of(rightMd5)),
                new DataSettings.DataFile(set.name(1), Optional.of("0123456789abcdef0123456789abcdef")),
                new DataSettings.DataFile(set.name(2), Optional.empty()),
                new DataSettings.DataFile(set.name(3), Optional.empty()));
        DataSettings settings = LoadTestSupport.settings(dir, set, classNames(2), 0.2, 0, files,
                new DataSettings.Download(false, Optional.of("http://127.0.0.1:9/"), Duration.ofSeconds(1)));
        DataException e = assertThrows(DataException.class, () -> load(settings));
        assertEquals(Kind.CHECKSUM_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains(set.name(1)) && e.getMessage().contains("0123456789abcdef"),
                e.getMessage());
    }

    @Test
    void findsTheUncompressedTwinOfAGzipName() throws IOException {
        SmallIdxSet raw = new SmallIdxSet(3, 3, 2, 5, 2, false);
        raw.writeTo(dir);
        SmallIdxSet named = new SmallIdxSet(3, 3, 2, 5, 2, true); // asks for the .gz names
        assertEquals(10, load(settings(dir, named, 0, 0)).train().size());
    }

    @Test
    void missingFilesWithDownloadOffSayWhichFilesToPutWhere() throws IOException {
        SmallIdxSet set = new SmallIdxSet(3, 3, 2, 5, 2, true);
        set.writeTo(dir);
        Files.delete(dir.resolve(set.name(2)));
        Files.delete(dir.resolve(set.name(3)));
        DataException e = assertThrows(DataException.class, () -> load(settings(dir, set, 0.2, 0)));
        assertEquals(Kind.MISSING_FILES, e.kind());
        assertTrue(e.getMessage().contains(set.name(2)) && e.getMessage().contains(set.name(3))
                && !e.getMessage().contains(set.name(0)) && e.getMessage().contains(dir.toString())
                && e.getMessage().contains("data.download.enabled = false"), e.getMessage());
    }

    private static Dataset load(DataSettings settings) throws IOException {
        List<Path> files = DataFiles.locate(settings).stream().map(DataFiles.Located::path).toList();
        return DatasetReader.read(settings, files, "test");
    }

    private static boolean isAscending(int[] values) {
        for (int i = 1; i < values.length; i++) {
            if (values[i] <= values[i - 1]) {
                return false;
            }
        }
        return true;
    }
}

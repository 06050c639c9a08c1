package dev.layerscope.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The knn stage's files give back what was written, as a reused stage needs them. */
class KnnFilesTest {

    @TempDir
    Path dir;

    @Test
    void readGivesBackWhatWriteWroteFieldByField() throws IOException {
        KnnResults written = new KnnResults(
                List.of("T-shirt/top", "Trouser, long", "the \"Bag\"", "Ankle boot"),
                List.of(new KnnResults.Accuracy("input", KnnResults.HIGH_DIMENSIONAL, "", 784, 3, 50000,
                                new int[] {812, 955, 0, 901}, new int[] {1000, 1000, 0, 1000}),
                        new KnnResults.Accuracy("dense1", "tsne", "separate", 2, 10, 49999,
                                new int[] {7, 0, 3, 1}, new int[] {9, 1, 4, 1})),
                List.of(new KnnResults.Quality("dense1", "tsne", "separate", 10, 5000, 0.1 + 0.2,
                                0.9999999999999999, Double.NaN),
                        new KnnResults.Quality("input", "pca", "transform", 12, 31, 1.0, 1e-300, -0.3333333333333333)));
        KnnFiles.write(dir, written);

        KnnResults read = KnnFiles.read(dir);

        assertEquals(written.classNames(), read.classNames());
        assertEquals(written.accuracies().size(), read.accuracies().size());
        for (int i = 0; i < written.accuracies().size(); i++) {
            KnnResults.Accuracy expected = written.accuracies().get(i);
            KnnResults.Accuracy actual = read.accuracies().get(i);
            assertEquals(expected.input(), actual.input());
            assertEquals(expected.method(), actual.method());
            assertEquals(expected.placement(), actual.placement());
            assertEquals(expected.dimensions(), actual.dimensions());
            assertEquals(expected.k(), actual.k());
            assertEquals(expected.trainPoints(), actual.trainPoints());
            assertArrayEquals(expected.correct(), actual.correct());
            assertArrayEquals(expected.points(), actual.points());
        }
        // a record of doubles compares them bit for bit (Double.compare): NaN equals NaN, no rounding passes
        assertEquals(written.quality(), read.quality());
        assertTrue(Double.isNaN(read.quality().getFirst().silhouette()));
        // the CSVs beside it are unchanged: the per-class lines quote the names that need it
        assertTrue(Files.readAllLines(dir.resolve("knn_per_class.csv"))
                .contains("dense1,tsne,separate,10,1,\"Trouser, long\",1,0,0.000000"));
    }

    @Test
    void aFolderWithoutTheResultsFileCannotBeRead() throws IOException {
        Files.writeString(dir.resolve("knn.csv"), "input,method,placement,dimensions,k,train_points,test_points,"
                + "correct,accuracy\n");
        IOException e = assertThrows(IOException.class, () -> KnnFiles.read(dir));
        assertTrue(e.getMessage().contains("knn.json"), e.getMessage());
    }
}

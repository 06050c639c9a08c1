package dev.layerscope.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.layerscope.knn.KnnResults;
import dev.layerscope.report.html.RunSummary;
import dev.layerscope.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHistoryTest {

    @TempDir
    Path runs;

    private Path run(String name, boolean complete) throws IOException {
        Path dir = runs.resolve(name);
        Files.createDirectories(dir.resolve("train"));
        Files.writeString(dir.resolve("train/history.csv"), """
                epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds,learning_rate
                1,0.9,0.7,0.8,0.75,1.0,0.001
                2,0.5,0.8,0.6,0.85,1.0,0.001
                """);
        if (complete) {
            Files.createDirectories(dir.resolve("knn"));
            Files.writeString(dir.resolve("knn/knn.csv"), """
                    input,method,placement,dimensions,k,train_points,test_points,correct,accuracy
                    dense2,umap,transform,2,10,100,50,40,0.800000
                    """);
        }
        return dir;
    }

    @Test
    void thisRunFirstThenTheNewestCompleteEarlierRuns() throws IOException {
        run("20260101-000000", true);
        run("20260102-000000", true);
        run("20260103-000000", false);
        run("20260104-000000", true);
        Path current = Files.createDirectories(runs.resolve("20260105-000000"));
        List<EpochRecord> history = List.of(new EpochRecord(1, 0.4, 0.9, 0.3, 0.95, 1, 0.001));
        KnnResults knn = new KnnResults(List.of("a", "b"), List.of(new KnnResults.Accuracy("input", "pca",
                "transform", 2, 3, 10, new int[] {2, 3}, new int[] {5, 5})), List.of());

        List<RunSummary> summaries = new RunHistory(current, 2).summaries(history, knn);

        assertEquals(List.of("20260105-000000", "20260104-000000", "20260102-000000"),
                summaries.stream().map(RunSummary::label).toList(), "this run, then the two newest complete ones");
        assertEquals(List.of(new RunSummary.KnnLine("input", "pca", 3, 0.5)), summaries.get(0).knn());
        assertArrayEquals(new double[] {1, 0.4, 0.3, 0.9, 0.95}, summaries.get(0).curves().getFirst());
        assertEquals(List.of(new RunSummary.KnnLine("dense2", "umap", 10, 0.8)), summaries.get(1).knn());
        assertArrayEquals(new double[] {2, 0.5, 0.6, 0.8, 0.85}, summaries.get(1).curves().get(1));
    }
}

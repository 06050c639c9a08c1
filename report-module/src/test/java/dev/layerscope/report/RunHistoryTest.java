package dev.layerscope.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.layerscope.kernel.StageContext;
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

    /** A report folder of an earlier run, with the summary its report kept, or (not {@code complete}) without. */
    private StageContext.EarlierOutput earlier(String run, double accuracy, boolean complete) throws IOException {
        Path dir = Files.createDirectories(runs.resolve(run).resolve("report"));
        if (complete) {
            RunHistory.write(dir, new RunSummary(run, List.of(new double[] {1, 0.9, 0.8, 0.7, 0.75},
                    new double[] {2, 0.5, 0.6, 0.8, 0.85}), List.of(new RunSummary.KnnLine("dense2", "umap", 10,
                    accuracy))));
        }
        return new StageContext.EarlierOutput(run, dir);
    }

    @Test
    void thisRunFirstThenTheNewestEarlierRunsWhoseReportKeptItsSummary() throws IOException {
        // newest first, as the kernel lists them
        List<StageContext.EarlierOutput> earlier = List.of(earlier("20260104-000000", 0.8, true),
                earlier("20260103-000000", 0.7, false), earlier("20260102-000000", 0.6, true),
                earlier("20260101-000000", 0.5, true));
        List<EpochRecord> history = List.of(new EpochRecord(1, 0.4, 0.9, 0.3, 0.95, 1, 0.001));
        KnnResults knn = new KnnResults(List.of("a", "b"), List.of(new KnnResults.Accuracy("input", "pca",
                "transform", 2, 3, 10, new int[] {2, 3}, new int[] {5, 5})), List.of());
        RunSummary thisRun = RunHistory.of("20260105-000000", history, knn);

        List<RunSummary> summaries = RunHistory.summaries(thisRun, earlier, 2);

        assertEquals(List.of("20260105-000000", "20260104-000000", "20260102-000000"),
                summaries.stream().map(RunSummary::label).toList(), "this run, then the two newest complete ones");
        assertEquals(List.of(new RunSummary.KnnLine("input", "pca", 3, 0.5)), summaries.get(0).knn());
        assertArrayEquals(new double[] {1, 0.4, 0.3, 0.9, 0.95}, summaries.get(0).curves().getFirst());
        assertEquals(List.of(new RunSummary.KnnLine("dense2", "umap", 10, 0.8)), summaries.get(1).knn());
        assertArrayEquals(new double[] {2, 0.5, 0.6, 0.8, 0.85}, summaries.get(1).curves().get(1));
        assertEquals(List.of(new RunSummary.KnnLine("dense2", "umap", 10, 0.6)), summaries.get(2).knn());
    }

    @Test
    void aSummaryKeptIsReadBackAsItWas() throws IOException {
        Path dir = Files.createDirectories(runs.resolve("run/report"));
        RunSummary kept = RunHistory.of("run", List.of(new EpochRecord(1, 0.123456789, 0.5, Double.NaN, 0.25, 1,
                0.001)), new KnnResults(List.of("a", "b"), List.of(new KnnResults.Accuracy("dense1", "high-dimensional",
                "", 8, 5, 10, new int[] {1, 2}, new int[] {3, 3})), List.of()));
        RunHistory.write(dir, kept);

        RunSummary read = RunHistory.summaries(kept, List.of(new StageContext.EarlierOutput("run", dir)), 1).get(1);

        assertEquals(kept.knn(), read.knn());
        assertArrayEquals(kept.curves().getFirst(), read.curves().getFirst());
    }
}

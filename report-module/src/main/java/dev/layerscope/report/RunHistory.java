package dev.layerscope.report;

import dev.layerscope.knn.KnnResults;
import dev.layerscope.report.html.RunSummary;
import dev.layerscope.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This run and the earlier runs of the same experiment (the other run folders beside it), as the HTML page's
 * compare panel shows them: training curves from {@code train/history.csv} and kNN accuracies from
 * {@code knn/knn.csv}. An earlier run without both files (failed, or from before the knn stage) is not offered.
 */
final class RunHistory {

    private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);

    private final Path runDir;
    private final int earlierRuns;

    RunHistory(Path runDir, int earlierRuns) {
        this.runDir = runDir;
        this.earlierRuns = earlierRuns;
    }

    /** This run first, from its artifacts; then up to {@code earlierRuns} earlier ones, newest first. */
    List<RunSummary> summaries(List<EpochRecord> history, KnnResults knn) throws IOException {
        List<RunSummary> runs = new ArrayList<>();
        runs.add(new RunSummary(runDir.getFileName().toString(), curves(history), knn.accuracies().stream()
                .map(a -> new RunSummary.KnnLine(a.input(), a.method(), a.k(), a.accuracy())).toList()));
        List<Path> earlier;
        try (Stream<Path> siblings = Files.list(runDir.getParent())) {
            // run folders are named by their start time, so names sort in time order
            earlier = siblings.filter(dir -> !dir.equals(runDir) && !dir.getFileName().toString().startsWith("."))
                    .filter(dir -> Files.isRegularFile(dir.resolve("train/history.csv"))
                            && Files.isRegularFile(dir.resolve("knn/knn.csv")))
                    .sorted(Comparator.comparing((Path dir) -> dir.getFileName().toString()).reversed())
                    .limit(earlierRuns).toList();
        }
        for (Path dir : earlier) {
            try {
                runs.add(new RunSummary(dir.getFileName().toString(), curves(dir.resolve("train/history.csv")),
                        knnLines(dir.resolve("knn/knn.csv"))));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Not comparing with {}: its files cannot be read ({})", dir, e.getMessage());
            }
        }
        return runs;
    }

    /** The train stage's history.csv, as {@link EpochRecord#parse} reads each line. */
    private static List<double[]> curves(Path historyCsv) throws IOException {
        List<String> lines = Files.readAllLines(historyCsv);
        return curves(lines.subList(1, lines.size()).stream().map(EpochRecord::parse).toList());
    }

    /** Per epoch: epoch, train loss, validation loss, train accuracy, validation accuracy. */
    private static List<double[]> curves(List<EpochRecord> history) {
        return history.stream().map(e -> new double[] {e.epoch(), e.trainLoss(), e.validationLoss(),
                e.trainAccuracy(), e.validationAccuracy()}).toList();
    }

    /** input, method, k and accuracy of each line of the knn stage's knn.csv (input and method names hold no comma). */
    private static List<RunSummary.KnnLine> knnLines(Path knnCsv) throws IOException {
        List<String> lines = Files.readAllLines(knnCsv);
        List<String> header = List.of(lines.getFirst().split(","));
        int input = header.indexOf("input");
        int method = header.indexOf("method");
        int k = header.indexOf("k");
        int accuracy = header.indexOf("accuracy");
        return lines.subList(1, lines.size()).stream().map(line -> line.split(",", -1))
                .map(f -> new RunSummary.KnnLine(f[input], f[method], Integer.parseInt(f[k]),
                        Double.parseDouble(f[accuracy]))).toList();
    }
}

package dev.layerscope.report;

import dev.layerscope.kernel.StageContext;
import dev.layerscope.knn.KnnResults;
import dev.layerscope.report.html.RunSummary;
import dev.layerscope.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This run and the earlier runs of the same experiment, as the HTML page's compare panel shows them: training
 * curves and kNN accuracies. The report keeps this run's in its own folder ({@value #CURVES}, {@value #KNN}), made
 * from the artifacts it reads, and finds the earlier runs' in its own folders of those runs, which the kernel names
 * ({@link StageContext#earlierOutputs()}); it reads no other stage's files, so whichever stages trained and
 * measured, the runs compare. An earlier run whose report did not keep both files is not offered.
 */
final class RunHistory {

    /** This run's curves, one line per epoch, in the report's folder. */
    static final String CURVES = "compare-curves.csv";
    /** This run's kNN accuracies, one line per input, method and k, in the report's folder. */
    static final String KNN = "compare-knn.csv";

    private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);
    private static final String CURVES_HEADER = "epoch,train_loss,validation_loss,train_accuracy,validation_accuracy";
    private static final String KNN_HEADER = "input,method,k,accuracy";

    private RunHistory() {
    }

    /** A run's summary from its artifacts. */
    static RunSummary of(String run, List<EpochRecord> history, KnnResults knn) {
        return new RunSummary(run, history.stream().map(e -> new double[] {e.epoch(), e.trainLoss(),
                e.validationLoss(), e.trainAccuracy(), e.validationAccuracy()}).toList(), knn.accuracies().stream()
                .map(a -> new RunSummary.KnnLine(a.input(), a.method(), a.k(), a.accuracy())).toList());
    }

    /** Keeps a run's summary in the report's folder {@code dir}, where the reports of later runs find it. */
    static void write(Path dir, RunSummary run) throws IOException {
        List<String> curves = new ArrayList<>(List.of(CURVES_HEADER));
        run.curves().forEach(epoch -> curves.add(String.join(",", Arrays.stream(epoch).mapToObj(Double::toString)
                .toList())));
        Files.write(dir.resolve(CURVES), curves);
        List<String> knn = new ArrayList<>(List.of(KNN_HEADER));
        run.knn().forEach(line -> knn.add(line.input() + "," + line.method() + "," + line.k() + ","
                + line.accuracy()));
        Files.write(dir.resolve(KNN), knn);
    }

    /** {@code thisRun} first; then up to {@code earlierRuns} of the {@code earlier} ones, newest first. */
    static List<RunSummary> summaries(RunSummary thisRun, List<StageContext.EarlierOutput> earlier, int earlierRuns) {
        List<RunSummary> runs = new ArrayList<>(List.of(thisRun));
        earlier.stream().filter(run -> Files.isRegularFile(run.dir().resolve(CURVES))
                        && Files.isRegularFile(run.dir().resolve(KNN)))
                .limit(earlierRuns).forEach(run -> {
                    try {
                        runs.add(read(run));
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Not comparing with run {}: its files in {} cannot be read ({})", run.run(),
                                run.dir(), e.getMessage());
                    }
                });
        return runs;
    }

    /** A run's summary as {@link #write} kept it ({@code input} and {@code method} names hold no comma). */
    private static RunSummary read(StageContext.EarlierOutput run) throws IOException {
        List<double[]> curves = lines(run.dir().resolve(CURVES)).stream()
                .map(line -> Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray()).toList();
        List<RunSummary.KnnLine> knn = lines(run.dir().resolve(KNN)).stream().map(line -> line.split(",", -1))
                .map(f -> new RunSummary.KnnLine(f[0], f[1], Integer.parseInt(f[2]), Double.parseDouble(f[3])))
                .toList();
        return new RunSummary(run.run(), curves, knn);
    }

    /** A file's lines after its header. */
    private static List<String> lines(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.subList(1, lines.size());
    }
}

package dev.layerscope.hardneg;

import dev.layerscope.data.Dataset;
import dev.layerscope.hardneg.HardNegatives.ConfusedPair;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.train.ClassificationReport;
import dev.layerscope.train.Predictions;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hard-negative mining on the test split: ranks the train stage's predictions per true class (see
 * {@link HardNegatives} for the rankings and the tie rule), writes them as CSV and as browsable PNGs, and the
 * confusion matrix, per-class precision/recall/F1 and the confused class pairs as CSV (see
 * {@link HardNegativeFiles}).
 */
public final class HardNegativeStage implements Stage {

    private static final Logger LOG = LoggerFactory.getLogger(HardNegativeStage.class);
    /** run.json keeps the headline; confused_pairs.csv has every pair. */
    private static final int PAIRS_IN_RUN_JSON = 5;

    private final HardNegativeSettings settings;

    @Inject
    HardNegativeStage(HardNegativeSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, Predictions.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(HardNegatives.ARTIFACT);
    }

    /** Checks the predictions against the dataset as soon as both exist, before any later stage spends time. */
    @Override
    public void check(Artifacts available) {
        available.find(Dataset.ARTIFACT).ifPresent(dataset -> available.find(Predictions.ARTIFACT)
                .ifPresent(predictions -> PredictionsCheck.check(dataset, predictions)));
    }

    /** The runner has called {@link #check} with this run's dataset and predictions just before. */
    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        Predictions predictions = context.read(Predictions.ARTIFACT);
        HardNegatives mined = HardNegatives.of(predictions, dataset.classNames(), settings.perClass());
        HardNegativeFiles.write(context.outputDir(), mined, dataset.test().source(), settings.perClass(),
                settings.imageScale());

        ClassificationReport report = mined.report();
        long misclassified = mined.confusedPairs().stream().mapToLong(ConfusedPair::count).sum();
        List<Map<String, Object>> mostConfused = mined.confusedPairs().stream().limit(PAIRS_IN_RUN_JSON)
                .map(pair -> pairRecord(pair, dataset.classNames())).toList();
        LOG.info("{} of {} test images misclassified; most confused: {}; {} ranked images written", misclassified,
                predictions.size(), mined.confusedPairs().stream().limit(PAIRS_IN_RUN_JSON)
                        .map(pair -> describe(pair, dataset.classNames())).toList(), mined.ranked().size());
        context.metric("test-images", predictions.size());
        context.metric("accuracy", report.accuracy());
        context.metric("misclassified", misclassified);
        context.metric("macro-f1", Arrays.stream(report.f1()).average().orElse(0));
        context.metric("most-confused", mostConfused);
        context.metric("ranked-images", mined.ranked().size());
        context.write(HardNegatives.ARTIFACT, mined);
    }

    private static Map<String, Object> pairRecord(ConfusedPair pair, List<String> classNames) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("true", classNames.get(pair.trueClass()));
        record.put("predicted", classNames.get(pair.predicted()));
        record.put("count", pair.count());
        record.put("share", pair.share());
        return record;
    }

    private static String describe(ConfusedPair pair, List<String> classNames) {
        return String.format(Locale.ROOT, "%s as %s %d (%.1f%%)", classNames.get(pair.trueClass()),
                classNames.get(pair.predicted()), pair.count(), 100 * pair.share());
    }
}

package dev.layerscope.attribution;

import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.ImageSet;
import dev.layerscope.hardneg.HardNegatives;
import dev.layerscope.hardneg.HardNegatives.Kind;
import dev.layerscope.hardneg.HardNegatives.Ranked;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.train.NetworkLayout;
import dev.layerscope.train.TrainedModel;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attribution maps of the network's mistakes: for every hard negative the hardneg stage ranked and, for contrast,
 * its most confident correct images ({@code attribution.correct-per-class} of each class), which pixels drove the
 * logit of the target class (the predicted one by default), by saliency, integrated gradients and, for a
 * convolutional network, Grad-CAM on the last convolution ({@link Attribution}); then the sanity check of Adebayo
 * et al. 2018 on a seeded subset of them ({@link CascadingRandomisation}). Writes the maps as {@code maps.npy} and
 * PNGs with {@code maps.csv} and {@code sanity.csv} ({@link AttributionFiles}); hands on {@link AttributionResults},
 * which a later run with the same inputs and settings reads back from {@code attribution.json}.
 */
public final class AttributionStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(AttributionStage.class);

    private final AttributionSettings settings;

    @Inject
    AttributionStage(AttributionSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, TrainedModel.ARTIFACT, HardNegatives.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(AttributionResults.ARTIFACT);
    }

    /** Grad-CAM named for a network without a convolution layer is refused as soon as the layout is known. */
    @Override
    public void check(Artifacts available) {
        NetworkLayout.in(available).ifPresent(layout -> {
            if (settings.methods().contains(Method.GRAD_CAM) && lastConvolution(layout) < 0) {
                throw new InvalidSetting("attribution.methods", "grad-cam needs a convolution layer, and the "
                        + "network's layers are " + String.join(", ", layout.names()) + "; leave grad-cam out (an "
                        + "empty list takes every method the network allows)");
            }
        });
    }

    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        TrainedModel model = context.read(TrainedModel.ARTIFACT);
        HardNegatives mined = context.read(HardNegatives.ARTIFACT);
        int convolution = lastConvolution(model.layout());
        List<Method> methods = settings.methodsFor(convolution >= 0);
        String gradCam = convolution >= 0 ? "" : "not made: the network has no convolution layer";
        if (convolution < 0) {
            LOG.info("No Grad-CAM: the network has no convolution layer");
        }

        List<Ranked> chosen = mined.ranked().stream().filter(this::mapped).toList();
        ImageSet test = dataset.test().source();
        int pixels = test.pixelsPerImage();
        float[] values = new float[chosen.size() * pixels];
        int[] targets = new int[chosen.size()];
        for (int i = 0; i < chosen.size(); i++) {
            test.copyScaled(chosen.get(i).testIndex(), values, i * pixels);
            targets[i] = settings.target() == AttributionSettings.Target.TRUE ? chosen.get(i).trueClass()
                    : chosen.get(i).predicted();
        }
        FloatMatrix images = new FloatMatrix(chosen.size(), pixels, values);
        long start = System.nanoTime();
        Attribution.Maps maps = Attribution.measure(model.network(), images, targets, test.rows(), test.cols(),
                convolution, methods, settings);
        double seconds = (System.nanoTime() - start) / 1e9;

        long sanityStart = System.nanoTime();
        List<CascadingRandomisation.Line> sanity = List.of();
        int checked = Math.min(settings.sanity().images(), chosen.size());
        if (checked > 0) {
            int[] rows = SeededRows.uniform(chosen.size(), checked, settings.sanity().seed());
            sanity = CascadingRandomisation.run(model.network(), model.layout().names(), images.rows(rows),
                    Arrays.stream(rows).map(row -> targets[row]).toArray(), subset(maps, rows), convolution,
                    settings, settings.sanity().seed());
        }
        double sanitySeconds = (System.nanoTime() - sanityStart) / 1e9;
        List<Method> flagged = CascadingRandomisation.flagged(sanity, settings.sanity().threshold());

        List<AttributionResults.Image> mapped = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Ranked entry = chosen.get(i);
            mapped.add(new AttributionResults.Image(i, entry.kind(), entry.trueClass(), entry.testIndex(),
                    entry.predicted(), targets[i], maps.completenessError()[i], methods.stream()
                    .map(method -> AttributionFiles.png(entry.kind(), entry.testIndex(), method)).toList()));
        }
        AttributionResults results = new AttributionResults(methods, gradCam, mapped, maps, sanity, flagged,
                settings.sanity().threshold());
        AttributionFiles.write(context.outputDir(), results, test, dataset.classNames(), settings.imageScale());

        double[] errors = Arrays.stream(maps.completenessError()).filter(Double::isFinite).toArray();
        LOG.info(String.format(Locale.ROOT, "Attribution maps (%s) of %d images (%d hard negatives) in %.2f s; "
                + "integrated gradients' completeness error: mean %s, largest %s; sanity check on %d images in "
                + "%.2f s, flagged: %s", methods.stream().map(Method::key).toList(), chosen.size(),
                chosen.stream().filter(entry -> entry.kind() == Kind.HARD_NEGATIVE).count(), seconds,
                describe(Arrays.stream(errors).average()), describe(Arrays.stream(errors).max()), checked,
                sanitySeconds, flagged.stream().map(Method::key).toList()));
        context.metric("images", chosen.size());
        context.metric("methods", methods.stream().map(Method::key).toList());
        if (!gradCam.isEmpty()) {
            context.metric("grad-cam", gradCam);
        }
        if (errors.length > 0) {
            context.metric("completeness-error-mean", Arrays.stream(errors).average().orElseThrow());
            context.metric("completeness-error-max", Arrays.stream(errors).max().orElseThrow());
        }
        context.metric("seconds", seconds);
        context.metric("sanity-images", checked);
        context.metric("sanity-seconds", sanitySeconds);
        context.metric("sanity", sanity.stream().map(line -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("method", line.method().key());
            json.put("layers-randomised", line.layersRandomised());
            json.put("mean-spearman", Double.isFinite(line.meanSpearman()) ? line.meanSpearman() : null);
            return json;
        }).toList());
        context.metric("flagged", flagged.stream().map(Method::key).toList());
        context.write(AttributionResults.ARTIFACT, results);
    }

    @Override
    public void restore(StageContext context) throws IOException {
        context.write(AttributionResults.ARTIFACT, AttributionFiles.read(context.outputDir()));
    }

    /** Whether the stage maps a ranked image: every hard negative, and the first of the most confident correct. */
    private boolean mapped(Ranked entry) {
        return switch (entry.kind()) {
            case HARD_NEGATIVE -> true;
            case MOST_CONFIDENT_CORRECT -> settings.correctPerClass().map(count -> entry.rank() <= count)
                    .orElse(true);
            case LEAST_CONFIDENT -> false;
        };
    }

    /** The DL4J index of the network's last convolution layer, -1 when it has none. */
    static int lastConvolution(NetworkLayout layout) {
        return IntStream.range(0, layout.layers().size()).filter(i -> layout.layers().get(i).kind()
                == NetworkLayout.Kind.CONVOLUTION).max().orElse(-1);
    }

    private static Attribution.Maps subset(Attribution.Maps maps, int[] rows) {
        int size = maps.methods().size() * maps.rows() * maps.cols();
        float[] values = new float[rows.length * size];
        double[] errors = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(maps.values(), rows[i] * size, values, i * size, size);
            errors[i] = maps.completenessError()[rows[i]];
        }
        return new Attribution.Maps(maps.methods(), rows.length, maps.rows(), maps.cols(), values, errors);
    }

    private static String describe(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.2e", value.getAsDouble()) : "none";
    }
}

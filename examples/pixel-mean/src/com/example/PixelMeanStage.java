package com.example;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Set;

/**
 * A stage of one's own: the mean pixel of each class over the first {@code pixel-mean.sample} training images.
 * Writes {@code pixel-mean.csv} into its folder of the run and the overall mean into run.json.
 */
public final class PixelMeanStage implements Stage {

    /** The {@code pixel-mean} section of the experiment; its defaults are in reference.conf beside the classes. */
    @Settings("pixel-mean")
    public record PixelMeanSettings(@Range(min = 1) int sample) {
    }

    private final PixelMeanSettings settings;

    @Inject // jakarta.inject.Inject, as Guice 7 reads it
    PixelMeanStage(PixelMeanSettings settings) {
        this.settings = settings; // no work in constructors: they run when the experiment is checked
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of();
    }

    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        Split train = dataset.train();
        int images = Math.min(settings.sample(), train.size());
        int pixels = dataset.rows() * dataset.cols();
        float[] image = new float[pixels];
        double[] sums = new double[dataset.classCount()];
        int[] counts = new int[dataset.classCount()];
        for (int i = 0; i < images; i++) {
            train.copyScaled(i, image, 0);
            double sum = 0;
            for (float p : image) {
                sum += p;
            }
            sums[train.label(i)] += sum / pixels;
            counts[train.label(i)]++;
        }
        StringBuilder csv = new StringBuilder("class,images,mean-pixel\n");
        double total = 0;
        for (int c = 0; c < sums.length; c++) {
            double mean = counts[c] == 0 ? Double.NaN : sums[c] / counts[c];
            csv.append(String.format(Locale.ROOT, "%s,%d,%.6f%n", dataset.classNames().get(c), counts[c], mean));
            total += sums[c];
        }
        Files.writeString(context.outputDir().resolve("pixel-mean.csv"), csv);
        context.metric("images", images);
        context.metric("mean-pixel", total / images);
    }
}

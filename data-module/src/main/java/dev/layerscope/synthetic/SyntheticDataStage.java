package dev.layerscope.synthetic;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A stand-in for the load stage that needs no files: small images where class c is a bright horizontal bar at its
 * own height over noise, which a small network learns in a few epochs. For checking an installation, or a stage of
 * your own, in seconds; LayerScope's own pipeline tests run on it.
 */
public final class SyntheticDataStage implements Stage {

    /**
     * The generated data set: {@code classes} classes of {@code perClass} training images of {@code rows} x
     * {@code cols} pixels (a fifth of them held out for validation) and a quarter as many test images per class.
     */
    @Settings("synthetic")
    public record SyntheticSettings(@Range(min = 2, max = 256) int classes, @Range(min = 5) int perClass,
                                    @Range(min = 2, max = 4096) int rows, @Range(min = 1, max = 4096) int cols,
                                    long seed) {
    }

    private final SyntheticSettings settings;

    @Inject
    SyntheticDataStage(SyntheticSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Dataset.ARTIFACT);
    }

    @Override
    public void run(StageContext context) {
        context.write(Dataset.ARTIFACT, dataset(settings));
    }

    /** The data set these settings describe; the same settings always give the same images. */
    public static Dataset dataset(SyntheticSettings s) {
        Random random = new Random(s.seed());
        ImageSet train = images(s, s.perClass(), random);
        ImageSet test = images(s, Math.max(1, s.perClass() / 4), random);
        int validation = train.count() / 5;
        List<String> names = new ArrayList<>();
        IntStream.range(0, s.classes()).forEach(c -> names.add("bar-" + c));
        return new Dataset("Synthetic bars", names, s.rows(), s.cols(),
                new Split("train", train, IntStream.range(validation, train.count()).toArray()),
                new Split("validation", train, IntStream.range(0, validation).toArray()),
                new Split("test", test, IntStream.range(0, test.count()).toArray()),
                "synthetic " + s);
    }

    private static ImageSet images(SyntheticSettings s, int perClass, Random random) {
        int n = perClass * s.classes();
        byte[] pixels = new byte[n * s.rows() * s.cols()];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % s.classes();
            int bar = labels[i] * s.rows() / s.classes();
            for (int r = 0; r < s.rows(); r++) {
                for (int c = 0; c < s.cols(); c++) {
                    int value = (r == bar ? 200 : 0) + random.nextInt(56);
                    pixels[(i * s.rows() + r) * s.cols() + c] = (byte) value;
                }
            }
        }
        return new ImageSet(s.rows(), s.cols(), pixels, labels);
    }
}

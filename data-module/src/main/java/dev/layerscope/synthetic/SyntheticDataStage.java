package dev.layerscope.synthetic;

import dev.layerscope.data.DataShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
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

    private static final String NAME = "Synthetic bars";

    private final SyntheticSettings settings;

    @Inject
    SyntheticDataStage(SyntheticSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Dataset.ARTIFACT);
    }

    /** The shape of the data set these settings describe, told from the settings alone. */
    @Override
    public Artifacts preview(Artifacts earlier) {
        return Artifacts.of(DataShape.ARTIFACT, shape(settings));
    }

    @Override
    public void run(StageContext context) {
        context.write(Dataset.ARTIFACT, dataset(settings));
    }

    /** The data set these settings describe; the same settings always give the same images. */
    public static Dataset dataset(SyntheticSettings s) {
        Random random = new Random(s.seed());
        ImageSet train = images(s, labels(s, s.perClass()), random);
        ImageSet test = images(s, labels(s, testPerClass(s)), random);
        int[][] splits = splits(train.count(), test.count());
        return new Dataset(NAME, classNames(s), s.rows(), s.cols(), new Split("train", train, splits[0]),
                new Split("validation", train, splits[1]), new Split("test", test, splits[2]), "synthetic " + s);
    }

    /** What {@link #dataset} gives, without making its images. */
    static DataShape shape(SyntheticSettings s) {
        int[] train = labels(s, s.perClass());
        int[] test = labels(s, testPerClass(s));
        int[][] splits = splits(train.length, test.length);
        return new DataShape(NAME, s.rows(), s.cols(), classNames(s),
                DataShape.ClassCounts.of(train, splits[0], s.classes()),
                DataShape.ClassCounts.of(train, splits[1], s.classes()),
                DataShape.ClassCounts.of(test, splits[2], s.classes()));
    }

    private static int testPerClass(SyntheticSettings s) {
        return Math.max(1, s.perClass() / 4);
    }

    /** Classes in turn: 0, 1, 2, ..., 0, 1, 2, ... */
    private static int[] labels(SyntheticSettings s, int perClass) {
        return IntStream.range(0, perClass * s.classes()).map(i -> i % s.classes()).toArray();
    }

    /** Train, validation (the first fifth of the training images) and test, as indices into their image sets. */
    private static int[][] splits(int trainImages, int testImages) {
        int validation = trainImages / 5;
        return new int[][] {IntStream.range(validation, trainImages).toArray(),
            IntStream.range(0, validation).toArray(), IntStream.range(0, testImages).toArray()};
    }

    private static List<String> classNames(SyntheticSettings s) {
        return IntStream.range(0, s.classes()).mapToObj(c -> "bar-" + c).toList();
    }

    private static ImageSet images(SyntheticSettings s, int[] labels, Random random) {
        int n = labels.length;
        byte[] pixels = new byte[n * s.rows() * s.cols()];
        for (int i = 0; i < n; i++) {
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

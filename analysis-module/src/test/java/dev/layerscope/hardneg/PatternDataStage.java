package dev.layerscope.hardneg;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Settings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A stand-in for the load stage in hardneg's tests: images whose every pixel a test can compute
 * ({@link #pixel}), named classes, and a test split of every other run of (class count) images of its test file,
 * so that a row of the split is not its test index. Image i of either file has label i mod the class count. Named
 * in test pipelines by its class name.
 */
public final class PatternDataStage implements Stage {

    /**
     * @param perClass test-split images of each class; the test file holds twice as many, the training file four
     *                 times as many (a quarter of them for validation)
     */
    @Settings("pattern")
    public record PatternSettings(List<String> classNames, int rows, int cols, int perClass) {
    }

    private final PatternSettings settings;

    @Inject
    PatternDataStage(PatternSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Dataset.ARTIFACT);
    }

    @Override
    public void run(StageContext context) {
        int classes = settings.classNames().size();
        ImageSet trainFile = images(4 * classes * settings.perClass());
        ImageSet testFile = images(2 * classes * settings.perClass());
        int validation = trainFile.count() / 4;
        context.write(Dataset.ARTIFACT, new Dataset("Pattern", settings.classNames(), settings.rows(),
                settings.cols(),
                new Split("train", trainFile, IntStream.range(validation, trainFile.count()).toArray()),
                new Split("validation", trainFile, IntStream.range(0, validation).toArray()),
                new Split("test", testFile, IntStream.range(0, testFile.count()).filter(i -> i / classes % 2 == 0)
                        .toArray()),
                "pattern " + settings));
    }

    /** The grey level of pixel (x, y) of image {@code index}. */
    static int pixel(int index, int y, int x) {
        return (index * 37 + y * 11 + x * 5) % 256;
    }

    private ImageSet images(int count) {
        byte[] pixels = new byte[count * settings.rows() * settings.cols()];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % settings.classNames().size();
            for (int y = 0; y < settings.rows(); y++) {
                for (int x = 0; x < settings.cols(); x++) {
                    pixels[(i * settings.rows() + y) * settings.cols() + x] = (byte) pixel(i, y, x);
                }
            }
        }
        return new ImageSet(settings.rows(), settings.cols(), pixels, labels);
    }
}

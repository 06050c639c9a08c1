package dev.layerscope.data;

import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What later stages' settings depend on in a data set, known before its images are read: the image size, the
 * classes, and how many images of each class each split holds. The load stage previews it at planning from its
 * files' headers and labels, so that a convolution kernel larger than the image or a perplexity too large for the
 * training split is reported before anything runs; once the data is loaded, it is the {@link Dataset}'s own.
 *
 * @param name       the data set's name, for messages
 * @param rows       image height in pixels
 * @param cols       image width in pixels
 * @param classNames one name per class
 * @param train      images per class of the training split
 * @param validation images per class of the validation split
 * @param test       images per class of the test split
 */
public record DataShape(String name, int rows, int cols, List<String> classNames, ClassCounts train,
                        ClassCounts validation, ClassCounts test) {

    /** The key under which a data stage previews the shape at planning. */
    public static final ArtifactKey<DataShape> ARTIFACT = ArtifactKey.of("data-shape", DataShape.class);

    public DataShape {
        classNames = List.copyOf(classNames);
    }

    /** The shape a data stage previewed, or that of the dataset it wrote; empty before either exists. */
    public static Optional<DataShape> in(Artifacts available) {
        return available.find(ARTIFACT).or(() -> available.find(Dataset.ARTIFACT).map(Dataset::shape));
    }

    public int classCount() {
        return classNames.size();
    }

    /** "the 28x28 images of Fashion-MNIST", for messages. */
    public String describe() {
        return "the " + rows + "x" + cols + " images of " + name;
    }

    /**
     * The images of each class of one split.
     *
     * @param perClass images per class, by class
     */
    public record ClassCounts(int[] perClass) {

        public ClassCounts {
            perClass = perClass.clone();
        }

        /** The counts of {@code labels} at {@code indices}, for {@code classes} classes. */
        public static ClassCounts of(int[] labels, int[] indices, int classes) {
            int[] counts = new int[classes];
            for (int index : indices) {
                counts[labels[index]]++;
            }
            return new ClassCounts(counts);
        }

        /** The images of the split. */
        public int size() {
            return Arrays.stream(perClass).sum();
        }

        /** The images a stratified subset of at most {@code limit} per class keeps (0: every image). */
        public int atMostPerClass(int limit) {
            return limit == 0 ? size() : Arrays.stream(perClass).map(count -> Math.min(count, limit)).sum();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ClassCounts counts && Arrays.equals(perClass, counts.perClass);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(perClass);
        }

        @Override
        public String toString() {
            return Arrays.toString(perClass);
        }
    }
}

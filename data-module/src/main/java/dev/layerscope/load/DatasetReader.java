package dev.layerscope.load;

import dev.layerscope.data.DataException;
import dev.layerscope.data.DataException.Kind;
import dev.layerscope.data.DataShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Idx;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Numbers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the two IDX pairs, checks they belong together, and cuts them into train, validation and test; or, for
 * planning, reads only the image headers and the labels to tell the data's shape without loading its images.
 */
final class DatasetReader {

    private DatasetReader() {
    }

    /**
     * @param files     train images, train labels, test images, test labels
     * @param contentId what identifies these files and this split (see {@link Dataset#contentId()})
     */
    static Dataset read(DataSettings settings, List<Path> files, String contentId) throws IOException {
        ImageSet trainFile = pair(files.get(0), files.get(1), settings);
        ImageSet testFile = pair(files.get(2), files.get(3), settings);
        requireOneShape(trainFile.rows(), trainFile.cols(), testFile.rows(), testFile.cols(), files);
        int[][] splits = splits(settings, trainFile.labels(), testFile.labels());
        return new Dataset(settings.identity().name(), settings.identity().classNames(), trainFile.rows(), trainFile.cols(),
                new Split("train", trainFile, splits[0]),
                new Split("validation", trainFile, splits[1]),
                new Split("test", testFile, splits[2]), contentId);
    }

    /**
     * The shape {@link #read} would give, from the 16-byte headers of the image files and the labels (60 KB for
     * Fashion-MNIST's training file), with the same checks of the labels and the same split.
     */
    static DataShape shape(DataSettings settings, List<Path> files) throws IOException {
        Idx.ImagesHeader train = Idx.readImagesHeader(files.get(0));
        int[] trainLabels = labels(files.get(1), files.get(0), train.count(), settings);
        Idx.ImagesHeader test = Idx.readImagesHeader(files.get(2));
        int[] testLabels = labels(files.get(3), files.get(2), test.count(), settings);
        requireOneShape(train.rows(), train.cols(), test.rows(), test.cols(), files);
        int[][] splits = splits(settings, trainLabels, testLabels);
        int classes = settings.identity().classNames().size();
        return new DataShape(settings.identity().name(), train.rows(), train.cols(), settings.identity().classNames(),
                DataShape.ClassCounts.of(trainLabels, splits[0], classes),
                DataShape.ClassCounts.of(trainLabels, splits[1], classes),
                DataShape.ClassCounts.of(testLabels, splits[2], classes));
    }

    /**
     * The images of the train, validation and test splits, as indices into their files: at most
     * {@code limit-per-class} of each class of each file, and {@code validation-fraction} of each class of the
     * training file held out, seeded.
     *
     * @throws InvalidSetting when the split would leave no training image
     */
    private static int[][] splits(DataSettings settings, int[] trainLabels, int[] testLabels) {
        int classes = settings.identity().classNames().size();
        int[] pool = Splits.subsample(trainLabels, classes, settings.limitPerClass(), settings.seed());
        int[][] trainValidation = Splits.stratified(trainLabels, pool, classes, settings.validationFraction(),
                settings.seed());
        if (trainValidation[0].length == 0 && pool.length > 0) {
            throw new InvalidSetting("data.validation-fraction", Numbers.number(settings.validationFraction())
                    + " holds out every one of the " + Numbers.count(pool.length, "training image")
                    + " (limit-per-class = " + settings.limitPerClass() + "), which leaves none to train on; lower "
                    + "validation-fraction or raise limit-per-class");
        }
        int[] test = Splits.subsample(testLabels, classes, settings.limitPerClass(), settings.seed() + 1);
        return new int[][] {trainValidation[0], trainValidation[1], test};
    }

    private static void requireOneShape(int trainRows, int trainCols, int testRows, int testCols, List<Path> files)
            throws DataException {
        if (trainRows != testRows || trainCols != testCols) {
            throw new DataException(Kind.SHAPE_MISMATCH, String.format(
                    "training images are %dx%d but test images are %dx%d (%s, %s): they are not one data set",
                    trainRows, trainCols, testRows, testCols, files.get(0), files.get(2)));
        }
    }

    private static ImageSet pair(Path imagesFile, Path labelsFile, DataSettings settings) throws IOException {
        Idx.Images images = Idx.readImages(imagesFile);
        int[] labels = labels(labelsFile, imagesFile, images.count(), settings);
        return new ImageSet(images.rows(), images.cols(), images.pixels(), labels);
    }

    /** The labels of {@code labelsFile}, one for each of the {@code images} of {@code imagesFile}, each a class. */
    private static int[] labels(Path labelsFile, Path imagesFile, int images, DataSettings settings)
            throws IOException {
        int[] labels = Idx.readLabels(labelsFile);
        if (images != labels.length) {
            throw new DataException(Kind.COUNT_MISMATCH, String.format(
                    "%s holds %,d images but %s holds %,d labels; the two files must come from the same release",
                    imagesFile, images, labelsFile, labels.length));
        }
        int classes = settings.identity().classNames().size();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                throw new DataException(Kind.LABEL_OUT_OF_RANGE, String.format(
                        "%s: label %d at position %,d, but data.class-names lists %d classes (labels 0 to %d); "
                                + "add the missing class names or check the file", labelsFile, labels[i], i, classes,
                        classes - 1));
            }
        }
        return labels;
    }
}

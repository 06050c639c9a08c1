package dev.layerscope.load;

import dev.layerscope.data.DataException;
import dev.layerscope.data.DataException.Kind;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Idx;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Reads the two IDX pairs, checks they belong together, and cuts them into train, validation and test. */
final class DatasetReader {

    private DatasetReader() {
    }

    /**
     * @param files     train images, train labels, test images, test labels
     * @param contentId what identifies these files and this split (see {@link Dataset#contentId()})
     */
    static Dataset read(DataSettings settings, List<Path> files, String contentId) throws IOException {
        int classes = settings.identity().classNames().size();
        ImageSet trainFile = pair(files.get(0), files.get(1), settings);
        ImageSet testFile = pair(files.get(2), files.get(3), settings);
        if (trainFile.rows() != testFile.rows() || trainFile.cols() != testFile.cols()) {
            throw new DataException(Kind.SHAPE_MISMATCH, String.format(
                    "training images are %dx%d but test images are %dx%d (%s, %s): they are not one data set",
                    trainFile.rows(), trainFile.cols(), testFile.rows(), testFile.cols(), files.get(0), files.get(2)));
        }
        int[] pool = Splits.subsample(trainFile.labels(), classes, settings.limitPerClass(), settings.seed());
        int[][] trainValidation = Splits.stratified(trainFile.labels(), pool, classes,
                settings.validationFraction(), settings.seed());
        int[] test = Splits.subsample(testFile.labels(), classes, settings.limitPerClass(), settings.seed() + 1);
        DataSettings.Identity identity = settings.identity();
        return new Dataset(identity.name(), identity.classNames(), trainFile.rows(), trainFile.cols(),
                new Split("train", trainFile, trainValidation[0]),
                new Split("validation", trainFile, trainValidation[1]),
                new Split("test", testFile, test), contentId);
    }

    private static ImageSet pair(Path imagesFile, Path labelsFile, DataSettings settings) throws IOException {
        Idx.Images images = Idx.readImages(imagesFile);
        int[] labels = Idx.readLabels(labelsFile);
        if (images.count() != labels.length) {
            throw new DataException(Kind.COUNT_MISMATCH, String.format(
                    "%s holds %,d images but %s holds %,d labels; the two files must come from the same release",
                    imagesFile, images.count(), labelsFile, labels.length));
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
        return new ImageSet(images.rows(), images.cols(), images.pixels(), labels);
    }
}

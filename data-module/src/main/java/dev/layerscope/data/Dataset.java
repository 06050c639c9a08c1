package dev.layerscope.data;

import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Fingerprinted;
import java.util.List;

/**
 * What the load stage hands on: the three splits, the class names and the image shape. Nothing downstream assumes
 * 28x28 or ten classes; they read it from here.
 *
 * @param contentId identifies exactly these images and this split (the files' checksums and the split settings), so
 *                  that a later stage can tell whether a result it saved was made from the same data
 */
public record Dataset(String name, List<String> classNames, int rows, int cols, Split train, Split validation,
                      Split test, String contentId) implements Fingerprinted {

    /** The artifact key under which the load stage writes the dataset. */
    public static final ArtifactKey<Dataset> ARTIFACT = ArtifactKey.of("dataset", Dataset.class);

    public int classCount() {
        return classNames.size();
    }

    /** The data's identity stands for it in the fingerprints of later stages' outputs. */
    @Override
    public String fingerprint() {
        return contentId;
    }

    public List<Split> splits() {
        return List.of(train, validation, test);
    }

    /** The image size, classes and split sizes, as later stages check their settings against them. */
    public DataShape shape() {
        return new DataShape(name, rows, cols, classNames, counts(train), counts(validation), counts(test));
    }

    private DataShape.ClassCounts counts(Split split) {
        return new DataShape.ClassCounts(split.classCounts(classCount()));
    }
}

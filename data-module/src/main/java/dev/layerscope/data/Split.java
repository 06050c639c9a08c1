package dev.layerscope.data;

/**
 * A subset of an {@link ImageSet} (train, validation or test), kept as indices into it so that every image can be
 * traced back to its position in the original file.
 *
 * @param name    "train", "validation" or "test"
 * @param source  the images of the file the split was drawn from
 * @param indices positions in {@code source}, ascending
 */
public record Split(String name, ImageSet source, int[] indices) {

    public int size() {
        return indices.length;
    }

    public int label(int i) {
        return source.labels()[indices[i]];
    }

    /** The image's position in its original file (the "test index" a person can look up). */
    public int sourceIndex(int i) {
        return indices[i];
    }

    /** Copies image {@code i}, scaled to [0, 1], into {@code target} from {@code offset}. */
    public void copyScaled(int i, float[] target, int offset) {
        source.copyScaled(indices[i], target, offset);
    }

    /** How many images of each class this split holds. */
    public int[] classCounts(int classes) {
        return DataShape.ClassCounts.of(source.labels(), indices, classes).perClass();
    }
}

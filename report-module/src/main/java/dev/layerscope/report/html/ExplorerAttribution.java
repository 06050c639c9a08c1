package dev.layerscope.report.html;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The attribution maps the explorer shows on hover, keyed by test index: the attribution stage's maps of the hard
 * negatives and of the most confident correct images. The page carries them quantised ({@link QuantisedMaps}).
 *
 * @param methods the methods, in the order of each image's maps
 * @param rows    a map's height (the image's)
 * @param cols    a map's width
 * @param images  the mapped test images, in the order of the maps
 * @param maps    images x methods x rows x cols, row-major; not copied (the page is written from it once)
 */
public record ExplorerAttribution(List<Method> methods, int rows, int cols, List<Image> images, float[] maps) {

    /** A run without the attribution stage: no maps, and the explorer shows none. */
    public static final ExplorerAttribution NONE = new ExplorerAttribution(List.of(), 0, 0, List.of(), new float[0]);

    /**
     * One method.
     *
     * @param name   its name in settings and files (saliency, integrated-gradients, grad-cam)
     * @param signed whether its maps take both signs (drawn in diverging colours) or are at least 0 (Grad-CAM:
     *               drawn over the image)
     */
    public record Method(String name, boolean signed) {
        public Method {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * One mapped image.
     *
     * @param testIndex         its position in the test file
     * @param kind              what it is, as the page says it ("hard negative", "most confident correct")
     * @param targetClass       the class whose score the maps explain
     * @param completenessError integrated gradients' relative completeness error; NaN without them
     */
    public record Image(int testIndex, String kind, int targetClass, double completenessError) {
        public Image {
            Objects.requireNonNull(kind, "kind");
        }
    }

    public ExplorerAttribution {
        methods = List.copyOf(methods);
        images = List.copyOf(images);
        Objects.requireNonNull(maps, "maps");
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("maps of " + rows + "x" + cols);
        }
        if (maps.length != (long) images.size() * methods.size() * rows * cols) {
            throw new IllegalArgumentException(images.size() + " images by " + methods.size() + " methods of " + rows
                    + "x" + cols + " need " + (long) images.size() * methods.size() * rows * cols + " values, got "
                    + maps.length);
        }
        Set<Integer> seen = new HashSet<>();
        for (Image image : images) {
            // the page finds an image's maps by its test index
            if (!seen.add(image.testIndex())) {
                throw new IllegalArgumentException("test image " + image.testIndex() + " is mapped twice");
            }
        }
        for (float value : maps) {
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException("an attribution map holds a non-finite value");
            }
        }
    }

    /** Values in one map. */
    public int mapSize() {
        return rows * cols;
    }
}

package dev.layerscope.report.html;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * The data of the embedding explorer: the test points of every 2-D map.
 *
 * <p>{@code sprite} holds every test image, in the order of {@code labels}, as a grid of thumbnails of
 * {@code thumbRows x thumbCols} pixels each, {@link #spritePerRow(int) spritePerRow(n)} thumbnails per sprite row:
 * image {@code i} has its top-left corner at ({@code (i % perRow) * thumbCols}, {@code (i / perRow) * thumbRows}).
 * The arrays are not copied: the page is written from them once.
 */
public record ExplorerData(List<String> classNames, int[] labels, int[] predicted, BufferedImage sprite,
        int thumbRows, int thumbCols, List<ExplorerMap> maps) {

    /** One map: its test points as x0,y0,x1,y1,... in the same order as labels/predicted; knnAccuracy may be null. */
    public record ExplorerMap(String input, String method, float[] xy, Double knnAccuracy) {

        public ExplorerMap {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(xy, "xy");
            for (float v : xy) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("map " + input + "/" + method + " has a non-finite coordinate");
                }
            }
        }
    }

    public ExplorerData {
        classNames = List.copyOf(classNames);
        maps = List.copyOf(maps);
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(sprite, "sprite");
        int n = labels.length;
        if (predicted.length != n) {
            throw new IllegalArgumentException(n + " labels but " + predicted.length + " predictions");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size() || predicted[i] < 0
                    || predicted[i] >= classNames.size()) {
                throw new IllegalArgumentException("point " + i + " has class " + labels[i] + " predicted "
                        + predicted[i] + " but there are " + classNames.size() + " class names");
            }
        }
        if (thumbRows <= 0 || thumbCols <= 0) {
            throw new IllegalArgumentException("thumbnail size must be positive, got " + thumbRows + "x" + thumbCols);
        }
        int perRow = spritePerRow(n);
        int spriteRows = n == 0 ? 0 : (n + perRow - 1) / perRow;
        if (sprite.getWidth() < perRow * thumbCols || sprite.getHeight() < spriteRows * thumbRows) {
            throw new IllegalArgumentException("a sprite of " + n + " thumbnails of " + thumbRows + "x" + thumbCols
                    + " needs " + perRow * thumbCols + "x" + spriteRows * thumbRows + " pixels, got "
                    + sprite.getWidth() + "x" + sprite.getHeight());
        }
        for (ExplorerMap map : maps) {
            if (map.xy().length != 2 * n) {
                throw new IllegalArgumentException("map " + map.input() + "/" + map.method() + " has "
                        + map.xy().length + " coordinates for " + n + " points");
            }
        }
    }

    /** Thumbnails per sprite row for {@code n} images: ceil(sqrt(n)), so the sprite is about square. */
    public static int spritePerRow(int n) {
        int root = (int) Math.sqrt(n);
        return root * root < n ? root + 1 : Math.max(root, 1);
    }
}

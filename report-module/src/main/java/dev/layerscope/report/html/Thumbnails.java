package dev.layerscope.report.html;

import dev.layerscope.data.ImageSet;
import java.util.Objects;

/**
 * The explorer's thumbnails, one for every point, small enough that 60,000 of them fit the page: each image halved
 * in both directions (a thumbnail pixel is the mean of a 2 x 2 block, so 28 x 28 becomes 14 x 14) and its grey level
 * quantised to 4 bits (16 levels, a step of 17 of 255), two pixels a byte. What a thumbnail loses: detail finer than
 * two pixels (thin stripes, a logo on a shirt, the gap in a 4) and shading finer than a sixteenth of the range. A
 * thumbnail is {@link #bytesEach()} bytes, 98 for 28 x 28 images (1/8 of the raw image).
 *
 * @param rows   thumbnail height
 * @param cols   thumbnail width
 * @param packed the thumbnails one after another, each {@link #bytesEach()} bytes; pixel p of a thumbnail (row-major)
 *               in the high nibble of byte p / 2 when p is even, the low nibble when odd
 */
public record Thumbnails(int rows, int cols, byte[] packed) {

    /** The grey levels a thumbnail pixel has. */
    public static final int LEVELS = 16;

    /** The images {@code indices} of {@code images}, in that order. */
    public record Source(ImageSet images, int[] indices) {
        public Source {
            Objects.requireNonNull(images, "images");
            Objects.requireNonNull(indices, "indices");
        }
    }

    public Thumbnails {
        Objects.requireNonNull(packed, "packed");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("thumbnail size must be positive, got " + rows + "x" + cols);
        }
        if (packed.length % ((rows * cols + 1) / 2) != 0) {
            throw new IllegalArgumentException(packed.length + " bytes are not whole thumbnails of " + rows + "x"
                    + cols);
        }
    }

    /** Bytes per thumbnail: two pixels a byte, the last byte half empty when the pixel count is odd. */
    public int bytesEach() {
        return (rows * cols + 1) / 2;
    }

    public int count() {
        return packed.length / bytesEach();
    }

    /** The grey level, 0 to 15, of thumbnail {@code index}'s pixel ({@code row}, {@code col}). */
    public int level(int index, int row, int col) {
        int p = row * cols + col;
        int b = packed[index * bytesEach() + p / 2] & 0xFF;
        return p % 2 == 0 ? b >> 4 : b & 0x0F;
    }

    /**
     * Every image of the sources, in order, halved and quantised: thumbnail pixel ({@code r}, {@code c}) is the mean
     * of the image's pixels (2r..2r+1, 2c..2c+1) that exist, rounded to the nearest of 16 levels.
     */
    public static Thumbnails halved(Source... sources) {
        if (sources.length == 0) {
            throw new IllegalArgumentException("no images to make thumbnails of");
        }
        int imageRows = sources[0].images().rows();
        int imageCols = sources[0].images().cols();
        int count = 0;
        for (Source source : sources) {
            if (source.images().rows() != imageRows || source.images().cols() != imageCols) {
                throw new IllegalArgumentException("images of " + source.images().rows() + "x"
                        + source.images().cols() + " among images of " + imageRows + "x" + imageCols);
            }
            count += source.indices().length;
        }
        int rows = (imageRows + 1) / 2;
        int cols = (imageCols + 1) / 2;
        int each = (rows * cols + 1) / 2;
        byte[] packed = new byte[count * each];
        int thumb = 0;
        for (Source source : sources) {
            byte[] pixels = source.images().pixels();
            for (int index : source.indices()) {
                int start = index * imageRows * imageCols;
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int sum = 0;
                        int taken = 0;
                        for (int y = 2 * r; y < Math.min(imageRows, 2 * r + 2); y++) {
                            for (int x = 2 * c; x < Math.min(imageCols, 2 * c + 2); x++) {
                                sum += pixels[start + y * imageCols + x] & 0xFF;
                                taken++;
                            }
                        }
                        int level = (int) Math.round((double) sum / taken * (LEVELS - 1) / 255);
                        int p = r * cols + c;
                        packed[thumb * each + p / 2] |= (byte) (p % 2 == 0 ? level << 4 : level);
                    }
                }
                thumb++;
            }
        }
        return new Thumbnails(rows, cols, packed);
    }
}

package dev.layerscope.data;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.Objects;

/**
 * Images and their labels as read from an IDX pair: {@code count} images of {@code rows x cols} unsigned bytes,
 * row-major, one after another. Pixels stay bytes (a quarter of the memory of floats) and are scaled to [0, 1]
 * when read.
 */
public record ImageSet(int rows, int cols, byte[] pixels, int[] labels) {

    public ImageSet {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + rows + "x" + cols);
        }
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixel bytes for "
                    + rows + "x" + cols + " images");
        }
    }

    public int count() {
        return labels.length;
    }

    public int pixelsPerImage() {
        return rows * cols;
    }

    /** Copies image {@code index}, scaled to [0, 1], into {@code target} from {@code offset}. */
    public void copyScaled(int index, float[] target, int offset) {
        int size = pixelsPerImage();
        int start = index * size;
        for (int i = 0; i < size; i++) {
            target[offset + i] = (pixels[start + i] & 0xFF) / 255f;
        }
    }

    /**
     * Paints image {@code index} as grey levels into band 0 of {@code raster}, its top-left corner at
     * ({@code left}, {@code top}) and each pixel a {@code scale x scale} block: nearest-neighbour upscaling, so a
     * small image grows legible without the blur interpolation would add.
     */
    public void paint(int index, WritableRaster raster, int left, int top, int scale) {
        int start = index * pixelsPerImage();
        for (int y = 0; y < rows * scale; y++) {
            for (int x = 0; x < cols * scale; x++) {
                raster.setSample(left + x, top + y, 0, pixels[start + (y / scale) * cols + x / scale] & 0xFF);
            }
        }
    }

    /** Image {@code index} on its own, grey, each pixel a {@code scale x scale} block (see {@link #paint}). */
    public BufferedImage image(int index, int scale) {
        BufferedImage image = new BufferedImage(cols * scale, rows * scale, BufferedImage.TYPE_BYTE_GRAY);
        paint(index, image.getRaster(), 0, 0, scale);
        return image;
    }
}

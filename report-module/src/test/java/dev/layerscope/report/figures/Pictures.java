package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Checks the figure tests share; the images stay under target/figure-samples to be looked at. */
public final class Pictures {

    static final Path SAMPLES = Path.of("target", "figure-samples");
    /** A figure of a few lines on white has a grey-level variance in the hundreds; a blank one has 0. */
    private static final double MIN_VARIANCE = 50;

    private Pictures() {
    }

    /** Writes {@code image} with {@link Figures#writePng}, reads it back and checks its size and that it shows something. */
    static BufferedImage written(BufferedImage image, String name, int width, int height) throws IOException {
        Path file = SAMPLES.resolve(name + ".png");
        Figures.writePng(image, file);
        BufferedImage read = ImageIO.read(file.toFile());
        assertNotNull(read, file + " does not decode as an image");
        assertEquals(width, read.getWidth(), "width of " + name);
        assertEquals(height, read.getHeight(), "height of " + name);
        assertNotBlank(read, name);
        return read;
    }

    public static void assertNotBlank(BufferedImage image, String name) {
        double variance = greyVariance(image);
        assertTrue(variance > MIN_VARIANCE, name + " looks blank: grey-level variance " + variance);
    }

    static double greyVariance(BufferedImage image) {
        double sum = 0;
        double squares = 0;
        long n = (long) image.getWidth() * image.getHeight();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                double grey = (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF)) / 3.0;
                sum += grey;
                squares += grey * grey;
            }
        }
        double mean = sum / n;
        return squares / n - mean * mean;
    }

    /** The pixels in the rectangle whose colour is within {@code tolerance} (summed over channels) of {@code colour}. */
    static int count(BufferedImage image, Color colour, int tolerance, int left, int top, int right, int bottom) {
        int found = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                if (distance(new Color(image.getRGB(x, y)), colour) <= tolerance) {
                    found++;
                }
            }
        }
        return found;
    }

    static int distance(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
                + Math.abs(a.getBlue() - b.getBlue());
    }
}

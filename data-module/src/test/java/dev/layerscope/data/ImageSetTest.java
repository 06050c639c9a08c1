package dev.layerscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageSetTest {

    /** Two 2x3 images; the second is painted, each pixel becoming a scale x scale block at the given corner. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void paintUpscalesByNearestNeighbour(int scale) {
        byte[] pixels = {9, 9, 9, 9, 9, 9, 0, 50, 100, (byte) 150, (byte) 200, (byte) 255};
        ImageSet images = new ImageSet(2, 3, pixels, new int[] {0, 1});
        BufferedImage canvas = new BufferedImage(1 + 3 * scale, 2 + 2 * scale, BufferedImage.TYPE_BYTE_GRAY);
        images.paint(1, canvas.getRaster(), 1, 2, scale);
        for (int y = 0; y < canvas.getHeight(); y++) {
            for (int x = 0; x < canvas.getWidth(); x++) {
                int expected = x < 1 || y < 2 ? 0 : pixels[6 + (y - 2) / scale * 3 + (x - 1) / scale] & 0xFF;
                assertEquals(expected, canvas.getRaster().getSample(x, y, 0), "pixel " + x + "," + y);
            }
        }
    }
}

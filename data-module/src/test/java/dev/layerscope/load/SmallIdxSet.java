package dev.layerscope.load;

import dev.layerscope.data.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a small IDX data set for tests: {@code perClass} training and {@code testPerClass} test images of each
 * of {@code classes} classes, {@code rows x cols} pixels, labels cycling 0, 1, 2, ... Every pixel of an image
 * equals its class times 10 plus noise, so a test can tell images apart.
 */
record SmallIdxSet(int rows, int cols, int classes, int perClass, int testPerClass, boolean gzip) {

    static final String[] NAMES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    /** Writes the four files into {@code dir} under the Fashion-MNIST names (without .gz when not gzip). */
    Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(7);
        write(dir, 0, perClass, random);
        write(dir, 2, testPerClass, random);
        return dir;
    }

    String name(int index) {
        return gzip ? NAMES[index] : NAMES[index].replace(".gz", "");
    }

    private void write(Path dir, int first, int count, Random random) throws IOException {
        int n = count * classes;
        byte[] pixels = new byte[n * rows * cols];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int p = 0; p < rows * cols; p++) {
                pixels[i * rows * cols + p] = (byte) (labels[i] * 10 + random.nextInt(5));
            }
        }
        Idx.writeImages(dir.resolve(name(first)), rows, cols, pixels, gzip);
        Idx.writeLabels(dir.resolve(name(first + 1)), labels, gzip);
    }
}

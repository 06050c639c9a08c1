package dev.layerscope.reduce;

import dev.layerscope.capture.Activations;
import dev.layerscope.data.Npy;
import dev.layerscope.linalg.FloatMatrix;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an embedding where other tools read it: {@code <name>-train.npy} and {@code <name>-test.npy} (float32,
 * n x 2, for {@code numpy.load}) and {@code <name>.csv} with one row per point, {@code x,y,label,split,index}.
 */
final class EmbeddingFiles {

    private EmbeddingFiles() {
    }

    static void write(Path dir, Embeddings.Embedding embedding) throws IOException {
        Npy.writeFloats(points(dir, embedding.name(), "train"), embedding.train().values(), embedding.train().rows(), 2);
        Npy.writeFloats(points(dir, embedding.name(), "test"), embedding.test().values(), embedding.test().rows(), 2);
        try (BufferedWriter csv = Files.newBufferedWriter(dir.resolve(embedding.name() + ".csv"))) {
            csv.write("x,y,label,split,index\n");
            rows(csv, embedding.train(), embedding.trainRows(), "train");
            rows(csv, embedding.test(), embedding.testRows(), "test");
        }
    }

    /** The 2-D points of one split of embedding {@code name}, as {@link #write} wrote them. */
    static FloatMatrix read(Path dir, String name, String split) throws IOException {
        Npy.Floats points = Npy.readFloats(points(dir, name, split));
        return new FloatMatrix((int) points.shape()[0], (int) points.shape()[1], points.values());
    }

    private static Path points(Path dir, String name, String split) {
        return dir.resolve(name + "-" + split + ".npy");
    }

    private static void rows(BufferedWriter csv, FloatMatrix points, Activations.SplitRows rows, String split)
            throws IOException {
        for (int i = 0; i < points.rows(); i++) {
            csv.write(Float.toString(points.get(i, 0)));
            csv.write(',');
            csv.write(Float.toString(points.get(i, 1)));
            csv.write(',');
            csv.write(Integer.toString(rows.labels()[i]));
            csv.write(',');
            csv.write(split);
            csv.write(',');
            csv.write(Integer.toString(rows.sourceIndex()[i]));
            csv.write('\n');
        }
    }
}

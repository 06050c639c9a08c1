package dev.layerscope.reduce;

import dev.layerscope.capture.Activations;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.ImageSet;
import dev.layerscope.linalg.FloatMatrix;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * TensorBoard's Embedding Projector files for the test split: one tab-separated tensor file per captured layer
 * (the projector computes its own PCA and t-SNE of those) and per 2-D embedding, one {@code metadata.tsv} of labels,
 * one sprite sheet of the thumbnails, and {@code projector_config.pbtxt} tying them together. Point
 * {@code tensorboard --logdir} at the folder and open the Projector tab.
 */
final class ProjectorFiles {

    static final String CONFIG = "projector_config.pbtxt";

    /** TensorBoard does not show sprite sheets wider or taller than this. */
    private static final int MAX_SPRITE_SIDE = 8192;

    private ProjectorFiles() {
    }

    /**
     * Writes at most {@code maxPoints} test points of each tensor, with the test images of {@code dataset}.
     *
     * @param tensors  name -> the test rows of a layer or an embedding
     * @param testRows the captured test points
     */
    static void write(Path dir, Map<String, FloatMatrix> tensors, Dataset dataset, Activations.SplitRows testRows,
                      int maxPoints) throws IOException {
        write(dir, tensors, testRows.labels(), dataset.classNames(), dataset.test().source(), testRows.sourceIndex(),
                Math.min(maxPoints, testRows.size()));
    }

    /**
     * @param tensors      name -> the test rows of a layer or an embedding, each with at least {@code points} rows
     * @param labels       the test points' classes
     * @param classNames   the name of each class
     * @param images       the test file's images
     * @param sourceIndex  each test point's position in that file
     * @param points       how many test points to write (the first ones)
     */
    private static void write(Path dir, Map<String, FloatMatrix> tensors, int[] labels, List<String> classNames,
                              ImageSet images, int[] sourceIndex, int points) throws IOException {
        Files.createDirectories(dir);
        try (BufferedWriter metadata = Files.newBufferedWriter(dir.resolve("metadata.tsv"))) {
            metadata.write("label\tclass\tindex\n");
            for (int i = 0; i < points; i++) {
                metadata.write(labels[i] + "\t" + classNames.get(labels[i]) + "\t" + sourceIndex[i] + "\n");
            }
        }
        boolean sprite = writeSprite(dir.resolve("sprite.png"), images, sourceIndex, points);
        StringBuilder config = new StringBuilder();
        for (Map.Entry<String, FloatMatrix> tensor : tensors.entrySet()) {
            String file = tensor.getKey() + ".tsv";
            writeTensor(dir.resolve(file), tensor.getValue(), points);
            config.append("embeddings {\n")
                    .append("  tensor_name: \"").append(tensor.getKey()).append("\"\n")
                    .append("  tensor_path: \"").append(file).append("\"\n")
                    .append("  metadata_path: \"metadata.tsv\"\n");
            if (sprite) {
                config.append("  sprite {\n")
                        .append("    image_path: \"sprite.png\"\n")
                        .append("    single_image_dim: ").append(images.cols()).append('\n')
                        .append("    single_image_dim: ").append(images.rows()).append('\n')
                        .append("  }\n");
            }
            config.append("}\n");
        }
        Files.writeString(dir.resolve(CONFIG), config);
    }

    private static void writeTensor(Path file, FloatMatrix rows, int points) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < points; i++) {
                for (int j = 0; j < rows.cols(); j++) {
                    if (j > 0) {
                        out.write('\t');
                    }
                    out.write(Float.toString(rows.get(i, j)));
                }
                out.write('\n');
            }
        }
    }

    /** A square grid of the thumbnails in point order; false when it would be too large for TensorBoard. */
    private static boolean writeSprite(Path file, ImageSet images, int[] sourceIndex, int points) throws IOException {
        int perSide = (int) Math.ceil(Math.sqrt(points));
        if ((long) perSide * Math.max(images.rows(), images.cols()) > MAX_SPRITE_SIDE) {
            return false;
        }
        BufferedImage sheet = new BufferedImage(perSide * images.cols(), perSide * images.rows(),
                BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < points; i++) {
            images.paint(sourceIndex[i], sheet.getRaster(), (i % perSide) * images.cols(),
                    (i / perSide) * images.rows(), 1);
        }
        ImageIO.write(sheet, "png", file.toFile());
        return true;
    }
}

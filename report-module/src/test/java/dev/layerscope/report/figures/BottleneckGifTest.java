package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.train.Trajectory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Node;

class BottleneckGifTest {

    private static final int CLASSES = 3;
    private static final int SAMPLES = 90;
    private static final int EPOCHS = 3;

    /** Points start mixed and move towards their class's corner of the first two units, epoch by epoch. */
    private static Trajectory trajectory(int units) {
        Random random = new Random(units);
        int snapshots = EPOCHS + 1;
        int[] labels = IntStream.range(0, SAMPLES).map(i -> i % CLASSES).toArray();
        float[] points = new float[snapshots * SAMPLES * units];
        for (int s = 0; s < snapshots; s++) {
            for (int i = 0; i < SAMPLES; i++) {
                for (int u = 0; u < units; u++) {
                    double target = u == labels[i] % units ? 5 : 0;
                    points[(s * SAMPLES + i) * units + u] = (float) (target * s / EPOCHS + random.nextGaussian());
                }
            }
        }
        return new Trajectory("dense2", snapshots, units, CLASSES, points, new float[snapshots * SAMPLES * CLASSES],
                labels, IntStream.range(0, SAMPLES).toArray());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 6})
    void animatesEverySnapshotLoopingForever(int units) throws IOException {
        Path file = Pictures.SAMPLES.resolve("bottleneck-" + units + ".gif");
        List<String> names = IntStream.range(0, CLASSES).mapToObj(c -> "class " + c).toList();
        BottleneckGif.write(trajectory(units), names, file);

        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in);
            assertEquals(EPOCHS + 1, reader.getNumImages(true), "a frame per snapshot, epoch 0 included");
            IIOMetadataNode first = tree(reader, 0);
            Node loop = find(first, "ApplicationExtension");
            assertTrue(loop != null, "no application extension");
            IIOMetadataNode extension = (IIOMetadataNode) loop;
            assertEquals("NETSCAPE", extension.getAttribute("applicationID"));
            assertEquals("2.0", extension.getAttribute("authenticationCode"));
            byte[] data = (byte[]) extension.getUserObject();
            assertEquals(1, data[0], "the loop sub-block");
            assertEquals(0, (data[1] & 0xFF) | (data[2] & 0xFF) << 8, "loop count 0: forever");
            int[] previous = null;
            for (int f = 0; f <= EPOCHS; f++) {
                IIOMetadataNode control = (IIOMetadataNode) find(tree(reader, f), "GraphicControlExtension");
                assertTrue(Integer.parseInt(control.getAttribute("delayTime")) > 0, "frame " + f + " has no delay");
                BufferedImage frame = reader.read(f);
                assertEquals(BottleneckGif.PLOT, frame.getHeight());
                Pictures.assertNotBlank(frame, "frame " + f);
                int[] pixels = frame.getRGB(0, 0, frame.getWidth(), frame.getHeight(), null, 0, frame.getWidth());
                if (previous != null) {
                    assertNotEquals(Arrays.hashCode(previous), Arrays.hashCode(pixels), "frame " + f
                            + " repeats the one before");
                }
                previous = pixels;
            }
        } finally {
            reader.dispose();
        }
    }

    private static IIOMetadataNode tree(ImageReader reader, int frame) throws IOException {
        var metadata = reader.getImageMetadata(frame);
        return (IIOMetadataNode) metadata.getAsTree(metadata.getNativeMetadataFormatName());
    }

    private static Node find(Node node, String name) {
        if (node.getNodeName().equals(name)) {
            return node;
        }
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            Node found = find(child, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}

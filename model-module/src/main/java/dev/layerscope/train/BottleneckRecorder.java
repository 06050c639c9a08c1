package dev.layerscope.train;

import dev.layerscope.data.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Records the penultimate-layer points and softmax outputs of a fixed, seeded sample of test images. */
final class BottleneckRecorder {

    private final MultiLayerNetwork network;
    private final int layer;
    private final String layerName;
    private final int classes;
    private final int[] sample;
    private final int[] labels;
    private final int[] testIndices;
    private final INDArray input;
    private final List<float[]> points = new ArrayList<>();
    private final List<float[]> softmax = new ArrayList<>();
    private int units;

    BottleneckRecorder(MultiLayerNetwork network, int layer, String layerName, Split test, int classes,
                       ModelSettings.Bottleneck settings) {
        this.network = network;
        this.layer = layer;
        this.layerName = layerName;
        this.classes = classes;
        this.sample = choose(test, classes, settings.perClass(), settings.seed());
        this.labels = IntStream.of(sample).map(test::label).toArray();
        this.testIndices = IntStream.of(sample).map(test::sourceIndex).toArray();
        int pixels = test.source().pixelsPerImage();
        float[] values = new float[sample.length * pixels];
        for (int i = 0; i < sample.length; i++) {
            test.copyScaled(sample[i], values, i * pixels);
        }
        this.input = Nd4j.create(values, new long[] {sample.length, pixels}, 'c');
    }

    /** Takes a snapshot of the sample as the network is now. */
    void record() {
        List<INDArray> activations = network.feedForwardToLayer(layer, input, false);
        INDArray hidden = activations.get(layer + 1).reshape('c', sample.length, -1);
        units = (int) hidden.size(1);
        points.add(hidden.dup('c').data().asFloat());
        softmax.add(network.output(input, false).data().asFloat());
    }

    Trajectory trajectory() {
        return new Trajectory(layerName, points.size(), units, classes, concat(points), concat(softmax), labels,
                testIndices);
    }

    /** Up to {@code perClass} test images of each class, chosen with {@code seed}, grouped by class. */
    static int[] choose(Split test, int classes, int perClass, long seed) {
        Random random = new Random(seed);
        return IntStream.range(0, classes).flatMap(c -> {
            int[] members = IntStream.range(0, test.size()).filter(i -> test.label(i) == c).toArray();
            for (int i = members.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = members[i];
                members[i] = members[j];
                members[j] = swap;
            }
            int[] chosen = Arrays.copyOf(members, Math.min(perClass, members.length));
            Arrays.sort(chosen);
            return IntStream.of(chosen);
        }).toArray();
    }

    private static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int offset = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }
}

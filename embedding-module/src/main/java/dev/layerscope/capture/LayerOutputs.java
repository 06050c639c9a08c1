package dev.layerscope.capture;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The chosen layers' values for a batch of images, each through its reduction: what the final capture and the
 * per-epoch record both write, so that they write the same values for the same network. Holds the projections'
 * matrices (native memory) until closed.
 */
final class LayerOutputs implements AutoCloseable {

    private final Map<String, Integer> indices = new LinkedHashMap<>();
    private final Map<String, RandomProjection> projections = new LinkedHashMap<>();

    /**
     * @param networkLayers the network's layer names in DL4J's index order
     * @param chosen        the layers to give, {@code input} among them or not, each with its reduction
     */
    LayerOutputs(List<String> networkLayers, Map<String, LayerReduction> chosen) {
        try {
            chosen.forEach((layer, reduction) -> {
                // feedForward's list holds the input first, then each layer's output
                indices.put(layer, layer.equals(CaptureSettings.INPUT) ? 0 : networkLayers.indexOf(layer) + 1);
                reduction.projection().ifPresent(options -> projections.put(layer,
                        RandomProjection.draw(options, layer, Math.toIntExact(reduction.layerWidth()))));
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The layers given, in order. */
    List<String> layers() {
        return List.copyOf(indices.keySet());
    }

    /**
     * What one forward pass of a batch gives.
     *
     * @param layers the values of each layer asked for, row-major, an image a row, in the order they were chosen
     * @param output the network's output (its output layer's activations, the softmax), row-major, an image a row
     */
    record Pass(Map<String, float[]> layers, float[] output) {
    }

    /**
     * Runs {@code batch} (images as rows of pixels) through {@code network} once, in inference mode: the values of
     * {@code layers} (some of the chosen ones), each through its reduction, and the network's output, which is
     * what {@link MultiLayerNetwork#output(INDArray, boolean)} gives for the batch.
     */
    Pass of(MultiLayerNetwork network, INDArray batch, Collection<String> layers) {
        List<INDArray> activations = network.feedForward(batch, false);
        Map<String, float[]> values = new LinkedHashMap<>();
        indices.forEach((layer, index) -> {
            if (layers.contains(layer)) {
                INDArray out = activations.get(index);
                RandomProjection projection = projections.get(layer);
                values.put(layer, projection != null ? projection.apply(out) : out.dup('c').data().asFloat());
            }
        });
        return new Pass(values, activations.getLast().dup('c').data().asFloat());
    }

    @Override
    public void close() {
        projections.values().forEach(RandomProjection::close);
    }
}

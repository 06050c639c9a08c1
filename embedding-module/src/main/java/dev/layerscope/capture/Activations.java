package dev.layerscope.capture;

import dev.layerscope.data.Npy;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the capture stage hands on: which layers of which splits it recorded, and where. The arrays stay on disk
 * (a layer of 50,000 images can be hundreds of megabytes) and a later stage {@linkplain #load loads} one at a time.
 *
 * @param dir        the capture stage's folder in the run (where it is published)
 * @param layers     the captured layers, {@code input} first when captured, then in network order
 * @param widths     values per image of each layer as captured (a projected layer's: the projection's width)
 * @param reductions what the capture did to each layer: kept it whole, or projected it (and how)
 * @param splits     each captured split's labels and positions in its source file
 * @param fingerprints what each layer's files depend on, by layer ({@link #layerFingerprint})
 */
public record Activations(Path dir, List<String> layers, Map<String, Integer> widths,
                          Map<String, LayerReduction> reductions, Map<String, SplitRows> splits,
                          Map<String, String> fingerprints) {

    public static final ArtifactKey<Activations> ARTIFACT = ArtifactKey.of("activations", Activations.class);

    /**
     * @param labels      the class of each captured image
     * @param sourceIndex each image's position in its original IDX file
     */
    public record SplitRows(int[] labels, int[] sourceIndex) {
        public int size() {
            return labels.length;
        }
    }

    /**
     * What one layer's files depend on, and nothing else: for {@code input}, the data set, the images the capture
     * chose (its splits, {@code per-class} and {@code seed}) and how it took their pixels; for a layer of the
     * network, the trained model too and how it was captured (whole or through which projection). The capture
     * stage's own fingerprint stands for all its layers at once, the model's among them, so a result made of the
     * raw pixels alone is keyed by this instead: the same for every network trained on the same data.
     */
    public String layerFingerprint(String layer) {
        String fingerprint = fingerprints.get(layer);
        if (fingerprint == null) {
            throw new IllegalArgumentException("`" + layer + "` is not captured; the capture took " + layers);
        }
        return fingerprint;
    }

    /** The splits, the images kept of each and the layers, as captured: what the capture stage previewed. */
    public CaptureShape shape() {
        Map<String, Integer> rows = new LinkedHashMap<>();
        splits.forEach((split, captured) -> rows.put(split, captured.size()));
        return new CaptureShape(List.copyOf(splits.keySet()), rows, Optional.of(layers), "");
    }

    /**
     * The capture folder's list of its layers: a header, then {@code layer<TAB>width<TAB>layer_width<TAB>reduction}
     * per layer in capture order.
     */
    public static final String LAYERS_FILE = "layers.tsv";
    static final String LAYERS_HEADER = "layer\twidth\tlayer_width\treduction";

    /** The layers a capture folder holds, in capture order, as its {@value #LAYERS_FILE} lists them. */
    public static List<String> layersIn(Path captureDir) throws IOException {
        return Files.readAllLines(captureDir.resolve(LAYERS_FILE)).stream().skip(1).filter(line -> !line.isBlank())
                .map(line -> line.split("\t", -1)[0]).toList();
    }

    /** The file of one layer's activations on one split. */
    public static String fileName(String layer, String split) {
        return layer + "-" + split + ".npy";
    }

    /** Reads one layer's activations on one split: one row per image. */
    public FloatMatrix load(String layer, String split) throws IOException {
        Npy.Floats floats = Npy.readFloats(dir.resolve(fileName(layer, split)));
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }
}

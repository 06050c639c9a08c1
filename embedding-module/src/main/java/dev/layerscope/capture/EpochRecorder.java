package dev.layerscope.capture;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Npy;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.Json;
import dev.layerscope.kernel.Progress;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.SeededRows;
import dev.layerscope.train.EpochParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The per-epoch record ({@link EpochActivations}): the parameters the train stage kept of every epoch, put one epoch
 * after another into a copy of the trained network, which runs a fixed seeded subset of test images through the same
 * {@link LayerOutputs} as the final capture. Its files, in {@code capture/epochs/}:
 * <pre>
 * &lt;layer&gt;.npy       epochs x images x width, float32, epoch 0 (before training) first
 * test-labels.npy   each image's class (int32)
 * test-index.npy    each image's position in the test file (int32)
 * epochs.json       the epochs recorded, the epoch the model is, the subset's size and seed
 * </pre>
 */
final class EpochRecorder {

    /** The record's folder in the capture stage's. */
    static final String FOLDER = "epochs";
    private static final String INFO = "epochs.json";

    private final CaptureSettings.Epochs settings;
    private final int batchSize;
    private final Map<String, LayerReduction> layers;

    /**
     * @param settings  the subset
     * @param batchSize images per forward pass
     * @param layers    the layers to record, each with its reduction, in network order
     */
    EpochRecorder(CaptureSettings.Epochs settings, int batchSize, Map<String, LayerReduction> layers) {
        this.settings = settings;
        this.batchSize = batchSize;
        this.layers = layers;
    }

    /**
     * Records every epoch of {@code parameters} into {@code dir}; the record names {@code published}, where the
     * folder is once the stage completes.
     */
    EpochActivations record(StageContext context, MultiLayerNetwork trained, EpochParameters parameters,
                            Split test, LayerOutputs outputs, Path dir, Path published) throws IOException {
        Files.createDirectories(dir);
        int[] rows = SeededRows.uniform(test.size(), settings.images(test.size()), settings.seed());
        int[] labels = IntStream.of(rows).map(test::label).toArray();
        int[] sourceIndex = IntStream.of(rows).map(test::sourceIndex).toArray();
        Npy.writeInts(dir.resolve("test-labels.npy"), labels, labels.length);
        Npy.writeInts(dir.resolve("test-index.npy"), sourceIndex, sourceIndex.length);
        List<Integer> epochs = parameters.epochs();

        int pixels = test.source().pixelsPerImage();
        float[] images = new float[Math.multiplyExact(rows.length, pixels)];
        for (int i = 0; i < rows.length; i++) {
            test.copyScaled(rows[i], images, i * pixels);
        }
        MultiLayerNetwork network = parameters.copyOf(trained);
        Map<String, Npy.FloatWriter> writers = new LinkedHashMap<>();
        Exception failure = null;
        try (INDArray input = Nd4j.create(images, new long[] {rows.length, pixels}, 'c');
             Progress progress = context.progress("per-epoch record", epochs.size())) {
            for (Map.Entry<String, LayerReduction> layer : layers.entrySet()) {
                writers.put(layer.getKey(), Npy.floatWriter(dir.resolve(EpochActivations.fileName(layer.getKey())),
                        epochs.size(), rows.length, layer.getValue().width()));
            }
            for (int epoch : epochs) {
                parameters.setEpoch(network, epoch);
                for (int from = 0; from < rows.length; from += batchSize) {
                    int to = Math.min(rows.length, from + batchSize);
                    INDArray batch = input.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
                    Map<String, float[]> values = outputs.of(network, batch, layers.keySet()).layers();
                    for (Map.Entry<String, float[]> layer : values.entrySet()) {
                        writers.get(layer.getKey()).write(layer.getValue(), 0, layer.getValue().length);
                    }
                }
                progress.advance(1);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            // the copy's parameters are native memory the garbage collector would free only when the heap fills
            network.close();
            Npy.closeAll(writers.values(), failure);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("epochs", epochs);
        info.put("kept-epoch", parameters.keptEpoch());
        info.put("images", rows.length);
        info.put("seed", settings.seed());
        Json.write(dir.resolve(INFO), info);
        return new EpochActivations(published, List.copyOf(layers.keySet()), LayerReduction.widths(layers), layers,
                epochs, parameters.keptEpoch(), labels, sourceIndex);
    }

    /** The record written into {@code dir}, or none where none was written. */
    static EpochActivations restore(Path dir, Map<String, LayerReduction> layers) throws IOException {
        if (!Files.exists(dir.resolve(INFO))) {
            return EpochActivations.none(dir);
        }
        Config info = ConfigFactory.parseFile(dir.resolve(INFO).toFile());
        return new EpochActivations(dir, List.copyOf(layers.keySet()), LayerReduction.widths(layers), layers,
                info.getIntList("epochs"),
                info.getInt("kept-epoch"), Npy.readInts(dir.resolve("test-labels.npy")).values(),
                Npy.readInts(dir.resolve("test-index.npy")).values());
    }
}

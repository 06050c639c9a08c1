package dev.layerscope.cka;

import dev.layerscope.capture.Activations;
import dev.layerscope.capture.SharedRows;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Another run's captured test split, read from its run folder for {@code cka.compare-with}: the layers its capture
 * stage lists in {@code capture/layers.tsv} ({@link Activations#layersIn}, in capture order), each row's
 * position in the test file ({@code capture/test-index.npy}) and each layer's {@code <layer>-test.npy}.
 *
 * @param folder  the run folder as the setting names it
 * @param name    {@code <experiment>/<run folder>}: the names of the folder and of its parent
 * @param layers  its captured layers, in capture order
 * @param testIndex each captured test row's position in the test file
 */
record ComparedRun(Path folder, String name, List<String> layers, int[] testIndex) {

    static final String KEY = "cka.compare-with";
    private static final String TEST = "test";

    /**
     * Reads the run folder's capture, or says with {@link #KEY} what is missing: the folder, its capture, or the
     * captured test split of a layer.
     */
    static ComparedRun read(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new InvalidSetting(KEY, "`" + folder + "` is not a run folder: there is no folder " + absolute);
        }
        Path capture = absolute.resolve("capture");
        Path layersFile = capture.resolve(Activations.LAYERS_FILE);
        if (!Files.isRegularFile(layersFile)) {
            throw new InvalidSetting(KEY, "`" + folder + "` has no captured activations (no " + layersFile
                    + "): name a run whose pipeline had the capture stage");
        }
        try {
            List<String> layers = Activations.layersIn(capture);
            Path index = capture.resolve(TEST + "-index.npy");
            List<String> missing = layers.stream()
                    .filter(layer -> !Files.isRegularFile(capture.resolve(Activations.fileName(layer, TEST))))
                    .toList();
            if (layers.isEmpty() || !Files.isRegularFile(index) || !missing.isEmpty()) {
                throw new InvalidSetting(KEY, "`" + folder + "` has no captured test split (" + (layers.isEmpty()
                        ? "no layers in " + layersFile : !Files.isRegularFile(index) ? "no " + index
                        : "no " + Activations.fileName(missing.getFirst(), TEST) + " in " + capture)
                        + "): name a run whose capture.splits included test");
            }
            Path parent = absolute.getParent();
            String experiment = parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/";
            return new ComparedRun(folder, experiment + absolute.getFileName(), List.copyOf(layers),
                    Npy.readInts(index).values());
        } catch (IOException e) {
            throw new InvalidSetting(KEY, "`" + folder + "`'s capture cannot be read: " + e.getMessage());
        }
    }

    /** One layer's test activations, a row per captured test image. */
    FloatMatrix load(String layer) throws IOException {
        Npy.Floats floats = Npy.readFloats(folder.toAbsolutePath().normalize().resolve("capture")
                .resolve(Activations.fileName(layer, TEST)));
        return new FloatMatrix((int) floats.shape()[0], (int) floats.shape()[1], floats.values());
    }

    /** The test images both runs captured: for each of {@code ours} that this run captured too, the two rows. */
    SharedRows matching(int[] ours) {
        return SharedRows.of(ours, testIndex);
    }
}

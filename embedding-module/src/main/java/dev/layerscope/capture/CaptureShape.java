package dev.layerscope.capture;

import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the capture stage hands on, as far as it is known: the splits it captures, the images it keeps of each, and
 * the layers it captures. The capture stage previews it at planning from its settings, the data's shape and the
 * network's layout, so that later stages check their settings against the points and layers they will get before
 * anything runs; once captured, it is the {@link Activations}' own.
 *
 * @param splits the captured splits, in capture order
 * @param rows   the images kept of each split; a split has none here while the data's shape is not known
 * @param layers the captured layers, in capture order; empty while the network's layers are not known
 * @param choice how the capture chose its layers, for messages; blank when it is not said
 */
public record CaptureShape(List<String> splits, Map<String, Integer> rows, Optional<List<String>> layers,
                           String choice) {

    /** The key under which the capture stage previews the shape at planning. */
    public static final ArtifactKey<CaptureShape> ARTIFACT = ArtifactKey.of("capture-shape", CaptureShape.class);

    public CaptureShape {
        splits = List.copyOf(splits);
        rows = Map.copyOf(rows);
        layers = layers.map(List::copyOf);
    }

    /** The shape the capture stage previewed, or that of the activations it wrote; empty before either exists. */
    public static Optional<CaptureShape> in(Artifacts available) {
        return available.find(ARTIFACT).or(() -> available.find(Activations.ARTIFACT).map(Activations::shape));
    }

    /** The images kept of a split, if it is captured and the data's shape is known. */
    public OptionalInt rows(String split) {
        Integer kept = rows.get(split);
        return kept == null ? OptionalInt.empty() : OptionalInt.of(kept);
    }

    /**
     * A problem with {@code capture.splits} for each split of {@code needed} that is not captured, for a stage
     * that needs it, saying why ({@code why}).
     */
    public List<InvalidSetting> missing(List<String> needed, String why) {
        List<InvalidSetting> problems = new ArrayList<>();
        for (String split : needed) {
            if (!splits.contains(split)) {
                problems.add(new InvalidSetting("capture.splits", why + "; add " + split + " to capture.splits"));
            }
        }
        return problems;
    }

    /** "input, dense1 (capture.layers)": the captured layers and how they were chosen, for messages. */
    public String describeLayers() {
        return String.join(", ", layers.orElse(List.of())) + (choice.isBlank() ? "" : " (" + choice + ")");
    }
}

package dev.layerscope.collapse;

import dev.layerscope.kernel.ArtifactKey;
import java.util.List;

/**
 * What the collapse stage hands on: neural collapse of the measured layer as trained, on the captured training and
 * test splits, and after every epoch on the capture's per-epoch record.
 *
 * @param classes C, the number of classes
 * @param lines   the trained network's measures, the first lines of collapse.csv
 * @param byEpoch the measured layer after each epoch (0 before training to the last), on the per-epoch record's
 *                test images (class means, NC1 to NC3 and NC4 all from them) with the output layer's weights and
 *                bias of that epoch; the lines of collapse.csv after {@code lines}; empty without a record
 */
public record CollapseResults(int classes, List<Line> lines, List<Line> byEpoch) {

    public static final ArtifactKey<CollapseResults> ARTIFACT = ArtifactKey.of("collapse", CollapseResults.class);

    public CollapseResults {
        lines = List.copyOf(lines);
        byEpoch = List.copyOf(byEpoch);
    }

    /** The trained network's measures alone, without a per-epoch record. */
    public CollapseResults(int classes, List<Line> lines) {
        this(classes, lines, List.of());
    }

    /** The cosine NC2's mean cosine approaches: {@code -1/(C - 1)}. */
    public double equiangularCosine() {
        return NeuralCollapse.equiangularCosine(classes);
    }

    /**
     * One layer at one epoch.
     *
     * @param layer    the layer measured ({@code input} for the pixels)
     * @param epoch    the epoch after which the network was measured (1-based; 0 before training)
     * @param width    values per image of the layer
     * @param measures NC1 to NC4
     */
    public record Line(String layer, int epoch, int width, NeuralCollapse.Measures measures) {
    }
}

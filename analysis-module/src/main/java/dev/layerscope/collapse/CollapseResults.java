package dev.layerscope.collapse;

import dev.layerscope.kernel.ArtifactKey;
import java.util.List;

/**
 * What the collapse stage hands on: neural collapse of the measured layer, one line per layer and epoch measured
 * (today the trained network's last epoch).
 *
 * @param classes C, the number of classes
 * @param lines   the measures, in the order of collapse.csv
 */
public record CollapseResults(int classes, List<Line> lines) {

    public static final ArtifactKey<CollapseResults> ARTIFACT = ArtifactKey.of("collapse", CollapseResults.class);

    public CollapseResults {
        lines = List.copyOf(lines);
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

package dev.layerscope.report.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The numbers of the report's "Layers" section, gathered from the scorecard's stages (each part empty or NaN when
 * its stage did not run): what {@link LayerFindings} states in words.
 *
 * @param rows       one per captured layer, in capture order ({@code input} first, then network order)
 * @param settling   per hidden layer, in network order: its CKA with its own final state after each epoch, as
 *                   {@code (epoch, cka)} points
 * @param collapse   neural collapse of the penultimate layer, when measured
 * @param dimensionsByEpoch per recorded layer, in network order: its intrinsic dimension after each epoch (0 before
 *                   training), as {@code (epoch, id)} points; empty without a per-epoch record
 */
public record LayerScorecard(List<Row> rows, Map<String, double[][]> settling, Optional<Collapse> collapse,
                             Map<String, double[][]> dimensionsByEpoch) {

    public LayerScorecard {
        rows = List.copyOf(rows);
        settling = new LinkedHashMap<>(settling);
        dimensionsByEpoch = new LinkedHashMap<>(dimensionsByEpoch);
    }

    /** A scorecard without per-epoch dimensions. */
    public LayerScorecard(List<Row> rows, Map<String, double[][]> settling, Optional<Collapse> collapse) {
        this(rows, settling, collapse, Map.of());
    }

    /**
     * One layer.
     *
     * @param knn        kNN accuracy (the largest k) of the test split in the layer itself; NaN when not scored
     * @param probe      the linear probe's test accuracy; NaN when not probed
     * @param dimension  the TwoNN intrinsic dimension; NaN when not estimated
     * @param bestMap    the 2-D map whose kNN accuracy is highest, empty when none was scored
     * @param bestMapKnn that map's kNN accuracy (the same k)
     */
    public record Row(String layer, int width, double knn, double probe, double dimension, String bestMap,
                      double bestMapKnn) {
    }

    /**
     * Neural collapse of one layer.
     *
     * @param nc1ByEpoch      {@code (epoch, NC1)} points, in epoch order; the last is the trained network's
     * @param cosineMean      NC2: the mean cosine between centred class means at the last epoch
     * @param equiangular     the cosine of a simplex equiangular frame, {@code -1/(C-1)}
     * @param nearestMeanAgreement NC4: the share of test images on which the nearest class mean agrees with the
     *                        network
     * @param nc1Images       the images {@code nc1ByEpoch} was measured on, for the sentence (e.g. "the per-epoch
     *                        record's 2,000 test images"); empty for the training split, as the table's NC1
     */
    public record Collapse(String layer, double[][] nc1ByEpoch, double cosineMean, double equiangular,
                           double nearestMeanAgreement, String nc1Images) {

        /** NC1 by epoch on the training split, as the collapse table's. */
        public Collapse(String layer, double[][] nc1ByEpoch, double cosineMean, double equiangular,
                        double nearestMeanAgreement) {
            this(layer, nc1ByEpoch, cosineMean, equiangular, nearestMeanAgreement, "");
        }
    }
}

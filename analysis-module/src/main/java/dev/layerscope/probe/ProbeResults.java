package dev.layerscope.probe;

import dev.layerscope.kernel.ArtifactKey;
import java.util.Comparator;
import java.util.List;

/**
 * What the probe stage hands on: per probed layer, a linear probe's accuracy on the test split, the strength picked
 * for it and how each strength did on the validation split. The layer names are the capture's, as in the knn
 * stage's results, so that a layer's probe and its kNN accuracy can stand side by side.
 *
 * @param epoch  the epochs the probed network was trained, as the train stage's history records them (its last
 *               epoch; 0 when a train stage of one's own hands on no history)
 * @param layers one per probed layer, in the order probed
 * @param byEpoch per layer of the capture's per-epoch record that was probed, and per epoch recorded (0 before
 *                training to the last): a probe with the strength the layer's final probe chose, fitted on a seeded
 *                half of the record's images and scored on the other half; empty without a record
 */
public record ProbeResults(int epoch, List<LayerProbe> layers, List<EpochProbe> byEpoch) {

    /** The split name of the per-epoch probes' scores in probes.csv: the record's images they were not fitted on. */
    public static final String RECORD_HELD_OUT = "record-held-out";

    public static final ArtifactKey<ProbeResults> ARTIFACT = ArtifactKey.of("probes", ProbeResults.class);

    public ProbeResults {
        layers = List.copyOf(layers);
        byEpoch = List.copyOf(byEpoch);
    }

    /** The trained network's probes alone, without a per-epoch record. */
    public ProbeResults(int epoch, List<LayerProbe> layers) {
        this(epoch, layers, List.of());
    }

    /** How {@code layer}'s probe accuracy moves: {@code (epoch, accuracy)} points in epoch order; empty if none. */
    public double[][] byEpoch(String layer) {
        return byEpoch.stream().filter(p -> p.layer().equals(layer)).sorted(Comparator.comparingInt(EpochProbe::epoch))
                .map(p -> new double[] {p.epoch(), p.heldOut().accuracy()}).toArray(double[][]::new);
    }

    /** The layers probed per epoch, in record order. */
    public List<String> epochLayers() {
        return byEpoch.stream().map(EpochProbe::layer).distinct().toList();
    }

    /**
     * One layer's probe after one epoch, on the per-epoch record.
     *
     * @param strength   the strength the layer's final probe chose
     * @param heldOut    its score on the record's images it was not fitted on
     * @param iterations the L-BFGS iterations its fit took
     * @param converged  whether the fit met {@code probe.logistic.tolerance}
     */
    public record EpochProbe(String layer, int dimensions, int epoch, double strength, Score heldOut,
                             int iterations, boolean converged) {
    }

    /**
     * Rows of one split predicted right.
     *
     * @param correct the rows predicted right
     * @param points  the rows scored; 0 where the split was not scored
     */
    public record Score(int correct, int points) {

        public Score {
            if (correct < 0 || correct > points) {
                throw new IllegalArgumentException(correct + " right of " + points + " rows");
            }
        }

        /** Not scored: the split was not captured, or holds no rows. */
        public static final Score NONE = new Score(0, 0);

        /** The share of rows predicted right; NaN when none were scored. */
        public double accuracy() {
            return points == 0 ? Double.NaN : (double) correct / points;
        }
    }

    /**
     * One strength's probe of a layer.
     *
     * @param strength   its L2 penalty
     * @param validation its score on the validation split ({@link Score#NONE} when that is not captured or empty)
     * @param iterations the L-BFGS iterations its fit took
     * @param converged  whether the fit met {@code probe.logistic.tolerance}
     */
    public record Fit(double strength, Score validation, int iterations, boolean converged) {
    }

    /**
     * The probes of one layer.
     *
     * @param layer      the captured layer ({@code input} for the raw pixels)
     * @param dimensions the layer's width: the probe's features
     * @param fits       one per strength, in the order of {@code probe.logistic.strengths}
     * @param chosen     the index in {@code fits} of the strength picked: the best on the validation split, the
     *                   strongest among equals; 0 for a single strength
     * @param train      the chosen probe on the training rows it was fitted on
     * @param test       the chosen probe on the test split
     */
    public record LayerProbe(String layer, int dimensions, List<Fit> fits, int chosen, Score train, Score test) {

        public LayerProbe {
            fits = List.copyOf(fits);
            if (chosen < 0 || chosen >= fits.size()) {
                throw new IllegalArgumentException("strength " + chosen + " chosen of " + fits.size());
            }
        }

        /** The fit chosen. */
        public Fit chosenFit() {
            return fits.get(chosen);
        }
    }
}

package dev.layerscope.cka;

import dev.layerscope.kernel.ArtifactKey;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the cka stage hands on: the linear CKA of every ordered pair of layers of this run, then of every layer of
 * this run with every layer of each run in {@code cka.compare-with}; and how each layer of the capture's per-epoch
 * record settles: its CKA after each epoch before the last with itself after the last, on the record's images.
 *
 * @param run          this run's name, {@code <experiment>/<run folder>}: the run that computed the stage (a later
 *                     run that reuses the stage hands on the same results, names included)
 * @param similarities one per ordered pair of layers, as {@code cka.csv} lists them
 * @param settling     one per layer of the per-epoch record and epoch before the last: run A = run B = this run,
 *                     layer A = layer B, {@code epoch} the earlier epoch, compared with the last epoch recorded, on
 *                     the record's images ({@code n}); empty when the capture kept no per-epoch record
 */
public record CkaResults(String run, List<Similarity> similarities, List<Similarity> settling) {

    public static final ArtifactKey<CkaResults> ARTIFACT = ArtifactKey.of("cka", CkaResults.class);

    public CkaResults {
        similarities = List.copyOf(similarities);
        settling = List.copyOf(settling);
    }

    /** Every row of {@code cka.csv}: the similarities, then the settling rows. */
    public List<Similarity> rows() {
        return Stream.concat(similarities.stream(), settling.stream()).toList();
    }

    /**
     * How {@code layer} settles: its {@code (epoch, CKA with its state after the last epoch recorded)} points, in
     * epoch order; empty when it is not in the per-epoch record.
     */
    public double[][] settling(String layer) {
        return settling.stream().filter(s -> s.layerA().equals(layer)).sorted(Comparator
                .comparingInt(Similarity::epoch)).map(s -> new double[] {s.epoch(), s.cka()})
                .toArray(double[][]::new);
    }

    /** The layers of the per-epoch record whose settling was measured, in record order. */
    public List<String> settlingLayers() {
        return settling.stream().map(Similarity::layerA).distinct().toList();
    }

    /**
     * The CKA of one layer of run A with one layer of run B, on the same n test images.
     *
     * @param runA      {@code <experiment>/<run folder>}; always this run
     * @param runB      this run, or one in {@code cka.compare-with}
     * @param epoch     the epoch of run A's network whose activations were compared: its last trained epoch, or for a
     *                  settling row the earlier epoch compared with the last
     * @param cka       NaN when either layer is constant on the images
     * @param estimator how HSIC was estimated
     * @param n         the test images compared
     */
    public record Similarity(String runA, String layerA, String runB, String layerB, int epoch, double cka,
                             Cka.Estimator estimator, int n) {
    }

    /** The CKA of {@code layerA} of this run with {@code layerB} of {@code runB}, if it was computed. */
    public Optional<Double> between(String layerA, String runB, String layerB) {
        return similarities.stream().filter(s -> s.layerA().equals(layerA) && s.runB().equals(runB)
                && s.layerB().equals(layerB)).map(Similarity::cka).findFirst();
    }
}

package dev.layerscope.cka;

import dev.layerscope.kernel.ArtifactKey;
import java.util.List;
import java.util.Optional;

/**
 * What the cka stage hands on: the linear CKA of every ordered pair of layers of this run, then of every layer of
 * this run with every layer of each run in {@code cka.compare-with}.
 *
 * @param run          this run's name, {@code <experiment>/<run folder>}: the run that computed the stage (a later
 *                     run that reuses the stage hands on the same results, names included)
 * @param similarities one per ordered pair of layers, as {@code cka.csv} lists them
 */
public record CkaResults(String run, List<Similarity> similarities) {

    public static final ArtifactKey<CkaResults> ARTIFACT = ArtifactKey.of("cka", CkaResults.class);

    public CkaResults {
        similarities = List.copyOf(similarities);
    }

    /**
     * The CKA of one layer of run A with one layer of run B, on the same n test images.
     *
     * @param runA      {@code <experiment>/<run folder>}; always this run
     * @param runB      this run, or one in {@code cka.compare-with}
     * @param epoch     the epoch of run A's network whose activations were compared: its last trained epoch
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

package dev.layerscope.cka;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code cka} section. Defaults are in analysis-module's reference.conf.
 *
 * @param layers      captured layers of this run to compare; empty means every captured one
 * @param subset      the test images measured, a seeded subset of those captured: when absent, {@link #DEFAULT_SUBSET}
 *                    or all of them when the capture keeps fewer; when given, exactly that many, and more than the
 *                    capture keeps is an error
 * @param seed        draws the subset
 * @param estimator   how HSIC is estimated
 * @param compareWith run folders ({@code runs/<experiment>/<run>}) whose captured layers are compared with this
 *                    run's on the test images both captured
 */
@Settings("cka")
public record CkaSettings(List<String> layers, @Range(min = 4) Optional<Integer> subset, long seed,
                          Cka.Estimator estimator, List<Path> compareWith) {

    /**
     * The subset when none is given: half the default test split. On the default MLP the CKA of its layers from
     * 5,000 test images is within 0.003 of that from all 10,000.
     */
    public static final int DEFAULT_SUBSET = 5000;

    public CkaSettings {
        layers = List.copyOf(layers);
        compareWith = List.copyOf(compareWith);
        if (layers.stream().distinct().count() != layers.size()) {
            throw new InvalidSetting("layers", "names a layer twice: " + layers);
        }
        if (compareWith.stream().map(folder -> folder.toAbsolutePath().normalize()).distinct().count()
                != compareWith.size()) {
            throw new InvalidSetting("compare-with", "names a run folder twice: " + compareWith);
        }
    }

    /** The images measured out of {@code captured} test images. */
    public int size(int captured) {
        return subset.orElse(Math.min(DEFAULT_SUBSET, captured));
    }
}

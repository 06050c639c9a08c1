package dev.layerscope.intrinsic;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import dev.layerscope.neighbors.NeighborSearch;
import java.util.List;
import java.util.Optional;

/**
 * The {@code intrinsic} section. Defaults are in analysis-module's reference.conf.
 *
 * @param layers  captured layers to estimate; empty means every captured one, the input included
 * @param subset  the test images estimated from, a seeded subset of those captured: when absent,
 *                {@link #DEFAULT_SUBSET} or all of them when the capture keeps fewer; when given, exactly that many,
 *                and more than the capture keeps is an error
 * @param seed    draws the subset
 * @param twoNn   TwoNN's options, which {@link TwoNn#estimate} takes as they are
 * @param threads CPU threads of the neighbour search; 0 takes every core the machine has
 * @param search  the neighbour search: exact up to its hand-over, approximate above ({@link NeighborSearch})
 */
@Settings("intrinsic")
public record IntrinsicSettings(List<String> layers, @Range(min = 3) Optional<Integer> subset, long seed,
                                TwoNn.Options twoNn, @Range(min = 0, max = 1024) int threads,
                                NeighborSearch.Options search) {

    /**
     * The subset when none is given: CKA's (with the same seed, the same images), one size for every experiment whose
     * test split is larger. TwoNN grows with n: on the default MLP the estimates from 5,000 test images are 4 to 9%
     * below those from all 10,000 (input 14.96 / 15.68, dense1 9.48 / 9.88, dense2 6.46 / 7.07), so estimates
     * compare at equal n only, which intrinsic_dimension.csv states.
     */
    public static final int DEFAULT_SUBSET = 5000;

    public IntrinsicSettings {
        layers = List.copyOf(layers);
        if (layers.stream().distinct().count() != layers.size()) {
            throw new InvalidSetting("layers", "names a layer twice: " + layers);
        }
    }

    /** The images estimated from out of {@code captured} test images. */
    public int size(int captured) {
        return subset.orElse(Math.min(DEFAULT_SUBSET, captured));
    }

    /** The threads to use: {@code threads}, or every core when it is 0. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}

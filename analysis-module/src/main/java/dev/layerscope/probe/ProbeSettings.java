package dev.layerscope.probe;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.util.List;

/**
 * The {@code probe} section: which captured layers get a linear probe, and the probe's own settings. Defaults are
 * in analysis-module's reference.conf.
 *
 * @param layers   captured layers to probe ({@code input} is the raw pixels); empty means every captured one
 * @param logistic the multinomial logistic regression, which {@link LinearProbe#fit} takes as it is
 * @param threads  CPU threads; 0 takes every core the machine has
 * @param seed     draws the half of the capture's per-epoch record that the per-epoch probes fit on (the other half
 *                 scores them)
 */
@Settings("probe")
public record ProbeSettings(List<String> layers, LinearProbe.Options logistic,
                            @Range(min = 0, max = 1024) int threads, long seed) {

    public ProbeSettings {
        layers = List.copyOf(layers);
        if (layers.stream().distinct().count() != layers.size()) {
            throw new InvalidSetting("layers", "names a layer twice: " + layers);
        }
    }

    /** The threads to use: {@code threads}, or every core when it is 0. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** Whether the strength is picked among several, on the validation split. */
    public boolean picksStrength() {
        return logistic.strengths().size() > 1;
    }
}

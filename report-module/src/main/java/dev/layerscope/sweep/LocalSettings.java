package dev.layerscope.sweep;

import dev.layerscope.kernel.InvalidSetting;
import java.util.OptionalInt;

/**
 * The local engine's settings, the sweep file's {@code local { ... }}.
 *
 * @param parallel at most this many points at once: {@code auto} (as many as the machine's cores and memory hold for
 *                 the points' {@code runtime}), or a whole number of at least 1
 */
public record LocalSettings(String parallel) {

    public static final String AUTO = "auto";

    public LocalSettings {
        if (parallel == null || !(parallel.equals(AUTO) || parallel.matches("[1-9][0-9]{0,5}"))) {
            throw new InvalidSetting("parallel", "`" + parallel + "` is neither `" + AUTO
                    + "` nor a whole number of at least 1; write parallel = auto, or e.g. parallel = 2");
        }
    }

    /** The number of points at once the sweep file fixes, or empty for {@code auto}. */
    public OptionalInt fixed() {
        return parallel.equals(AUTO) ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(parallel));
    }
}

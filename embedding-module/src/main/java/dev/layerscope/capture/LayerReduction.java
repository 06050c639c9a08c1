package dev.layerscope.capture;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the capture did to a layer's values: kept them whole, or projected them to fewer ({@link RandomProjection}).
 * Later stages read a projected layer as any other, {@link #width()} values per image; this says what those are.
 *
 * @param layerWidth the layer's own values per image (-1 where not known yet, at planning)
 * @param projection the random projection the values went through; empty when captured whole
 */
public record LayerReduction(long layerWidth, Optional<RandomProjection.Options> projection) {

    /** The layer captured as it is. */
    public static LayerReduction whole(long layerWidth) {
        return new LayerReduction(layerWidth, Optional.empty());
    }

    /** The layer captured through the random projection {@code options}. */
    public static LayerReduction projected(long layerWidth, RandomProjection.Options options) {
        return new LayerReduction(layerWidth, Optional.of(options));
    }

    /** The values per image captured. */
    public int width() {
        return projection.map(RandomProjection.Options::width).orElseGet(() -> Math.toIntExact(layerWidth));
    }

    /** Each layer's width as captured, in the order of {@code reductions}. */
    public static Map<String, Integer> widths(Map<String, LayerReduction> reductions) {
        Map<String, Integer> widths = new LinkedHashMap<>();
        reductions.forEach((layer, reduction) -> widths.put(layer, reduction.width()));
        return widths;
    }

    public boolean projected() {
        return projection.isPresent();
    }

    /** {@code full width} or {@code random projection 21,632 -> 1,024, seed 7}: for logs, tables and reports. */
    public String describe() {
        return projection.map(options -> String.format(Locale.ROOT, "random projection %,d -> %,d, seed %d",
                layerWidth, options.width(), options.seed())).orElse("full width");
    }
}

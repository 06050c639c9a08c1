package dev.layerscope.reduce;

import java.util.List;
import java.util.Locale;

/**
 * A method as the reduce stage runs it. {@link #of} is the one place that says, for each
 * {@link ReduceSettings.Method}, which {@link Reducer} fits its maps, which settings block its maps depend on, and
 * whether it may map the test split on its own: t-SNE and TriMAP may, as {@code reduce.test-placement} asks; PCA and
 * UMAP always transform it. A new method is a new line there.
 *
 * @param name      the method's name in settings, file names and records ({@code tsne})
 * @param reducer   what fits its maps
 * @param settings  the settings its maps depend on ({@code ""} when it has none)
 * @param placement how its test split gets its 2-D points
 */
record ReduceMethod(String name, Reducer reducer, Object settings, ReduceSettings.Placement placement) {

    /** Every method the settings choose, in their order. */
    static List<ReduceMethod> chosen(ReduceSettings settings) {
        return settings.methods().stream().map(method -> of(method, settings)).toList();
    }

    static ReduceMethod of(ReduceSettings.Method method, ReduceSettings settings) {
        return switch (method) {
            case PCA -> with(method, new PcaReducer(), "", false, settings);
            case TSNE -> with(method, new TsneReducer(settings.tsne()), settings.tsne(), true, settings);
            case UMAP -> with(method, new UmapReducer(settings.umap()), settings.umap(), false, settings);
            case TRIMAP -> with(method, new TrimapReducer(settings.trimap()), settings.trimap(), true, settings);
        };
    }

    private static ReduceMethod with(ReduceSettings.Method method, Reducer reducer, Object methodSettings,
                                     boolean mayFitTestAlone, ReduceSettings settings) {
        return new ReduceMethod(method.name().toLowerCase(Locale.ROOT), reducer, methodSettings,
                mayFitTestAlone ? settings.testPlacement() : ReduceSettings.Placement.TRANSFORM);
    }

    /** Whether the test split is fitted on its own rather than placed into the map of the training split. */
    boolean separate() {
        return placement == ReduceSettings.Placement.SEPARATE;
    }
}

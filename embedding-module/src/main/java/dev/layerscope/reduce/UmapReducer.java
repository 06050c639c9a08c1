package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.umap.Umap;
import java.util.Map;

/** UMAP; the test split is placed by umap-learn's transform. */
final class UmapReducer implements Reducer {

    private final ReduceSettings.Umap settings;

    UmapReducer(ReduceSettings.Umap settings) {
        this.settings = settings;
    }

    private Umap.Options options(int threads) {
        return new Umap.Options(settings.neighbors(), settings.minDist(), settings.spread(), settings.epochs(),
                settings.learningRate(), settings.negativeSampleRate(), settings.repulsionStrength(),
                settings.localConnectivity(), settings.seed(), threads);
    }

    @Override
    public int neighbors(int n) {
        return Math.min(settings.neighbors(), n - 1);
    }

    @Override
    public void check(int n) {
        try {
            Umap.checkSize(options(1), n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reduce.umap: " + e.getMessage(), e);
        }
    }

    @Override
    public Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel) {
        Umap umap = Umap.fit(rows, graph, options(parallel.threads()));
        return new Fitted() {
            @Override
            public FloatMatrix embedding() {
                return umap.embedding();
            }

            @Override
            public FloatMatrix transform(FloatMatrix newRows, NeighborGraph toFitted, Parallel ignored) {
                return umap.transform(toFitted);
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("a", umap.a(), "b", umap.b(), "epochs", umap.options().epochs());
            }
        };
    }
}

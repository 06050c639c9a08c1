package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.umap.Umap;
import java.util.Map;

/** UMAP; the test split is placed by umap-learn's transform. */
final class UmapReducer implements Reducer {

    private final Umap.Options options;

    UmapReducer(Umap.Options options) {
        this.options = options;
    }

    @Override
    public int neighbors(int n) {
        return Math.min(options.neighbors(), n - 1);
    }

    @Override
    public void check(int n) {
        options.checkSize(n);
    }

    @Override
    public Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel) {
        Umap umap = Umap.fit(rows, graph, options, parallel);
        return new Fitted() {
            @Override
            public FloatMatrix embedding() {
                return umap.embedding();
            }

            @Override
            public FloatMatrix transform(FloatMatrix newRows, NeighborGraph toFitted, Parallel threads) {
                return umap.transform(toFitted, threads);
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("a", umap.a(), "b", umap.b(), "epochs", umap.options().epochs());
            }
        };
    }
}

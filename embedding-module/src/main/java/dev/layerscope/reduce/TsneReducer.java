package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.tsne.TSne;
import java.util.Map;

/** Barnes-Hut t-SNE; test points are placed openTSNE's way into the fixed training map, or mapped on their own. */
final class TsneReducer implements Reducer {

    private final TSne.Options options;

    TsneReducer(TSne.Options options) {
        this.options = options;
    }

    @Override
    public int neighbors(int n) {
        return (int) Math.min(n - 1, Math.ceil(3 * Math.max(options.perplexity(), options.transform().perplexity())));
    }

    @Override
    public void check(int n) {
        options.checkSize(n);
    }

    @Override
    public Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel) {
        TSne tsne = TSne.fit(rows, graph, options, parallel);
        return new Fitted() {
            @Override
            public FloatMatrix embedding() {
                return tsne.embedding();
            }

            @Override
            public FloatMatrix transform(FloatMatrix newRows, NeighborGraph toFitted, Parallel threads) {
                return tsne.transform(toFitted, threads);
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("kl-divergence", tsne.klDivergence());
            }
        };
    }
}

package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.trimap.TriMap;
import java.util.Map;

/** TriMAP; test points are placed by optimising them against the fixed training map, or mapped on their own. */
final class TrimapReducer implements Reducer {

    private final TriMap.Options options;

    TrimapReducer(TriMap.Options options) {
        this.options = options;
    }

    @Override
    public int neighbors(int n) {
        return TriMap.neighborsNeeded(options, n);
    }

    @Override
    public void check(int n) {
        options.checkSize(n);
    }

    @Override
    public Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel) {
        TriMap trimap = TriMap.fit(rows, graph, options, parallel);
        return new Fitted() {
            @Override
            public FloatMatrix embedding() {
                return trimap.embedding();
            }

            @Override
            public FloatMatrix transform(FloatMatrix newRows, NeighborGraph toFitted, Parallel threads) {
                return trimap.transform(newRows, toFitted, threads);
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("loss", trimap.loss());
            }
        };
    }
}

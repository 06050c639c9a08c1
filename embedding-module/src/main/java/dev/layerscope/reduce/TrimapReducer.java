package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.trimap.TriMap;
import java.util.Map;

/** TriMAP; test points are placed by optimising them against the fixed training map, or mapped on their own. */
final class TrimapReducer implements Reducer {

    private final ReduceSettings.Trimap settings;

    TrimapReducer(ReduceSettings.Trimap settings) {
        this.settings = settings;
    }

    private TriMap.Options options(int threads) {
        return new TriMap.Options(settings.inliers(), settings.outliers(), settings.random(),
                settings.weightTemperature(), settings.learningRate(), settings.iterations(),
                settings.pcaDimensions(), settings.seed(), threads);
    }

    @Override
    public int neighbors(int n) {
        return TriMap.neighborsNeeded(options(1), n);
    }

    @Override
    public void check(int n) {
        try {
            TriMap.checkSize(options(1), n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reduce.trimap: " + e.getMessage(), e);
        }
    }

    @Override
    public Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel) {
        TriMap trimap = TriMap.fit(rows, graph, options(parallel.threads()));
        return new Fitted() {
            @Override
            public FloatMatrix embedding() {
                return trimap.embedding();
            }

            @Override
            public FloatMatrix transform(FloatMatrix newRows, NeighborGraph toFitted, Parallel ignored) {
                return trimap.transform(newRows, toFitted);
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("loss", trimap.loss());
            }
        };
    }
}

package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.pca.Pca;
import java.util.Arrays;
import java.util.Map;

/** The first two principal components. */
final class PcaReducer implements Reducer {

    @Override
    public int neighbors(int n) {
        return 0;
    }

    @Override
    public void check(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 points, the split has " + n);
        }
    }

    @Override
    public Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel) {
        Pca pca = Pca.fit(rows, 2, parallel);
        FloatMatrix embedding = pca.transform(rows, parallel);
        return new Fitted() {
            @Override
            public FloatMatrix embedding() {
                return embedding;
            }

            @Override
            public FloatMatrix transform(FloatMatrix newRows, NeighborGraph toFitted, Parallel parallel) {
                return pca.transform(newRows, parallel);
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("explained-variance-ratio", Arrays.stream(pca.explainedVarianceRatio()).boxed()
                        .toList());
            }
        };
    }
}

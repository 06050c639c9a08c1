package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import dev.layerscope.reduce.tsne.TSne;
import java.util.Map;

/** Barnes-Hut t-SNE; test points are placed openTSNE's way into the fixed training map, or mapped on their own. */
final class TsneReducer implements Reducer {

    private final ReduceSettings.Tsne settings;

    TsneReducer(ReduceSettings.Tsne settings) {
        this.settings = settings;
    }

    private TSne.Options options(int threads) {
        return new TSne.Options(settings.perplexity(), settings.iterations(), settings.earlyExaggeration(),
                settings.exaggerationIterations(), settings.learningRate(), settings.theta(), settings.seed(),
                threads);
    }

    @Override
    public int neighbors(int n) {
        return (int) Math.min(n - 1, Math.ceil(3 * Math.max(settings.perplexity(),
                settings.transform().perplexity())));
    }

    @Override
    public void check(int n) {
        try {
            TSne.checkSize(settings.perplexity(), n);
            TSne.checkSize(settings.transform().perplexity(), n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reduce.tsne: " + e.getMessage(), e);
        }
    }

    @Override
    public Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel) {
        TSne tsne = TSne.fit(rows, graph, options(parallel.threads()));
        return new Fitted() {
            @Override
            public FloatMatrix embedding() {
                return tsne.embedding();
            }

            @Override
            public FloatMatrix transform(FloatMatrix newRows, NeighborGraph toFitted, Parallel threads) {
                TSne.TransformOptions defaults = TSne.TransformOptions.defaults();
                return tsne.transform(toFitted, new TSne.TransformOptions(settings.transform().perplexity(),
                        settings.transform().iterations(), defaults.learningRate(), defaults.exaggeration(),
                        defaults.momentum(), defaults.maxGradientNorm(), settings.theta(), threads.threads()));
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("kl-divergence", tsne.klDivergence());
            }
        };
    }
}

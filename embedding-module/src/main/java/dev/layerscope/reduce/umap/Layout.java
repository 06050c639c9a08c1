package dev.layerscope.reduce.umap;

import dev.layerscope.linalg.Parallel;

/**
 * umap-learn's {@code optimize_layout_euclidean} in two dimensions: per epoch, every edge due is sampled, pulling
 * its head towards its tail (gradient clipped at 4), followed by negative samples pushing the head away from
 * uniformly drawn vertices; the learning rate decays linearly.
 *
 * <p>umap-learn parallelises this Hogwild-style: threads race on shared positions, so its parallel result depends
 * on scheduling. Here the work is split by head vertex instead, and each thread writes only the positions of its
 * own head vertices. Every other position is read from {@code tail}: in a fit, a copy of the embedding taken at
 * the start of the epoch; in a transform, the fixed training embedding. Negative samples come from a counter-based
 * generator keyed by (seed, epoch, edge). No value then depends on which thread handles which vertex, or when, so
 * the result is the same for any number of threads, not only for the same number.
 *
 * <p>In a fit umap-learn also moves the tail of each sampled edge ({@code move_other}). The graph is symmetric,
 * with equal weights (hence equal sampling epochs) both ways, so the tail's own row samples the reverse edge in the
 * same epoch; here that row's head takes both halves of the pull at once ({@code attraction = 2}) instead of being
 * written by another thread. The balance of attraction to repulsion is umap-learn's.
 */
final class Layout {

    private static final double CLIP = 4;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final float[] head;
    private final float[] tail;
    private final boolean tailIsSnapshot;
    private final int[] offsets;
    private final int[] columns;
    private final double[] epochsPerSample;
    private final double[] epochsPerNegativeSample;
    private final double[] nextSample;
    private final double[] nextNegativeSample;
    private final int tailVertices;
    private final double a;
    private final double b;
    private final double gamma;
    private final double attraction;
    private final long seed;
    private final double initialAlpha;
    private final int[] chunkStarts;
    private int epoch;
    private double alpha;

    private Layout(float[] head, float[] tail, boolean tailIsSnapshot, SparseGraph graph, int epochs,
                   Umap.Options options, double a, double b, double initialAlpha, int chunks) {
        this.head = head;
        this.tail = tail;
        this.tailIsSnapshot = tailIsSnapshot;
        this.offsets = graph.offsets();
        this.columns = graph.columns();
        this.epochsPerSample = graph.epochsPerSample(epochs);
        this.nextSample = epochsPerSample.clone();
        this.epochsPerNegativeSample = new double[epochsPerSample.length];
        for (int e = 0; e < epochsPerSample.length; e++) {
            epochsPerNegativeSample[e] = epochsPerSample[e] / options.negativeSampleRate();
        }
        this.nextNegativeSample = epochsPerNegativeSample.clone();
        this.tailVertices = tail.length / 2;
        this.a = a;
        this.b = b;
        this.gamma = options.repulsionStrength();
        this.attraction = tailIsSnapshot ? 2 : 1;
        this.seed = options.seed();
        this.initialAlpha = initialAlpha;
        this.alpha = initialAlpha;
        this.chunkStarts = balancedChunks(offsets, chunks);
    }

    /** Optimises {@code embedding} (n x 2, row-major) in place against itself, as a fit does. */
    static void optimizeFit(float[] embedding, SparseGraph graph, int epochs, Umap.Options options, double a,
                            double b, Parallel parallel) {
        new Layout(embedding, new float[embedding.length], true, graph, epochs, options, a, b,
                options.learningRate(), parallel.threads()).run(epochs, parallel);
    }

    /**
     * Optimises the new points' {@code embedding} in place against the fixed {@code train} embedding; the graph's
     * rows are new points, its columns training points.
     */
    static void optimizeTransform(float[] embedding, float[] train, SparseGraph graph, int epochs,
                                  Umap.Options options, double a, double b, Parallel parallel) {
        new Layout(embedding, train, false, graph, epochs, options, a, b, options.learningRate() / 4,
                parallel.threads()).run(epochs, parallel);
    }

    private void run(int epochs, Parallel parallel) {
        Parallel.RangeBody body = this::optimizeChunks;
        for (int n = 0; n < epochs; n++) {
            if (tailIsSnapshot) {
                System.arraycopy(head, 0, tail, 0, head.length);
            }
            epoch = n;
            parallel.forRange(chunkStarts.length - 1, body);
            alpha = initialAlpha * (1 - (double) n / epochs);
        }
    }

    /** Chunk boundaries (vertex indices) holding about equal numbers of edges. */
    private static int[] balancedChunks(int[] offsets, int chunks) {
        int n = offsets.length - 1;
        int[] starts = new int[chunks + 1];
        int vertex = 0;
        for (int c = 1; c < chunks; c++) {
            long wanted = (long) offsets[n] * c / chunks;
            while (vertex < n && offsets[vertex] < wanted) {
                vertex++;
            }
            starts[c] = vertex;
        }
        starts[chunks] = n;
        return starts;
    }

    private void optimizeChunks(int firstChunk, int endChunk) {
        for (int chunk = firstChunk; chunk < endChunk; chunk++) {
            for (int j = chunkStarts[chunk]; j < chunkStarts[chunk + 1]; j++) {
                optimizeVertex(j);
            }
        }
    }

    private void optimizeVertex(int j) {
        double n = epoch;
        float cx = head[2 * j];
        float cy = head[2 * j + 1];
        for (int e = offsets[j]; e < offsets[j + 1]; e++) {
            if (nextSample[e] > n) {
                continue;
            }
            int k = columns[e];
            float dx = cx - tail[2 * k];
            float dy = cy - tail[2 * k + 1];
            double distanceSquared = dx * dx + dy * dy;
            if (distanceSquared > 0) {
                double powB = Math.pow(distanceSquared, b);
                double coefficient = -2 * a * b * (powB / distanceSquared) / (a * powB + 1);
                cx += (float) (attraction * clip(coefficient * dx) * alpha);
                cy += (float) (attraction * clip(coefficient * dy) * alpha);
            }
            nextSample[e] += epochsPerSample[e];
            int negativeSamples = (int) ((n - nextNegativeSample[e]) / epochsPerNegativeSample[e]);
            long state = seed ^ (epoch * GOLDEN) ^ ((long) e * 0xC2B2AE3D27D4EB4FL);
            for (int p = 0; p < negativeSamples; p++) {
                state += GOLDEN;
                int other = (int) (((mix(state) >>> 32) * tailVertices) >>> 32);
                if (tailIsSnapshot && other == j) {
                    continue;
                }
                dx = cx - tail[2 * other];
                dy = cy - tail[2 * other + 1];
                distanceSquared = dx * dx + dy * dy;
                if (distanceSquared > 0) {
                    double coefficient = 2 * gamma * b
                            / ((0.001 + distanceSquared) * (a * Math.pow(distanceSquared, b) + 1));
                    cx += (float) (clip(coefficient * dx) * alpha);
                    cy += (float) (clip(coefficient * dy) * alpha);
                }
            }
            nextNegativeSample[e] += negativeSamples * epochsPerNegativeSample[e];
        }
        head[2 * j] = cx;
        head[2 * j + 1] = cy;
    }

    private static double clip(double value) {
        return Math.max(-CLIP, Math.min(CLIP, value));
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit value from a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

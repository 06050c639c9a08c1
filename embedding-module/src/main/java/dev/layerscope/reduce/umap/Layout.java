package dev.layerscope.reduce.umap;

import dev.layerscope.linalg.Parallel;

/**
 * umap-learn's {@code optimize_layout_euclidean} in two dimensions: per epoch, every edge due is sampled, pulling
 * its head towards its tail (gradient clipped at 4), followed by negative samples pushing the head away from
 * uniformly drawn vertices; the learning rate decays linearly.
 *
 * <p>umap-learn parallelises this Hogwild-style: threads race on shared positions, so its parallel result depends
 * on scheduling (with a seed it runs on one thread, each edge seeing every move made before it). Here an epoch of a
 * fit walks the vertices in blocks of {@link #BLOCK_VERTICES} consecutive indices, one block after the other. The
 * vertices of a block are shared between threads; each moves only itself, against the positions every vertex had
 * when the block started, and the block's new positions are published when the whole block is done. Every vertex
 * thus sees the moves of all blocks before its own in the same epoch, as in umap-learn's sequential pass, and no
 * value depends on which thread handles which vertex, or when, so the result is the same for any number of
 * threads. Negative samples come from a counter-based generator keyed by (seed, epoch, edge). (Reading only the
 * positions of the previous epoch instead, one block per epoch, needs twice umap-learn's epochs to separate the
 * classes as far: every point then chases where its neighbours were, not where they are.) In a transform the new
 * points move against the fixed training embedding only, so one block holds them all.
 *
 * <p>In a fit umap-learn also moves the tail of each sampled edge ({@code move_other}). The graph is symmetric,
 * with equal weights (hence equal sampling epochs) both ways, so the tail's own row samples the reverse edge in the
 * same epoch; here that row's head takes both halves of the pull at once ({@code attraction = 2}) instead of being
 * written by another thread. The balance of attraction to repulsion is umap-learn's.
 */
final class Layout {

    /**
     * Vertices per block of a fit's epoch. Fixed, not derived from the thread count, so that the picture does not
     * depend on it; small enough that a vertex sees nearly all the moves made before it in its epoch (50,000 points:
     * 98 blocks, so only a 98th of a point's neighbours, those of its own block, are a move behind), large enough
     * that a block's hand-over between threads (one wait for all of them) costs little beside its work.
     */
    static final int BLOCK_VERTICES = 512;
    private static final double CLIP = 4;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final float[] positions;
    private final float[] tail;
    private final float[] moved;
    private final boolean fit;
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
    private final int[] blockStarts;
    private int epoch;
    private double alpha;

    private Layout(float[] positions, float[] tail, boolean fit, SparseGraph graph, int epochs,
                   Umap.Options options, double a, double b, double initialAlpha) {
        this.positions = positions;
        this.tail = tail;
        this.fit = fit;
        // a fit's block writes its new positions aside until the block is done; a transform's points read none of
        // their own kind, so they move in place
        this.moved = fit ? new float[positions.length] : positions;
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
        this.attraction = fit ? 2 : 1;
        this.seed = options.seed();
        this.initialAlpha = initialAlpha;
        this.alpha = initialAlpha;
        int vertices = offsets.length - 1;
        this.blockStarts = blockStarts(vertices, fit ? BLOCK_VERTICES : Math.max(1, vertices));
    }

    /** Optimises {@code embedding} (n x 2, row-major) in place against itself, as a fit does. */
    static void optimizeFit(float[] embedding, SparseGraph graph, int epochs, Umap.Options options, double a,
                            double b, Parallel parallel) {
        new Layout(embedding, embedding, true, graph, epochs, options, a, b, options.learningRate())
                .run(epochs, parallel);
    }

    /**
     * Optimises the new points' {@code embedding} in place against the fixed {@code train} embedding; the graph's
     * rows are new points, its columns training points.
     */
    static void optimizeTransform(float[] embedding, float[] train, SparseGraph graph, int epochs,
                                  Umap.Options options, double a, double b, Parallel parallel) {
        new Layout(embedding, train, false, graph, epochs, options, a, b, options.learningRate() / 4)
                .run(epochs, parallel);
    }

    private void run(int epochs, Parallel parallel) {
        for (int n = 0; n < epochs; n++) {
            epoch = n;
            for (int block = 0; block + 1 < blockStarts.length; block++) {
                int start = blockStarts[block];
                int end = blockStarts[block + 1];
                parallel.forRange(end - start, (from, to) -> {
                    for (int j = start + from; j < start + to; j++) {
                        optimizeVertex(j);
                    }
                });
                if (fit) {
                    System.arraycopy(moved, 2 * start, positions, 2 * start, 2 * (end - start));
                }
            }
            alpha = initialAlpha * (1 - (double) n / epochs);
        }
    }

    /** The first vertex of each block of {@code size} consecutive vertices, then {@code vertices}. */
    private static int[] blockStarts(int vertices, int size) {
        int blocks = (vertices + size - 1) / size;
        int[] starts = new int[blocks + 1];
        for (int block = 0; block <= blocks; block++) {
            starts[block] = Math.min(vertices, block * size);
        }
        return starts;
    }

    private void optimizeVertex(int j) {
        double n = epoch;
        float cx = positions[2 * j];
        float cy = positions[2 * j + 1];
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
                if (fit && other == j) {
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
        moved[2 * j] = cx;
        moved[2 * j + 1] = cy;
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

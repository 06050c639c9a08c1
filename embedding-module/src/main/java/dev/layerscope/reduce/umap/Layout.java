package dev.layerscope.reduce.umap;

import dev.layerscope.linalg.Parallel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * umap-learn's {@code optimize_layout_euclidean} in two dimensions: per epoch, every edge due is sampled, pulling
 * its head towards its tail (gradient clipped at 4), followed by negative samples pushing the head away from
 * uniformly drawn vertices; the learning rate decays linearly.
 *
 * <p>umap-learn parallelises this Hogwild-style: threads race on shared positions, so its parallel result depends
 * on scheduling. Here the work is split by head vertex instead, and each thread writes only the positions of its
 * own head vertices. Every other position is read from {@code tail}: in a fit, a copy of the embedding taken at
 * the start of the epoch; in a transform, the fixed training embedding. Negative samples come from a counter-based
 * generator keyed by (seed, epoch, edge, sample). No value then depends on which thread handles which vertex, or
 * when, so the result is the same for any number of threads, not only for the same number; and the threads take
 * the next chunk of vertices as they come free, so a thread that another process slows down holds no one up.
 * (Moving the points block by block within an epoch, each block seeing the moves before it, costs a wait for all
 * threads per block: on a loaded machine that made the layout several times slower, see docs/performance.md.)
 *
 * <p>In a fit umap-learn also moves the tail of each sampled edge ({@code move_other}). The graph is symmetric,
 * with equal weights (hence equal sampling epochs) both ways, so the tail's own row samples the reverse edge in the
 * same epoch; here that row's head takes both halves of the pull at once ({@code attraction = 2}) instead of being
 * written by another thread. The balance of attraction to repulsion is umap-learn's.
 *
 * <p>What an epoch costs is one power {@code d^2b} per attraction and per negative sample, a few million of each
 * per epoch at 50,000 points: {@link #pow} computes it in single precision from the float's exponent and two short
 * polynomials (relative error below 1e-5, against a gradient clipped at 4 and rounded to float anyway) in a few
 * nanoseconds, where {@link Math#pow} takes about fifteen.
 */
final class Layout {

    /** Vertices per chunk a thread takes at a time: about 20 edges each, so a chunk is some 40 microseconds. */
    static final int CHUNK_VERTICES = 256;
    private static final float CLIP = 4;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final float[] head;
    private final float[] tail;
    private final boolean tailIsSnapshot;
    private final int[] offsets;
    private final int[] columns;
    private final float[] epochsPerSample;
    private final float[] epochsPerNegativeSample;
    private final float[] nextSample;
    private final float[] nextNegativeSample;
    private final int tailVertices;
    private final float a;
    private final float b;
    private final float attractionScale;
    private final float repulsionScale;
    private final float attraction;
    private final long seed;
    private final double initialAlpha;
    private final int chunks;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private int epoch;
    private float alpha;

    private Layout(float[] head, float[] tail, boolean tailIsSnapshot, SparseGraph graph, int epochs,
                   Umap.Options options, double a, double b, double initialAlpha) {
        this.head = head;
        this.tail = tail;
        this.tailIsSnapshot = tailIsSnapshot;
        this.offsets = graph.offsets();
        this.columns = graph.columns();
        double[] perSample = graph.epochsPerSample(epochs);
        this.epochsPerSample = new float[perSample.length];
        this.epochsPerNegativeSample = new float[perSample.length];
        for (int e = 0; e < perSample.length; e++) {
            epochsPerSample[e] = (float) perSample[e];
            epochsPerNegativeSample[e] = (float) (perSample[e] / options.negativeSampleRate());
        }
        this.nextSample = epochsPerSample.clone();
        this.nextNegativeSample = epochsPerNegativeSample.clone();
        this.tailVertices = tail.length / 2;
        this.a = (float) a;
        this.b = (float) b;
        this.attractionScale = (float) (-2 * a * b);
        this.repulsionScale = (float) (2 * options.repulsionStrength() * b);
        this.attraction = tailIsSnapshot ? 2 : 1;
        this.seed = options.seed();
        this.initialAlpha = initialAlpha;
        this.alpha = (float) initialAlpha;
        this.chunks = (offsets.length - 1 + CHUNK_VERTICES - 1) / CHUNK_VERTICES;
    }

    /** Optimises {@code embedding} (n x 2, row-major) in place against itself, as a fit does. */
    static void optimizeFit(float[] embedding, SparseGraph graph, int epochs, Umap.Options options, double a,
                            double b, Parallel parallel) {
        new Layout(embedding, new float[embedding.length], true, graph, epochs, options, a, b,
                options.learningRate()).run(epochs, parallel);
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
        int workers = Math.min(parallel.threads(), chunks);
        Parallel.RangeBody body = this::takeChunks;
        for (int n = 0; n < epochs; n++) {
            if (tailIsSnapshot) {
                System.arraycopy(head, 0, tail, 0, head.length);
            }
            epoch = n;
            nextChunk.set(0);
            parallel.forRange(workers, body);
            alpha = (float) (initialAlpha * (1 - (double) n / epochs));
        }
    }

    /** One worker's share of an epoch: chunks of vertices taken in turn until none is left. */
    private void takeChunks(int firstWorker, int endWorker) {
        for (int chunk = nextChunk.getAndIncrement(); chunk < chunks; chunk = nextChunk.getAndIncrement()) {
            int end = Math.min(offsets.length - 1, (chunk + 1) * CHUNK_VERTICES);
            for (int j = chunk * CHUNK_VERTICES; j < end; j++) {
                optimizeVertex(j);
            }
        }
    }

    private void optimizeVertex(int j) {
        float n = epoch;
        float cx = head[2 * j];
        float cy = head[2 * j + 1];
        for (int e = offsets[j]; e < offsets[j + 1]; e++) {
            if (nextSample[e] > n) {
                continue;
            }
            int k = columns[e];
            float dx = cx - tail[2 * k];
            float dy = cy - tail[2 * k + 1];
            float distanceSquared = dx * dx + dy * dy;
            if (distanceSquared > 0) {
                float powB = pow(distanceSquared, b);
                float coefficient = attractionScale * powB / (distanceSquared * (a * powB + 1));
                cx += attraction * clip(coefficient * dx) * alpha;
                cy += attraction * clip(coefficient * dy) * alpha;
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
                    float coefficient = repulsionScale
                            / ((0.001f + distanceSquared) * (a * pow(distanceSquared, b) + 1));
                    cx += clip(coefficient * dx) * alpha;
                    cy += clip(coefficient * dy) * alpha;
                }
            }
            nextNegativeSample[e] += negativeSamples * epochsPerNegativeSample[e];
        }
        head[2 * j] = cx;
        head[2 * j + 1] = cy;
    }

    private static float clip(float value) {
        return Math.max(-CLIP, Math.min(CLIP, value));
    }

    /**
     * {@code x^y} for a normal float {@code x > 0} and {@code |y log2 x| < 126}: {@code 2^(y log2 x)}, with
     * {@code log2} of the mantissa in [1, 2) and {@code 2^f} of the fraction in [0, 1) each a least-squares polynomial
     * (relative error of the result below 1e-5 for the layout's b and distances). Anything else, subnormal or
     * beyond range, goes to {@link Math#pow}.
     */
    static float pow(float x, float y) {
        int bits = Float.floatToRawIntBits(x);
        int exponent = (bits >>> 23) - 127;
        if (exponent <= -126 || exponent >= 127) {
            return (float) Math.pow(x, y);
        }
        float m = Float.intBitsToFloat((bits & 0x007FFFFF) | 0x3F800000);
        // log2(m) on [1, 2) as (m - 1) times a degree-5 polynomial in (m - 1): absolute error below 3e-6
        float t = m - 1;
        float log2m = t * (1.44253478f + t * (-0.71803359f + t * (0.457158121f + t * (-0.277341646f
                + t * (0.121472948f + t * -0.025792345f)))));
        float z = y * (exponent + log2m);
        if (z <= -126 || z >= 126) {
            return (float) Math.pow(x, y);
        }
        float whole = (float) Math.floor(z);
        float f = z - whole;
        // 2^f on [0, 1): relative error below 2e-7
        float p = 1 + f * (0.693152535f + f * (0.240152445f + f * (0.055836598f + f * (0.0089728993f
                + f * 0.00188540379f))));
        return p * Float.intBitsToFloat(((int) whole + 127) << 23);
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit value from a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

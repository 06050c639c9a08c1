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
 * threads per block: on a loaded machine that made an epoch about twice as slow, see docs/performance.md.)
 *
 * <p>In a fit umap-learn also moves the tail of each sampled edge ({@code move_other}). The graph is symmetric,
 * with equal weights (hence equal sampling epochs) both ways, so the tail's own row samples the reverse edge in the
 * same epoch; here that row's head takes both halves of the pull at once ({@code attraction = 2}) instead of being
 * written by another thread. The balance of attraction to repulsion is umap-learn's.
 *
 * <p>What an epoch costs is one power {@code d^2b} and one division per attraction and per negative sample, a few
 * million of each per epoch at 50,000 points, and each moves the point before the next is computed: one long chain
 * of dependent operations per vertex. {@link #pow} computes the power in single precision from the float's exponent
 * and two short polynomials (relative error below 1e-5, against a gradient clipped at 4 and rounded to float anyway),
 * and a thread moves two vertices at a time, interleaved (see {@link #optimizePair}), so that the CPU overlaps their
 * chains. Neither changes what a vertex computes, nor its order.
 */
final class Layout {

    /**
     * Vertices per chunk a thread takes at a time: some 5,000 edges, small beside an epoch's work (50,000 points: 196
     * chunks), large beside the cost of taking one.
     */
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
            int j = chunk * CHUNK_VERTICES;
            for (; j + 1 < end; j += 2) {
                optimizePair(j, j + 1);
            }
            if (j < end) {
                optimizePair(j, -1);
            }
        }
    }

    /**
     * Moves vertex {@code j} and, unless it is -1, vertex {@code i}, each exactly as if alone: its edges in order,
     * each edge's attraction and then its negative samples one after the other, every move seen by the next. The two
     * vertices' moves are interleaved, because each vertex's moves form one chain of dependent powers and divisions
     * that the CPU cannot overlap, while two independent chains side by side it can. Neither vertex reads the
     * other's position (both read {@code tail}), so the result is that of moving them one after the other.
     */
    private void optimizePair(int j, int i) {
        float n = epoch;
        float jx = head[2 * j];
        float jy = head[2 * j + 1];
        int je = offsets[j];
        int jEnd = offsets[j + 1];
        boolean pair = i >= 0;
        float ix = pair ? head[2 * i] : 0;
        float iy = pair ? head[2 * i + 1] : 0;
        int ie = pair ? offsets[i] : 0;
        int iEnd = pair ? offsets[i + 1] : 0;
        while (true) {
            je = nextDue(je, jEnd, n);
            ie = nextDue(ie, iEnd, n);
            if (je == jEnd && ie == iEnd) {
                break;
            }
            int jSamples = 0;
            int iSamples = 0;
            long jState = 0;
            long iState = 0;
            if (je < jEnd) {
                long moved = attract(jx, jy, columns[je]);
                jx = x(moved);
                jy = y(moved);
                jSamples = sampleEdge(je, n);
                jState = edgeState(je);
            }
            if (ie < iEnd) {
                long moved = attract(ix, iy, columns[ie]);
                ix = x(moved);
                iy = y(moved);
                iSamples = sampleEdge(ie, n);
                iState = edgeState(ie);
            }
            for (int p = 0, most = Math.max(jSamples, iSamples); p < most; p++) {
                if (p < jSamples) {
                    jState += GOLDEN;
                    int other = uniformVertex(jState);
                    if (!tailIsSnapshot || other != j) {
                        long moved = repel(jx, jy, other);
                        jx = x(moved);
                        jy = y(moved);
                    }
                }
                if (p < iSamples) {
                    iState += GOLDEN;
                    int other = uniformVertex(iState);
                    if (!tailIsSnapshot || other != i) {
                        long moved = repel(ix, iy, other);
                        ix = x(moved);
                        iy = y(moved);
                    }
                }
            }
            if (je < jEnd) {
                je++;
            }
            if (ie < iEnd) {
                ie++;
            }
        }
        head[2 * j] = jx;
        head[2 * j + 1] = jy;
        if (pair) {
            head[2 * i] = ix;
            head[2 * i + 1] = iy;
        }
    }

    /** The first edge from {@code e} on, up to {@code end}, due in epoch {@code n}; {@code end} when none is. */
    private int nextDue(int e, int end, float n) {
        while (e < end && nextSample[e] > n) {
            e++;
        }
        return e;
    }

    /** Schedules edge {@code e}'s next sample and returns how many negative samples it takes in epoch n. */
    private int sampleEdge(int e, float n) {
        nextSample[e] += epochsPerSample[e];
        int negativeSamples = (int) ((n - nextNegativeSample[e]) / epochsPerNegativeSample[e]);
        nextNegativeSample[e] += negativeSamples * epochsPerNegativeSample[e];
        return negativeSamples;
    }

    /** The counter the negative samples of edge {@code e} in this epoch are drawn from. */
    private long edgeState(int e) {
        return seed ^ (epoch * GOLDEN) ^ ((long) e * 0xC2B2AE3D27D4EB4FL);
    }

    private int uniformVertex(long state) {
        return (int) (((mix(state) >>> 32) * tailVertices) >>> 32);
    }

    /** The position (x, y) after the pull towards tail vertex k, packed by {@link #pack}. */
    private long attract(float x, float y, int k) {
        float dx = x - tail[2 * k];
        float dy = y - tail[2 * k + 1];
        float distanceSquared = dx * dx + dy * dy;
        if (distanceSquared > 0) {
            float powB = pow(distanceSquared, b);
            float coefficient = attractionScale * powB / (distanceSquared * (a * powB + 1));
            x += attraction * clip(coefficient * dx) * alpha;
            y += attraction * clip(coefficient * dy) * alpha;
        }
        return pack(x, y);
    }

    /** The position (x, y) after the push away from tail vertex {@code other}, packed by {@link #pack}. */
    private long repel(float x, float y, int other) {
        float dx = x - tail[2 * other];
        float dy = y - tail[2 * other + 1];
        float distanceSquared = dx * dx + dy * dy;
        if (distanceSquared > 0) {
            float coefficient = repulsionScale / ((0.001f + distanceSquared) * (a * pow(distanceSquared, b) + 1));
            x += clip(coefficient * dx) * alpha;
            y += clip(coefficient * dy) * alpha;
        }
        return pack(x, y);
    }

    private static long pack(float x, float y) {
        return ((long) Float.floatToRawIntBits(x) << 32) | (Float.floatToRawIntBits(y) & 0xFFFFFFFFL);
    }

    private static float x(long packed) {
        return Float.intBitsToFloat((int) (packed >>> 32));
    }

    private static float y(long packed) {
        return Float.intBitsToFloat((int) packed);
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

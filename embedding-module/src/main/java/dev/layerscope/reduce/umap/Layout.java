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
 * of dependent operations per vertex. {@link FixedPower} reads the power from two tables (relative error below
 * 1e-6, against a gradient clipped at 4 and rounded to float anyway), and a thread moves {@link #LANES} vertices at
 * a time, interleaved (see {@link #optimizeVertices}), so that the CPU overlaps their chains.
 */
final class Layout {

    /**
     * Vertices per chunk a thread takes at a time: some 5,000 edges, small beside an epoch's work (50,000 points: 196
     * chunks), large beside the cost of taking one.
     */
    static final int CHUNK_VERTICES = 256;
    /**
     * Vertices a thread moves at once, interleaved (see {@link #optimizeVertices}). Measured on this machine's
     * 2 cores (dense2 UMAP of 50,000 points, fit): 4 lanes 1.14x as fast as 2; 8 no faster than 4.
     */
    static final int LANES = 4;
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
    private final FixedPower power;
    private final float attractionScale;
    private final float repulsionScale;
    private final float attraction;
    private final long seed;
    private final double initialAlpha;
    private final int chunks;
    private final int lanes;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private int epoch;
    private float alpha;

    private Layout(float[] head, float[] tail, boolean tailIsSnapshot, SparseGraph graph, int epochs,
                   Umap.Options options, double a, double b, double initialAlpha, int lanes) {
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
        this.power = new FixedPower(b);
        this.attractionScale = (float) (-2 * a * b);
        this.repulsionScale = (float) (2 * options.repulsionStrength() * b);
        this.attraction = tailIsSnapshot ? 2 : 1;
        this.seed = options.seed();
        this.initialAlpha = initialAlpha;
        this.alpha = (float) initialAlpha;
        this.chunks = (offsets.length - 1 + CHUNK_VERTICES - 1) / CHUNK_VERTICES;
        this.lanes = lanes;
    }

    /** Optimises {@code embedding} (n x 2, row-major) in place against itself, as a fit does. */
    static void optimizeFit(float[] embedding, SparseGraph graph, int epochs, Umap.Options options, double a,
                            double b, Parallel parallel) {
        optimizeFit(embedding, graph, epochs, options, a, b, parallel, LANES);
    }

    /** {@link #optimizeFit} with {@code lanes} vertices in flight per thread, for tests: the result is the same. */
    static void optimizeFit(float[] embedding, SparseGraph graph, int epochs, Umap.Options options, double a,
                            double b, Parallel parallel, int lanes) {
        new Layout(embedding, new float[embedding.length], true, graph, epochs, options, a, b,
                options.learningRate(), lanes).run(epochs, parallel);
    }

    /**
     * Optimises the new points' {@code embedding} in place against the fixed {@code train} embedding; the graph's
     * rows are new points, its columns training points.
     */
    static void optimizeTransform(float[] embedding, float[] train, SparseGraph graph, int epochs,
                                  Umap.Options options, double a, double b, Parallel parallel) {
        new Layout(embedding, train, false, graph, epochs, options, a, b, options.learningRate() / 4,
                LANES).run(epochs, parallel);
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
        Lanes inFlight = new Lanes(lanes);
        for (int chunk = nextChunk.getAndIncrement(); chunk < chunks; chunk = nextChunk.getAndIncrement()) {
            optimizeVertices(chunk * CHUNK_VERTICES, Math.min(offsets.length - 1, (chunk + 1) * CHUNK_VERTICES),
                    inFlight);
        }
    }

    /**
     * What each of a thread's vertices in flight has reached: its position, its next edge, its
     * negative samples still to draw from the current edge and the counter they come from. A lane whose vertex is
     * -1 is idle.
     */
    private static final class Lanes {
        final int[] vertex;
        final float[] x;
        final float[] y;
        final int[] edge;
        final int[] samples;
        final long[] state;

        Lanes(int count) {
            vertex = new int[count];
            x = new float[count];
            y = new float[count];
            edge = new int[count];
            samples = new int[count];
            state = new long[count];
        }
    }

    /**
     * Moves vertices {@code start} to {@code end - 1}, each exactly as if alone: its edges in order, each edge's
     * attraction and then its negative samples one after the other, every move seen by the next. Several vertices
     * (one per lane) are in flight at once, each lane taking the next vertex when its own is done, and each round
     * of the loop makes one move in every busy lane: each vertex's moves form one chain of dependent powers and
     * divisions that the CPU cannot overlap, while independent chains side by side it can. No vertex reads another's
     * position (all read {@code tail}), so the result is that of moving them one after the other.
     */
    private void optimizeVertices(int start, int end, Lanes lanes) {
        float n = epoch;
        int count = lanes.vertex.length;
        int next = start;
        int busy = 0;
        for (int l = 0; l < count; l++) {
            if (next < end) {
                load(lanes, l, next++);
                busy++;
            } else {
                lanes.vertex[l] = -1;
            }
        }
        while (busy > 0) {
            for (int l = 0; l < count; l++) {
                int j = lanes.vertex[l];
                if (j < 0) {
                    continue;
                }
                if (lanes.samples[l] > 0) {
                    lanes.samples[l]--;
                    long state = lanes.state[l] + GOLDEN;
                    lanes.state[l] = state;
                    int other = uniformVertex(state);
                    if (!tailIsSnapshot || other != j) {
                        repel(lanes, l, other);
                    }
                    continue;
                }
                int e = nextDue(lanes.edge[l], offsets[j + 1], n);
                if (e < offsets[j + 1]) {
                    attract(lanes, l, columns[e]);
                    lanes.samples[l] = sampleEdge(e, n);
                    lanes.state[l] = edgeState(e);
                    lanes.edge[l] = e + 1;
                    continue;
                }
                head[2 * j] = lanes.x[l];
                head[2 * j + 1] = lanes.y[l];
                if (next < end) {
                    load(lanes, l, next++);
                } else {
                    lanes.vertex[l] = -1;
                    busy--;
                }
            }
        }
    }

    /** Puts vertex {@code j}, at its first edge, into lane {@code l}. */
    private void load(Lanes lanes, int l, int j) {
        lanes.vertex[l] = j;
        lanes.x[l] = head[2 * j];
        lanes.y[l] = head[2 * j + 1];
        lanes.edge[l] = offsets[j];
        lanes.samples[l] = 0;
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

    /** Moves lane {@code l}'s vertex by its pull towards tail vertex {@code k}. */
    private void attract(Lanes lanes, int l, int k) {
        float x = lanes.x[l];
        float y = lanes.y[l];
        float dx = x - tail[2 * k];
        float dy = y - tail[2 * k + 1];
        float distanceSquared = dx * dx + dy * dy;
        if (distanceSquared > 0) {
            float powB = power.of(distanceSquared);
            float coefficient = attractionScale * powB / (distanceSquared * (a * powB + 1));
            lanes.x[l] = x + attraction * clip(coefficient * dx) * alpha;
            lanes.y[l] = y + attraction * clip(coefficient * dy) * alpha;
        }
    }

    /** Moves lane {@code l}'s vertex by its push away from tail vertex {@code other}. */
    private void repel(Lanes lanes, int l, int other) {
        float x = lanes.x[l];
        float y = lanes.y[l];
        float dx = x - tail[2 * other];
        float dy = y - tail[2 * other + 1];
        float distanceSquared = dx * dx + dy * dy;
        if (distanceSquared > 0) {
            float coefficient = repulsionScale / ((0.001f + distanceSquared) * (a * power.of(distanceSquared) + 1));
            lanes.x[l] = x + clip(coefficient * dx) * alpha;
            lanes.y[l] = y + clip(coefficient * dy) * alpha;
        }
    }

    /**
     * {@code value} within [-4, 4]. Comparisons rather than {@code Math.max/min}, whose handling of NaN and -0 costs
     * several instructions a call on this hot path; for every input, NaN and -0 included, the result is the same.
     */
    static float clip(float value) {
        return value > CLIP ? CLIP : value < -CLIP ? -CLIP : value;
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit value from a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

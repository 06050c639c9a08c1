package dev.layerscope.neighbors;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Approximate k-nearest neighbours by NN-descent (Dong, Charikar and Li 2011, "Efficient k-nearest neighbor graph
 * construction for generic similarity measures"), set up as pynndescent does it: the graph starts from the leaves
 * of a forest of random projection trees ({@link RpTree}), then each round every point introduces its neighbours
 * to each other (a local join: a neighbour of a neighbour is likely a neighbour), over a seeded sample of at most
 * {@code maxCandidates} new and old neighbours and reverse neighbours per point, pairs of old ones skipped as they
 * met before; it stops when a round improves fewer than {@code stop x n x k} entries. Queries of new points walk
 * the finished graph best first from the leaf their first tree routes them to (pynndescent's search).
 *
 * <p>The same seed gives the same graph on any number of threads: every random draw is a hash of the seed and what
 * it is for, a round's joins only read the graph (their updates go to buffers of fixed blocks of points) and the
 * updates are applied block after block, each row's in one fixed order, by the thread that owns the row. Each row
 * keeps the k nearest by (distance, id), so a row's content does not depend on the order it was offered things.
 * Memory is O(n k): the graph, the candidate samples and one block's updates.
 */
final class NnDescent {

    /** Points whose joins are computed before their updates are applied. */
    private static final int BLOCK = 8192;
    /** Points a join task takes: the unit the block is split into, whatever the thread count. */
    private static final int CHUNK = 256;
    /** The search graph's least out-degree for queries (neighbours plus reverse neighbours). */
    private static final int SEARCH_DEGREE = 24;

    private NnDescent() {
    }

    /** The approximate {@code k} nearest other points of every row of {@code data}. */
    static NeighborGraph graph(FloatMatrix data, int k, NeighborSearch.Options options, Parallel parallel) {
        Descent descent = descend(data, k, options, parallel);
        return descent.heaps.toGraph();
    }

    /** The approximate {@code k} nearest rows of {@code reference} to every row of {@code queries}. */
    static NeighborGraph query(FloatMatrix reference, FloatMatrix queries, int k, NeighborSearch.Options options,
                               Parallel parallel) {
        int n = reference.rows();
        int degree = Math.min(n - 1, Math.max(k, SEARCH_DEGREE));
        Descent descent = descend(reference, degree, options, parallel);
        int[][] adjacency = searchGraph(descent.heaps, n, degree);
        RpTree tree = descent.trees[0];
        int m = queries.rows();
        int cols = reference.cols();
        int[] indices = new int[m * k];
        float[] distances = new float[m * k];
        double scale = (1 + options.searchEpsilon()) * (1 + options.searchEpsilon());
        parallel.forRange(m, (from, to) -> {
            int[] visited = new int[n];
            Heaps result = new Heaps(1, k);
            FrontQueue front = new FrontQueue();
            float[] r = reference.values();
            float[] q = queries.values();
            for (int query = from; query < to; query++) {
                int stamp = query + 1;
                int queryBase = query * cols;
                front.clear();
                int leaf = tree.route(queries, query);
                for (int i = tree.leafRangeStart(leaf); i < tree.leafRangeEnd(leaf); i++) {
                    int j = tree.order()[i];
                    visited[j] = stamp;
                    float d = squared(q, queryBase, r, j * cols, cols);
                    result.offer(0, j, d);
                    front.push(j, d);
                }
                SplittableRandom random = new SplittableRandom(mix(options.seed(), 0x51ED5EEDL, query));
                while (result.size(0) < k) {
                    int j = random.nextInt(n);
                    if (visited[j] != stamp) {
                        visited[j] = stamp;
                        float d = squared(q, queryBase, r, j * cols, cols);
                        result.offer(0, j, d);
                        front.push(j, d);
                    }
                }
                while (!front.isEmpty()) {
                    int c = front.peekId();
                    float dc = front.peekDistance();
                    front.pop();
                    if (dc > result.worst(0) * scale) {
                        break;
                    }
                    for (int j : adjacency[c]) {
                        if (visited[j] == stamp) {
                            continue;
                        }
                        visited[j] = stamp;
                        float d = squared(q, queryBase, r, j * cols, cols);
                        if (d < result.worst(0) * scale) {
                            front.push(j, d);
                            result.offer(0, j, d);
                        }
                    }
                }
                result.drainSorted(0, indices, distances, query * k);
            }
        });
        return euclidean(m, k, indices, distances);
    }

    /** The heaps after the descent, and the trees it started from. */
    private record Descent(Heaps heaps, RpTree[] trees) {
    }

    private static Descent descend(FloatMatrix data, int k, NeighborSearch.Options options, Parallel parallel) {
        int n = data.rows();
        int cols = data.cols();
        float[] values = data.values();
        long seed = options.seed();
        int leafSize = Math.max(options.leafSize(), k + 1);
        RpTree[] trees = new RpTree[options.trees()];
        parallel.forRange(trees.length, (from, to) -> {
            for (int t = from; t < to; t++) {
                trees[t] = new RpTree(data, leafSize, mix(seed, 0x7EEL, t));
            }
        });
        Heaps heaps = new Heaps(n, k);
        // the leaves' points are each other's first candidates, a leaf at a time: its rows, read once, stay in cache
        // for all its pairs (point by point, each of a point's leaf mates was a fresh read from memory: at a million
        // points that took most of the search). Within a tree the leaves are disjoint, so each row is written by one
        // thread, and it is offered its mates tree after tree in leaf order, as it would be point by point.
        for (RpTree tree : trees) {
            int[] order = tree.order();
            parallel.forRange(tree.leafCount(), (fromLeaf, toLeaf) -> {
                float[] pairs = new float[leafSize * leafSize];
                for (int leaf = fromLeaf; leaf < toLeaf; leaf++) {
                    int start = tree.leafRangeStart(leaf);
                    int size = tree.leafRangeEnd(leaf) - start;
                    for (int a = 0; a < size; a++) {
                        int aBase = order[start + a] * cols;
                        for (int b = a + 1; b < size; b++) {
                            float d = squared(values, aBase, values, order[start + b] * cols, cols);
                            pairs[a * size + b] = d;
                            pairs[b * size + a] = d;
                        }
                    }
                    for (int a = 0; a < size; a++) {
                        int p = order[start + a];
                        for (int b = 0; b < size; b++) {
                            if (b != a) {
                                heaps.offer(p, order[start + b], pairs[a * size + b]);
                            }
                        }
                    }
                }
            });
        }
        // topped up at random when the leaves held fewer than k others
        parallel.forRange(n, (from, to) -> {
            for (int p = from; p < to; p++) {
                int base = p * cols;
                SplittableRandom random = new SplittableRandom(mix(seed, 0xF111L, p));
                while (heaps.size(p) < k) {
                    int q = random.nextInt(n);
                    if (q != p) {
                        heaps.offer(p, q, squared(values, base, values, q * cols, cols));
                    }
                }
            }
        });
        // not capped at k as pynndescent does (min(60, k)): on Fashion-MNIST's principal components, k = 15 with 15
        // candidates fell to a recall of 0.991 at 50,000 points, with 30 it kept 0.995
        int maxCandidates = options.maxCandidates();
        Heaps fresh = new Heaps(n, maxCandidates);
        Heaps old = new Heaps(n, maxCandidates);
        Updates[] buffers = new Updates[(BLOCK + CHUNK - 1) / CHUNK];
        Arrays.setAll(buffers, i -> new Updates());
        double threshold = options.stop() * n * k;
        for (int round = 0; round < options.iterations(); round++) {
            sampleCandidates(heaps, fresh, old, seed, round, parallel);
            long updates = 0;
            for (int blockStart = 0; blockStart < n; blockStart += BLOCK) {
                int blockEnd = Math.min(n, blockStart + BLOCK);
                int chunks = (blockEnd - blockStart + CHUNK - 1) / CHUNK;
                int first = blockStart;
                parallel.forRange(chunks, (fromChunk, toChunk) -> {
                    for (int chunk = fromChunk; chunk < toChunk; chunk++) {
                        Updates buffer = buffers[chunk];
                        buffer.clear();
                        int end = Math.min(blockEnd, first + (chunk + 1) * CHUNK);
                        for (int i = first + chunk * CHUNK; i < end; i++) {
                            join(i, fresh, old, heaps, values, cols, buffer);
                        }
                    }
                });
                AtomicLong applied = new AtomicLong();
                parallel.forRange(n, (from, to) -> {
                    long count = 0;
                    for (int chunk = 0; chunk < chunks; chunk++) {
                        Updates buffer = buffers[chunk];
                        for (int u = 0; u < buffer.size; u++) {
                            int row = buffer.row[u];
                            if (row >= from && row < to && heaps.offer(row, buffer.other[u], buffer.distance[u])) {
                                count++;
                            }
                        }
                    }
                    applied.addAndGet(count);
                });
                updates += applied.get();
            }
            if (updates <= threshold) {
                break;
            }
        }
        return new Descent(heaps, trees);
    }

    /**
     * Each point's sample of new and of old neighbours, reverse ones included (i is a candidate of j when j is a
     * neighbour of i), at most {@code maxCandidates} of each kept by a priority hashed from the pair and the round;
     * the new ones sampled are then old. Each thread fills the samples of the rows it owns, scanning the graph.
     */
    private static void sampleCandidates(Heaps heaps, Heaps fresh, Heaps old, long seed, int round,
                                         Parallel parallel) {
        int n = heaps.rows;
        int k = heaps.k;
        parallel.forRange(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                fresh.clear(i);
                old.clear(i);
            }
            for (int i = 0; i < n; i++) {
                int base = i * k;
                for (int s = 0; s < heaps.sizes[i]; s++) {
                    int j = heaps.ids[base + s];
                    float priority = priority(seed, round, i, j);
                    Heaps target = heaps.isNew[base + s] ? fresh : old;
                    if (i >= from && i < to) {
                        target.offer(i, j, priority);
                    }
                    if (j >= from && j < to) {
                        target.offer(j, i, priority);
                    }
                }
            }
        });
        // only once every sample is drawn: the flags are what every thread's scan above reads
        parallel.forRange(n, (from, to) -> {
            int[] sampled = new int[n];
            for (int i = from; i < to; i++) {
                int stamp = i + 1;
                int candidates = i * fresh.k;
                for (int s = 0; s < fresh.sizes[i]; s++) {
                    sampled[fresh.ids[candidates + s]] = stamp;
                }
                int base = i * k;
                for (int s = 0; s < heaps.sizes[i]; s++) {
                    if (heaps.isNew[base + s] && sampled[heaps.ids[base + s]] == stamp) {
                        heaps.isNew[base + s] = false;
                    }
                }
            }
        });
    }

    /**
     * The local join of point i: its new candidates with each other and with its old ones. The candidates' rows are
     * gathered column by column, so that one new candidate's distances to all the later ones are summed a column at
     * a time across them: a loop without a reduction, which the JIT turns into vector instructions (a distance as
     * one running sum cannot be). A pair's sum runs over the columns in order and the same from either end, so its
     * distance does not depend on which point's join found it.
     */
    private static void join(int i, Heaps fresh, Heaps old, Heaps heaps, float[] values, int cols, Updates buffer) {
        int newBase = i * fresh.k;
        int newCount = fresh.sizes[i];
        int oldBase = i * old.k;
        int oldCount = old.sizes[i];
        int total = newCount + oldCount;
        int[] members = buffer.members(total);
        float[] gathered = buffer.gathered(total * cols);
        float[] sums = buffer.sums(total);
        System.arraycopy(fresh.ids, newBase, members, 0, newCount);
        System.arraycopy(old.ids, oldBase, members, newCount, oldCount);
        for (int m = 0; m < total; m++) {
            int row = members[m] * cols;
            for (int c = 0; c < cols; c++) {
                gathered[c * total + m] = values[row + c];
            }
        }
        for (int x = 0; x < newCount; x++) {
            int a = members[x];
            int aBase = a * cols;
            int from = x + 1;
            Arrays.fill(sums, from, total, 0f);
            for (int c = 0; c < cols; c++) {
                float value = values[aBase + c];
                int column = c * total;
                for (int m = from; m < total; m++) {
                    float difference = value - gathered[column + m];
                    sums[m] += difference * difference;
                }
            }
            float worstA = heaps.worst(a);
            for (int m = from; m < total; m++) {
                int b = members[m];
                // an old candidate may also be new (a reverse neighbour sampled both ways)
                if (b != a) {
                    propose(a, worstA, b, sums[m], heaps, buffer);
                }
            }
        }
    }

    /**
     * Proposes the pair (a, b) at distance d to each end whose k-th distance it may beat. The k-th distances only
     * shrink while a block's updates are applied, so an end skipped here would have refused the pair then too: the
     * graph is the same as with every pair offered to both ends, for half the random rows touched.
     */
    private static void propose(int a, float worstA, int b, float d, Heaps heaps, Updates buffer) {
        if (d <= worstA) {
            buffer.add(a, b, d);
        }
        if (d <= heaps.worst(b)) {
            buffer.add(b, a, d);
        }
    }

    /** The graph's neighbours and up to {@code degree} reverse neighbours of every point, for queries to walk. */
    private static int[][] searchGraph(Heaps heaps, int n, int degree) {
        int[][] reverse = new int[n][degree];
        int[] reverseCount = new int[n];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < heaps.sizes[i]; s++) {
                int j = heaps.ids[i * heaps.k + s];
                if (reverseCount[j] < degree) {
                    reverse[j][reverseCount[j]++] = i;
                }
            }
        }
        int[][] adjacency = new int[n][];
        int[] stamps = new int[n];
        for (int i = 0; i < n; i++) {
            int[] list = new int[heaps.sizes[i] + reverseCount[i]];
            int size = 0;
            int stamp = i + 1;
            for (int s = 0; s < heaps.sizes[i]; s++) {
                int j = heaps.ids[i * heaps.k + s];
                stamps[j] = stamp;
                list[size++] = j;
            }
            for (int s = 0; s < reverseCount[i]; s++) {
                int j = reverse[i][s];
                if (stamps[j] != stamp) {
                    stamps[j] = stamp;
                    list[size++] = j;
                }
            }
            adjacency[i] = Arrays.copyOf(list, size);
            reverse[i] = null;
        }
        return adjacency;
    }

    /** The squared Euclidean distance of two rows, in four running sums. */
    static float squared(float[] a, int aBase, float[] b, int bBase, int cols) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int c = 0;
        for (; c + 3 < cols; c += 4) {
            float d0 = a[aBase + c] - b[bBase + c];
            float d1 = a[aBase + c + 1] - b[bBase + c + 1];
            float d2 = a[aBase + c + 2] - b[bBase + c + 2];
            float d3 = a[aBase + c + 3] - b[bBase + c + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; c < cols; c++) {
            float d = a[aBase + c] - b[bBase + c];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** A pair's sampling priority in a round, the same from either end. */
    private static float priority(long seed, int round, int i, int j) {
        long pair = ((long) Math.min(i, j) << 32) | Math.max(i, j);
        return (mix(seed, round, pair) >>> 40) / (float) (1 << 24);
    }

    /** A well-mixed 64-bit hash of a seed and two values (SplitMix64's finaliser). */
    static long mix(long seed, long a, long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xC2B2AE3D27D4EB4FL * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static NeighborGraph euclidean(int m, int k, int[] indices, float[] squared) {
        float[] distances = new float[squared.length];
        for (int i = 0; i < squared.length; i++) {
            distances[i] = (float) Math.sqrt(squared[i]);
        }
        return new NeighborGraph(m, k, indices, distances);
    }

    /**
     * The k smallest (key, id) pairs offered to each row, a bounded max-heap a row, without repeats, ordered by key
     * and then id so that what a row keeps does not depend on the order of the offers; each entry has a new flag.
     */
    private static final class Heaps {
        final int rows;
        final int k;
        final int[] ids;
        final float[] keys;
        final boolean[] isNew;
        final int[] sizes;
        /**
         * Each row's k-th key, infinite while it holds fewer: a copy of its heap's root, packed so that the test
         * most offers fail (and the joins' thresholds) reads one small array instead of a random row of the heaps.
         */
        private final float[] worst;

        Heaps(int rows, int k) {
            this.rows = rows;
            this.k = k;
            this.ids = new int[Math.multiplyExact(rows, k)];
            this.keys = new float[rows * k];
            this.isNew = new boolean[rows * k];
            this.sizes = new int[rows];
            this.worst = new float[rows];
            Arrays.fill(worst, Float.POSITIVE_INFINITY);
        }

        int size(int row) {
            return sizes[row];
        }

        float worst(int row) {
            return worst[row];
        }

        void clear(int row) {
            sizes[row] = 0;
            worst[row] = Float.POSITIVE_INFINITY;
        }

        /** Keeps (id, key), flagged new, if it is among the k smallest and not there yet; whether it was kept. */
        boolean offer(int row, int id, float key) {
            if (key > worst[row]) {
                return false;
            }
            int base = row * k;
            int size = sizes[row];
            if (size == k && !before(key, id, keys[base], ids[base])) {
                return false;
            }
            for (int s = 0; s < size; s++) {
                if (ids[base + s] == id) {
                    return false;
                }
            }
            if (size < k) {
                int i = size;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (!before(keys[base + parent], ids[base + parent], key, id)) {
                        break;
                    }
                    move(base, parent, i);
                    i = parent;
                }
                set(base, i, id, key, true);
                sizes[row] = size + 1;
            } else {
                siftDown(base, id, key, true, k);
            }
            if (sizes[row] == k) {
                worst[row] = keys[base];
            }
            return true;
        }

        /** Writes row {@code row}'s entries in ascending order from {@code offset}, emptying it. */
        void drainSorted(int row, int[] targetIds, float[] targetKeys, int offset) {
            int base = row * k;
            for (int last = sizes[row] - 1; last >= 0; last--) {
                targetIds[offset + last] = ids[base];
                targetKeys[offset + last] = keys[base];
                siftDown(base, ids[base + last], keys[base + last], isNew[base + last], last);
            }
            clear(row);
        }

        NeighborGraph toGraph() {
            int[] indices = new int[rows * k];
            float[] distances = new float[rows * k];
            for (int row = 0; row < rows; row++) {
                drainSorted(row, indices, distances, row * k);
            }
            return euclidean(rows, k, indices, distances);
        }

        private void siftDown(int base, int id, float key, boolean flag, int size) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && before(keys[base + child], ids[base + child], keys[base + child + 1],
                        ids[base + child + 1])) {
                    child++;
                }
                if (!before(key, id, keys[base + child], ids[base + child])) {
                    break;
                }
                move(base, child, i);
                i = child;
            }
            set(base, i, id, key, flag);
        }

        private void move(int base, int from, int to) {
            ids[base + to] = ids[base + from];
            keys[base + to] = keys[base + from];
            isNew[base + to] = isNew[base + from];
        }

        private void set(int base, int i, int id, float key, boolean flag) {
            ids[base + i] = id;
            keys[base + i] = key;
            isNew[base + i] = flag;
        }

        private static boolean before(float a, int aId, float b, int bId) {
            return a < b || (a == b && aId < bId);
        }
    }

    /** One block chunk's proposed updates: a row, the point offered to it and their squared distance. */
    private static final class Updates {
        int[] row = new int[1024];
        int[] other = new int[1024];
        float[] distance = new float[1024];
        int size;

        /** A join's scratch: its candidates, their rows gathered column by column, and distance sums. */
        private int[] members = new int[0];
        private float[] gathered = new float[0];
        private float[] sums = new float[0];

        void clear() {
            size = 0;
        }

        int[] members(int length) {
            if (members.length < length) {
                members = new int[length];
            }
            return members;
        }

        float[] gathered(int length) {
            if (gathered.length < length) {
                gathered = new float[length];
            }
            return gathered;
        }

        float[] sums(int length) {
            if (sums.length < length) {
                sums = new float[length];
            }
            return sums;
        }

        void add(int target, int offered, float d) {
            if (size == row.length) {
                row = Arrays.copyOf(row, size * 2);
                other = Arrays.copyOf(other, size * 2);
                distance = Arrays.copyOf(distance, size * 2);
            }
            row[size] = target;
            other[size] = offered;
            distance[size] = d;
            size++;
        }
    }

    /** The points still to expand in a query's walk, nearest first: a binary min-heap. */
    private static final class FrontQueue {
        private int[] ids = new int[64];
        private float[] keys = new float[64];
        private int size;

        void clear() {
            size = 0;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int peekId() {
            return ids[0];
        }

        float peekDistance() {
            return keys[0];
        }

        void push(int id, float key) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                keys = Arrays.copyOf(keys, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!Heaps.before(key, id, keys[parent], ids[parent])) {
                    break;
                }
                ids[i] = ids[parent];
                keys[i] = keys[parent];
                i = parent;
            }
            ids[i] = id;
            keys[i] = key;
        }

        void pop() {
            size--;
            int id = ids[size];
            float key = keys[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && Heaps.before(keys[child + 1], ids[child + 1], keys[child], ids[child])) {
                    child++;
                }
                if (!Heaps.before(keys[child], ids[child], key, id)) {
                    break;
                }
                ids[i] = ids[child];
                keys[i] = keys[child];
                i = child;
            }
            ids[i] = id;
            keys[i] = key;
        }
    }
}

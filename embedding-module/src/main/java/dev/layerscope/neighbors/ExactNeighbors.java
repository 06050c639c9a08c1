package dev.layerscope.neighbors;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Exact k-nearest neighbours by brute force, fast because the work is one matrix product: the squared distance
 * {@code |q|^2 + |r|^2 - 2 q.r} needs every dot product {@code q.r}, and a block of queries times the reference set
 * is a single BLAS GEMM (ND4J's OpenBLAS). For a set onto itself only the upper triangle is computed, each product
 * serving both its points. The distances are offered to each point's k nearest ({@link NearestPerRow}) on
 * {@code parallel}'s threads. Memory stays bounded: a block of at most {@link #ROW_BLOCK} queries meets the reference
 * set in tiles of at most {@link #BLOCK_VALUES} distances.
 * Exact neighbours make every method's result independent of an approximate search's randomness.
 */
public final class ExactNeighbors {

    /** Distances held at once: 16 M floats, 64 MB. */
    static final long BLOCK_VALUES = 16L << 20;
    /**
     * Query rows multiplied at once: each block reads the reference set once, so larger blocks read it fewer times;
     * 2,048 rows leave tiles of 8,192 reference rows within {@link #BLOCK_VALUES}.
     */
    static final int ROW_BLOCK = 2048;
    /** Rows that take a block's products together: the buffers of 512 rows of 90 neighbours (737 KB) fit in L2. */
    private static final int COLUMN_TILE = 512;

    private ExactNeighbors() {
    }

    /** The {@code k} nearest other points of every row of {@code data}. */
    public static NeighborGraph of(FloatMatrix data, int k, Parallel parallel) {
        if (k >= data.rows()) {
            throw new IllegalArgumentException("k = " + k + " neighbours needs more than k points, got " + data.rows());
        }
        return search(data, data, k, true, parallel);
    }

    /** The {@code k} nearest rows of {@code reference} to every row of {@code queries}. */
    public static NeighborGraph query(FloatMatrix reference, FloatMatrix queries, int k, Parallel parallel) {
        if (k > reference.rows()) {
            throw new IllegalArgumentException("k = " + k + " neighbours of a set of " + reference.rows() + " points");
        }
        if (reference.cols() != queries.cols()) {
            throw new IllegalArgumentException("queries have " + queries.cols() + " columns, the reference set "
                    + reference.cols());
        }
        return search(reference, queries, k, false, parallel);
    }

    private static NeighborGraph search(FloatMatrix reference, FloatMatrix queries, int k, boolean self,
                                        Parallel parallel) {
        return search(reference, queries, k, self, parallel, ROW_BLOCK, BLOCK_VALUES);
    }

    /**
     * The search in blocks of at most {@code rowBlock} query rows, each multiplied by the reference set in tiles of
     * {@code blockValues / rows} columns. Every block reads the whole reference set once, so the memory read grows
     * as {@code queries / rowBlock x n}: linear in n for a fixed number of queries. (Blocks of {@code blockValues / n}
     * rows against all n columns at once would read it {@code queries x n / blockValues} times, quadratic in n:
     * 10,000 queries onto 500,000 points of 784 columns were 300 passes over 1.6 GB.)
     */
    static NeighborGraph search(FloatMatrix reference, FloatMatrix queries, int k, boolean self, Parallel parallel,
                                int rowBlock, long blockValues) {
        int n = reference.rows();
        int d = reference.cols();
        int m = queries.rows();
        float[] referenceNorms = reference.rowSquaredNorms();
        float[] queryNorms = self ? referenceNorms : queries.rowSquaredNorms();
        NearestPerRow nearest = new NearestPerRow(self ? n : m, k);
        int block = Math.max(1, Math.min(m, rowBlock));
        int tile = (int) Math.max(1, Math.min(n, blockValues / block));
        // each thread's products go into one native buffer allocated once for every block and tile: a fresh 64 MB
        // a block cost almost half as much as the products themselves (allocation and first-touch page faults)
        int slots = Math.min(parallel.threads(), block);
        long capacity = (long) ((block + slots - 1) / slots) * tile;
        DataBuffer[] productBuffers = new DataBuffer[slots];
        // each part's row of products, copied off its native buffer, for every block and tile
        float[][] rowBuffers = new float[slots][tile];
        // and its copy of the tile's reference norms
        float[][] normBuffers = new float[slots][tile];
        try (INDArray referenceArray = Nd4j.create(reference.values(), new long[] {n, d}, 'c')) {
            for (int slot = 0; slot < slots; slot++) {
                productBuffers[slot] = Nd4j.createBuffer(DataType.FLOAT, capacity, false);
            }
            for (int start = 0; start < m; start += block) {
                int rows = Math.min(block, m - start);
                // Each thread multiplies its own rows of the block: the run's BLAS may have a single thread (its
                // count is fixed when the JVM starts, and training the MLP is fastest on one).
                int parts = Math.min(parallel.threads(), rows);
                INDArray[] queryParts = new INDArray[parts];
                try {
                    for (int part = 0; part < parts; part++) {
                        int from = start + rows * part / parts;
                        int to = start + rows * (part + 1) / parts;
                        queryParts[part] = Nd4j.create(Arrays.copyOfRange(queries.values(), from * d, to * d),
                                new long[] {to - from, d}, 'c');
                    }
                    // a block of a set onto itself needs only the columns from its own first row on
                    for (int tileStart = self ? start : 0; tileStart < n; tileStart += tile) {
                        multiplyTile(referenceArray, queryParts, productBuffers, rowBuffers, normBuffers, nearest,
                                queryNorms, referenceNorms, start, rows, tileStart, Math.min(tile, n - tileStart),
                                self, parallel);
                    }
                } finally {
                    for (INDArray part : queryParts) {
                        if (part != null) {
                            part.close();
                        }
                    }
                }
            }
        } finally {
            for (DataBuffer buffer : productBuffers) {
                if (buffer != null) {
                    buffer.close();
                }
            }
        }
        return graph(nearest, m, k);
    }

    /**
     * The products of the block's query rows {@code [start, start + rows)} with the reference rows {@code
     * [firstColumn, firstColumn + width)}, offered to the queries' rows of {@code nearest} and, for a set onto itself,
     * to those of the reference rows after the block.
     */
    private static void multiplyTile(INDArray referenceArray, INDArray[] queryParts, DataBuffer[] productBuffers,
                                     float[][] rowBuffers, float[][] normBuffers, NearestPerRow nearest,
                                     float[] queryNorms, float[] referenceNorms, int start, int rows,
                                     int firstColumn, int width, boolean self, Parallel parallel) {
        int parts = queryParts.length;
        // a view of the reference rows; views share their parent's memory and are not closed
        INDArray columns = referenceArray.get(NDArrayIndex.interval(firstColumn, firstColumn + width),
                NDArrayIndex.all());
        // each part's products, as a view the column pass reads again
        FloatBuffer[] products = new FloatBuffer[parts];
        parallel.forRange(parts, (fromPart, toPart) -> {
            for (int part = fromPart; part < toPart; part++) {
                float[] row = rowBuffers[part];
                float[] norms = normBuffers[part];
                // the tile's reference norms at the row's own indices: with an offset between the two, C2 leaves
                // the distance loop unvectorised (5x slower, measured on JDK 25)
                System.arraycopy(referenceNorms, firstColumn, norms, 0, width);
                int from = rows * part / parts;
                int to = rows * (part + 1) / parts;
                // a view of the thread's buffer: not closed, the buffer is
                INDArray dots = Nd4j.create(productBuffers[part], new long[] {to - from, width},
                        new long[] {width, 1}, 0, 'c');
                Nd4j.gemm(queryParts[part], columns, dots, false, true, 1.0, 0.0);
                FloatBuffer partProducts = dots.data().asNioFloat();
                products[part] = partProducts;
                for (int r = from; r < to; r++) {
                    int query = start + r;
                    // one bulk copy of the row off the native buffer, then the distances in a loop the JIT
                    // vectorises, then a scan against the row's bar held in a register: most distances are
                    // rejected by one comparison, without touching the row's buffer
                    partProducts.get((r - from) * width, row, 0, width);
                    squaredDistances(queryNorms[query], norms, row, width);
                    float bar = nearest.bar(query);
                    for (int c = 0; c < width; c++) {
                        if (row[c] <= bar) {
                            int j = firstColumn + c;
                            if (!(self && j == query)) {
                                nearest.offer(query, j, row[c]);
                                bar = nearest.bar(query);
                            }
                        }
                    }
                }
            }
        });
        int firstAfter = Math.max(0, start + rows - firstColumn);
        if (!self || firstAfter >= width) {
            return;
        }
        // the distance is symmetric: the rows after the block take their share of this block's rows from the same
        // products; each thread owns a range of them, so no two touch one row's buffer
        parallel.forRange(width - firstAfter, (fromColumn, toColumn) -> {
            // in tiles of columns, so that the tile's buffers stay in cache while every row of the block is offered
            // to them
            float[] row = new float[COLUMN_TILE];
            float[] norms = new float[COLUMN_TILE];
            // the tile's bars at the row's own indices, as the norms are: read at an offset through
            // NearestPerRow.bar, they made the scan 1.6x as slow; a bar only falls, on an offer to its own row
            float[] bars = new float[COLUMN_TILE];
            for (int tile = firstAfter + fromColumn; tile < firstAfter + toColumn; tile += COLUMN_TILE) {
                int tileEnd = Math.min(firstAfter + toColumn, tile + COLUMN_TILE);
                int tileFirst = firstColumn + tile;
                System.arraycopy(referenceNorms, tileFirst, norms, 0, tileEnd - tile);
                for (int c = 0; c < tileEnd - tile; c++) {
                    bars[c] = nearest.bar(tileFirst + c);
                }
                for (int part = 0; part < parts; part++) {
                    int partFrom = rows * part / parts;
                    int partTo = rows * (part + 1) / parts;
                    for (int r = partFrom; r < partTo; r++) {
                        int i = start + r;
                        products[part].get((r - partFrom) * width + tile, row, 0, tileEnd - tile);
                        squaredDistances(queryNorms[i], norms, row, tileEnd - tile);
                        for (int c = 0; c < tileEnd - tile; c++) {
                            if (row[c] <= bars[c]) {
                                nearest.offer(tileFirst + c, i, row[c]);
                                bars[c] = nearest.bar(tileFirst + c);
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * The {@code k} nearest of each query's {@code candidates} (rows of {@code reference}) by their exact distance
     * ({@link FloatMatrix#squaredDistance}, in double), equal distances in the order of the rows
     * ({@link NearestHeap}): the second step of a search whose candidates came from a cheaper or rounder space (a
     * projection, or the expanded products of {@link #query}). The result depends on the candidates' set, not on
     * their order or on the thread count.
     */
    public static NeighborGraph refine(FloatMatrix reference, FloatMatrix queries, NeighborGraph candidates, int k,
                                       Parallel parallel) {
        if (candidates.k() < k) {
            throw new IllegalArgumentException(candidates.k() + " candidates cannot give " + k + " neighbours");
        }
        return rank(reference, queries, candidates, parallel).nearest(k, candidates.k());
    }

    /**
     * All of each query's {@code candidates} ranked by their exact distance, as {@link #refine} ranks them: the
     * distances are computed once, and {@link RankedCandidates#nearest} then gives the refinement of any leading
     * part of the candidates for any k.
     */
    public static RankedCandidates rank(FloatMatrix reference, FloatMatrix queries, NeighborGraph candidates,
                                        Parallel parallel) {
        int m = queries.rows();
        int count = candidates.k();
        int[] rankedRows = new int[m * count];
        float[] rankedDistances = new float[m * count];
        int[] places = new int[m * count];
        int[] order = reference == queries ? neighboursFirst(candidates) : null;
        parallel.forRange(m, (from, to) -> {
            NearestHeap nearest = new NearestHeap(count);
            // each candidate's row above its place among the query's candidates, so that sorting orders by row
            long[] rowAndPlace = new long[count];
            int[] rows = new int[count];
            double[] distances = new double[count];
            int[] ranked = new int[count];
            double[] squared = new double[count];
            for (int position = from; position < to; position++) {
                int q = order == null ? position : order[position];
                int base = q * count;
                for (int r = 0; r < count; r++) {
                    rowAndPlace[r] = (long) candidates.indices()[base + r] << 32 | r;
                }
                // in row order, so that the reads run forward through the reference set
                Arrays.sort(rowAndPlace);
                for (int r = 0; r < count; r++) {
                    rows[r] = (int) (rowAndPlace[r] >>> 32);
                }
                squaredDistances(queries, q, reference, rows, distances);
                for (int r = 0; r < count; r++) {
                    nearest.offer(distances[r], rows[r]);
                }
                nearest.drain(ranked, squared, 0);
                for (int r = 0; r < count; r++) {
                    rankedRows[base + r] = ranked[r];
                    rankedDistances[base + r] = (float) Math.sqrt(squared[r]);
                    places[base + r] = (int) rowAndPlace[Arrays.binarySearch(rows, ranked[r])];
                }
            }
        });
        return new RankedCandidates(m, count, rankedRows, rankedDistances, places);
    }

    /**
     * The points of a set's candidate graph in breadth-first order: each point's candidates follow it, so points
     * ranked one after the other share most of their candidates, and those rows are still in cache (a 784-wide row
     * is 3 KB; 225 candidates fill a third of a core's L2, and in index order every query fetched all of them from
     * memory).
     */
    private static int[] neighboursFirst(NeighborGraph candidates) {
        int n = candidates.size();
        int count = candidates.k();
        int[] order = new int[n];
        boolean[] queued = new boolean[n];
        int tail = 0;
        for (int root = 0; root < n; root++) {
            if (queued[root]) {
                continue;
            }
            queued[root] = true;
            order[tail++] = root;
            for (int head = tail - 1; head < tail; head++) {
                int point = order[head];
                for (int r = 0; r < count; r++) {
                    int j = candidates.neighbor(point, r);
                    if (!queued[j]) {
                        queued[j] = true;
                        order[tail++] = j;
                    }
                }
            }
        }
        return order;
    }

    /**
     * {@code row[c] = queryNorm + norms[c] - 2 * row[c]}: the squared distances from a row of products, in a loop
     * the JIT vectorises as long as both arrays are read at the same index (Java's float arithmetic is exact to the
     * operation, so each value is the same as one computed alone).
     */
    private static void squaredDistances(float queryNorm, float[] norms, float[] row, int count) {
        for (int c = 0; c < count; c++) {
            row[c] = queryNorm + norms[c] - 2 * row[c];
        }
    }

    /**
     * The squared distance of query row {@code q} to each of the reference {@code rows}, each summed in double in
     * column order exactly as {@link FloatMatrix#squaredDistance} does (so the same value), four rows at a time: a
     * single sum waits on its previous addition at every column, four independent sums keep the core busy.
     */
    private static void squaredDistances(FloatMatrix queries, int q, FloatMatrix reference, int[] rows,
                                         double[] out) {
        int cols = queries.cols();
        float[] query = queries.values();
        float[] values = reference.values();
        int queryBase = q * cols;
        int r = 0;
        for (; r + 3 < rows.length; r += 4) {
            int base0 = rows[r] * cols;
            int base1 = rows[r + 1] * cols;
            int base2 = rows[r + 2] * cols;
            int base3 = rows[r + 3] * cols;
            double sum0 = 0;
            double sum1 = 0;
            double sum2 = 0;
            double sum3 = 0;
            for (int c = 0; c < cols; c++) {
                double x = query[queryBase + c];
                double d0 = x - values[base0 + c];
                double d1 = x - values[base1 + c];
                double d2 = x - values[base2 + c];
                double d3 = x - values[base3 + c];
                sum0 += d0 * d0;
                sum1 += d1 * d1;
                sum2 += d2 * d2;
                sum3 += d3 * d3;
            }
            out[r] = sum0;
            out[r + 1] = sum1;
            out[r + 2] = sum2;
            out[r + 3] = sum3;
        }
        for (; r < rows.length; r++) {
            out[r] = queries.squaredDistance(q, reference, rows[r]);
        }
    }

    /** A graph of Euclidean distances from squared ones listed nearest first, {@code k} per point. */
    public static NeighborGraph euclidean(int size, int k, int[] indices, double[] squared) {
        float[] distances = new float[squared.length];
        for (int i = 0; i < squared.length; i++) {
            distances[i] = (float) Math.sqrt(squared[i]);
        }
        return new NeighborGraph(size, k, indices, distances);
    }

    /** The first {@code m} rows' nearest as a graph of Euclidean distances (the rows hold squared ones). */
    private static NeighborGraph graph(NearestPerRow nearest, int m, int k) {
        int[] indices = new int[m * k];
        float[] distances = new float[m * k];
        for (int q = 0; q < m; q++) {
            nearest.drainSorted(q, indices, distances, q * k);
        }
        for (int i = 0; i < distances.length; i++) {
            // the expanded form |q|^2 + |r|^2 - 2 q.r can round below zero for a point's duplicate
            distances[i] = (float) Math.sqrt(Math.max(0f, distances[i]));
        }
        return new NeighborGraph(m, k, indices, distances);
    }
}

package dev.layerscope.reduce.umap;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.GramSchmidt;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.linalg.SymmetricEigen;
import dev.layerscope.reduce.pca.Pca;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * umap-learn's {@code spectral_layout}: the eigenvectors 2 and 3 of the normalised Laplacian
 * {@code I - D^-1/2 W D^-1/2} of the fuzzy graph, per connected component ({@code multi_component_layout}).
 *
 * <p>umap-learn asks ARPACK for the smallest eigenvalues of the Laplacian; ARPACK is not available here. The same
 * vectors are the largest eigenvectors of {@code N = D^-1/2 W D^-1/2} after the known top one, {@code sqrt(d)},
 * which is projected out. They are found by Chebyshev-filtered subspace iteration: on a graph of a manifold the
 * wanted eigenvalues of {@code N} crowd just below 1, where plain power iteration needs thousands of products,
 * while a Chebyshev polynomial that is small on {@code [-1, cut]} (cut: the block's smallest Ritz value) separates
 * them in a few hundred. Each product is one pass over the sparse rows, split between threads by row, and every
 * reduction runs on one thread, so the result does not depend on the thread count. Past {@link #MAX_ROUNDS} filter
 * rounds the caller falls back to PCA, as umap-learn does when its eigensolver fails.
 */
final class SpectralInit {

    private static final Logger LOG = LoggerFactory.getLogger(SpectralInit.class);
    private static final int BLOCK = 8;
    private static final int DEGREE = 10;
    private static final int MAX_ROUNDS = 60;
    /** umap-learn's eigsh tolerance, here on the residual norm of each unit eigenvector of N. */
    private static final double TOLERANCE = 1e-4;

    private SpectralInit() {
    }

    /** The 2-D spectral layout of {@code graph}, or null when an eigensolve did not converge. */
    static float[] layout(SparseGraph graph, FloatMatrix data, long seed, Parallel parallel) {
        int n = graph.vertices();
        int[] labels = new int[n];
        int components = label(graph, labels);
        int[][] members = membersOf(labels, components);
        SplittableRandom random = new SplittableRandom(seed);
        float[] result = new float[2 * n];
        if (components == 1) {
            double[][] vectors = eigenvectors(graph, members[0], random, parallel);
            if (vectors == null) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                result[2 * i] = (float) vectors[0][i];
                result[2 * i + 1] = (float) vectors[1][i];
            }
            return result;
        }
        double[][] meta = metaEmbedding(data, members);
        for (int c = 0; c < components; c++) {
            double range = Double.POSITIVE_INFINITY;
            for (int other = 0; other < components; other++) {
                double distance = Math.hypot(meta[c][0] - meta[other][0], meta[c][1] - meta[other][1]);
                if (distance > 0) {
                    range = Math.min(range, distance / 2);
                }
            }
            int[] component = members[c];
            if (component.length < 4) {
                for (int v : component) {
                    result[2 * v] = (float) (meta[c][0] + random.nextDouble(-range, range));
                    result[2 * v + 1] = (float) (meta[c][1] + random.nextDouble(-range, range));
                }
                continue;
            }
            double[][] vectors = eigenvectors(graph, component, random, parallel);
            if (vectors == null) {
                return null;
            }
            double max = 0;
            for (double[] vector : vectors) {
                for (double value : vector) {
                    max = Math.max(max, Math.abs(value));
                }
            }
            double expansion = range / max;
            for (int local = 0; local < component.length; local++) {
                int v = component[local];
                result[2 * v] = (float) (vectors[0][local] * expansion + meta[c][0]);
                result[2 * v + 1] = (float) (vectors[1][local] * expansion + meta[c][1]);
            }
        }
        return result;
    }

    /** Connected component labels by breadth-first search; returns the number of components. */
    private static int label(SparseGraph graph, int[] labels) {
        int n = graph.vertices();
        java.util.Arrays.fill(labels, -1);
        int[] queue = new int[n];
        int components = 0;
        for (int start = 0; start < n; start++) {
            if (labels[start] >= 0) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            labels[start] = components;
            while (head < tail) {
                int v = queue[head++];
                for (int e = graph.offsets()[v]; e < graph.offsets()[v + 1]; e++) {
                    int w = graph.columns()[e];
                    if (labels[w] < 0) {
                        labels[w] = components;
                        queue[tail++] = w;
                    }
                }
            }
            components++;
        }
        return components;
    }

    private static int[][] membersOf(int[] labels, int components) {
        int[] sizes = new int[components];
        for (int label : labels) {
            sizes[label]++;
        }
        int[][] members = new int[components][];
        for (int c = 0; c < components; c++) {
            members[c] = new int[sizes[c]];
            sizes[c] = 0;
        }
        for (int v = 0; v < labels.length; v++) {
            members[labels[v]][sizes[labels[v]]++] = v;
        }
        return members;
    }

    /**
     * Where each component's layout is centred, at most 1 from the origin. Up to four components sit on the axes,
     * as in umap-learn. For more, umap-learn spectrally embeds the components' centroids with affinities
     * {@code exp(-distance^2)}, which underflow to 0 for components far apart in the data; here the centroids are
     * placed by PCA instead, which keeps their relative distances.
     */
    private static double[][] metaEmbedding(FloatMatrix data, int[][] members) {
        int components = members.length;
        double[][] meta = new double[components][2];
        if (components <= 4) {
            int half = (components + 1) / 2;
            for (int c = 0; c < components; c++) {
                meta[c][c % half] = c < half ? 1 : -1;
            }
            return meta;
        }
        int d = data.cols();
        float[] centroids = new float[components * d];
        for (int c = 0; c < components; c++) {
            double[] sum = new double[d];
            for (int v : members[c]) {
                for (int j = 0; j < d; j++) {
                    sum[j] += data.get(v, j);
                }
            }
            for (int j = 0; j < d; j++) {
                centroids[c * d + j] = (float) (sum[j] / members[c].length);
            }
        }
        FloatMatrix centroidMatrix = new FloatMatrix(components, d, centroids);
        FloatMatrix projected = Pca.fit(centroidMatrix, 2).transform(centroidMatrix);
        double max = 0;
        for (float value : projected.values()) {
            max = Math.max(max, Math.abs(value));
        }
        for (int c = 0; c < components; c++) {
            meta[c][0] = projected.get(c, 0) / max;
            meta[c][1] = projected.get(c, 1) / max;
        }
        return meta;
    }

    /**
     * Eigenvectors 2 and 3 of the normalised Laplacian of the subgraph on {@code vertices} (a connected
     * component, ascending), indexed like {@code vertices}; null when they did not converge.
     */
    private static double[][] eigenvectors(SparseGraph graph, int[] vertices, SplittableRandom random,
                                           Parallel parallel) {
        Normalized matrix = Normalized.of(graph, vertices);
        int m = vertices.length;
        int p = Math.min(BLOCK, m - 1);
        double[] x = new double[m * p];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        matrix.deflate(x, p);
        GramSchmidt.orthonormalize(x, p, m, 1, p);
        double[] w = new double[m * p];
        double[] previous = new double[m * p];
        double[] next = new double[m * p];
        for (int round = 0; round < MAX_ROUNDS; round++) {
            matrix.times(x, w, p, parallel);
            double[][] small = new double[p][p];
            for (int r = 0; r < p; r++) {
                for (int c = r; c < p; c++) {
                    double sum = 0;
                    for (int i = 0; i < m; i++) {
                        sum += x[i * p + r] * w[i * p + c];
                    }
                    small[r][c] = sum;
                    small[c][r] = sum;
                }
            }
            SymmetricEigen ritz = SymmetricEigen.of(small);
            rotate(x, ritz, m, p);
            rotate(w, ritz, m, p);
            double[] theta = ritz.values();
            if (residual(x, w, theta[0], 0, m, p) < TOLERANCE && residual(x, w, theta[1], 1, m, p) < TOLERANCE) {
                LOG.debug("spectral initialisation of {} points: {} filter rounds", m, round);
                return new double[][] {signFixedColumn(x, 0, m, p), signFixedColumn(x, 1, m, p)};
            }
            double cut = theta[p - 1];
            double halfWidth = (cut + 1) / 2;
            double centre = (cut - 1) / 2;
            // Chebyshev recurrence T_{k+1} = 2 s T_k - T_{k-1} with s = (N - centre) / halfWidth
            System.arraycopy(x, 0, previous, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                x[i] = (w[i] - centre * x[i]) / halfWidth;
            }
            for (int k = 2; k <= DEGREE; k++) {
                matrix.times(x, next, p, parallel);
                for (int i = 0; i < x.length; i++) {
                    next[i] = 2 * (next[i] - centre * x[i]) / halfWidth - previous[i];
                }
                double[] recycled = previous;
                previous = x;
                x = next;
                next = recycled;
            }
            matrix.deflate(x, p);
            GramSchmidt.orthonormalize(x, p, m, 1, p);
        }
        return null;
    }

    /** {@code x := x V}, V the Ritz vectors, so column c of x is the c-th Ritz vector. */
    private static void rotate(double[] x, SymmetricEigen ritz, int m, int p) {
        double[][] v = new double[p][];
        for (int c = 0; c < p; c++) {
            v[c] = ritz.vector(c);
        }
        double[] row = new double[p];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < p; c++) {
                double sum = 0;
                for (int r = 0; r < p; r++) {
                    sum += x[i * p + r] * v[c][r];
                }
                row[c] = sum;
            }
            System.arraycopy(row, 0, x, i * p, p);
        }
    }

    private static double residual(double[] x, double[] w, double theta, int column, int m, int p) {
        double sum = 0;
        for (int i = 0; i < m; i++) {
            double r = w[i * p + column] - theta * x[i * p + column];
            sum += r * r;
        }
        return Math.sqrt(sum);
    }

    /** Column {@code c}, signed so its entry of largest magnitude is positive: a fixed picture, not a mirror. */
    private static double[] signFixedColumn(double[] x, int c, int m, int p) {
        double[] column = new double[m];
        int largest = 0;
        for (int i = 0; i < m; i++) {
            column[i] = x[i * p + c];
            if (Math.abs(column[i]) > Math.abs(column[largest])) {
                largest = i;
            }
        }
        if (column[largest] < 0) {
            for (int i = 0; i < m; i++) {
                column[i] = -column[i];
            }
        }
        return column;
    }

    /**
     * {@code N = D^-1/2 W D^-1/2} of one component in local indices, with its top eigenvector {@code sqrt(d)} (unit
     * length) that every product is deflated against.
     */
    private record Normalized(int[] offsets, int[] columns, double[] weights, double[] top) {

        static Normalized of(SparseGraph graph, int[] vertices) {
            int m = vertices.length;
            int[] local = new int[graph.vertices()];
            for (int i = 0; i < m; i++) {
                local[vertices[i]] = i;
            }
            int[] offsets = new int[m + 1];
            double[] degree = new double[m];
            for (int i = 0; i < m; i++) {
                int v = vertices[i];
                offsets[i + 1] = offsets[i] + graph.offsets()[v + 1] - graph.offsets()[v];
                for (int e = graph.offsets()[v]; e < graph.offsets()[v + 1]; e++) {
                    degree[i] += graph.weights()[e];
                }
            }
            int[] columns = new int[offsets[m]];
            double[] weights = new double[offsets[m]];
            double norm = 0;
            for (int i = 0; i < m; i++) {
                int v = vertices[i];
                int at = offsets[i];
                for (int e = graph.offsets()[v]; e < graph.offsets()[v + 1]; e++, at++) {
                    int j = local[graph.columns()[e]];
                    columns[at] = j;
                    weights[at] = graph.weights()[e] / Math.sqrt(degree[i] * degree[j]);
                }
                norm += degree[i];
            }
            double[] top = new double[m];
            for (int i = 0; i < m; i++) {
                top[i] = Math.sqrt(degree[i] / norm);
            }
            return new Normalized(offsets, columns, weights, top);
        }

        /**
         * {@code y := N x} for the m x p block x, then deflated. A row's p sums are kept in a small array of their
         * own while its edges stream past, then written once: adding into {@code y} itself stored and reloaded them
         * at every edge. Each sum still adds its terms in edge order, so the values are the same.
         */
        void times(double[] x, double[] y, int p, Parallel parallel) {
            parallel.forRange(top.length, (start, end) -> {
                double[] sums = new double[p];
                for (int i = start; i < end; i++) {
                    Arrays.fill(sums, 0);
                    for (int e = offsets[i]; e < offsets[i + 1]; e++) {
                        double weight = weights[e];
                        int source = columns[e] * p;
                        for (int c = 0; c < p; c++) {
                            sums[c] += weight * x[source + c];
                        }
                    }
                    System.arraycopy(sums, 0, y, i * p, p);
                }
            });
            deflate(y, p);
        }

        /**
         * Removes the top eigenvector's share from every column of the block, in two passes over the rows (all p
         * dot products, then all p subtractions) instead of two per column: the block is stored row by row, so a
         * pass per column read every cache line of it. Each dot product still sums over the rows in order, on one
         * thread, so the values are the same.
         */
        void deflate(double[] x, int p) {
            double[] dots = new double[p];
            for (int i = 0; i < top.length; i++) {
                double t = top[i];
                int row = i * p;
                for (int c = 0; c < p; c++) {
                    dots[c] += t * x[row + c];
                }
            }
            for (int i = 0; i < top.length; i++) {
                double t = top[i];
                int row = i * p;
                for (int c = 0; c < p; c++) {
                    x[row + c] -= dots[c] * t;
                }
            }
        }
    }
}

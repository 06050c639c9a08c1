package dev.layerscope.neighbors;

import dev.layerscope.data.Idx;
import dev.layerscope.data.Npy;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.reduce.pca.Pca;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The exact and the approximate neighbour search side by side on real data, for bench/neighbors-bench.sh:
 * Fashion-MNIST's 70,000 images (train and test) projected to their leading principal components (width 100, as the
 * reduce stage searches raw pixels, and 64), or a captured layer's {@code .npy} ({@code --activations}); above the
 * real points, augmented copies: an image shifted by up to one pixel each way with noise of 8 grey levels, an
 * activation with Gaussian noise of 5% of each column's spread, so the data keep their structure. Prints one table
 * row per size, width and k: seconds of each search, the approximate one's recall on a seeded sample (exact
 * neighbours of the sample only), and the peak heap each search used. With {@code --queries m}, instead: the exact
 * search of m further points (augmented copies past the largest size) onto each size, as the knn stage and the
 * reduce stage's test split search: seconds and peak heap.
 *
 * <pre>NeighborBench --data DIR [--activations FILE.npy] --sizes 10000,20000 --widths 64,100 --k 15,90
 *     [--threads 2] [--exact-up-to 200000] [--recall-sample 2000] [--queries 10000] [--dry-run]</pre>
 */
public final class NeighborBench {

    private NeighborBench() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of("../shared/data/fashion-mnist");
        Path activations = null;
        int[] sizes = {10_000, 20_000, 50_000, 100_000, 200_000};
        int[] widths = {64, 100};
        int[] ks = {15, 90};
        int threads = 2;
        int exactUpTo = 200_000;
        int recallSample = 2000;
        int queries = 0;
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--activations" -> activations = Path.of(args[++i]);
                case "--sizes" -> sizes = ints(args[++i]);
                case "--widths" -> widths = ints(args[++i]);
                case "--k" -> ks = ints(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--exact-up-to" -> exactUpTo = Integer.parseInt(args[++i]);
                case "--recall-sample" -> recallSample = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--dry-run" -> dryRun = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int largest = Arrays.stream(sizes).max().orElseThrow();
        String source = activations == null ? "Fashion-MNIST pixels (" + data + ") in their leading principal "
                + "components" : "activations " + activations + " (and their leading principal components when "
                + "narrower)";
        System.out.printf(Locale.ROOT, "# %s; sizes %s, widths %s, k %s, %d thread(s), exact search up to %d points,"
                + " recall on %d points, max heap %d MB%n", source, Arrays.toString(sizes), Arrays.toString(widths),
                Arrays.toString(ks), threads, exactUpTo, recallSample, Runtime.getRuntime().maxMemory() >> 20);
        if (dryRun) {
            for (int width : widths) {
                for (int n : sizes) {
                    for (int k : ks) {
                        System.out.printf(Locale.ROOT, "would run: n = %d, width %d, k = %d: %s%n", n, width, k,
                                queries > 0 ? "exact search of " + queries + " other points"
                                        : n <= exactUpTo ? "exact and approximate" : "approximate only");
                    }
                }
            }
            if (activations == null && !Files.isDirectory(data)) {
                System.out.println("note: " + data + " is missing; the run needs the Fashion-MNIST IDX files there");
            }
            return;
        }
        if (queries > 0) {
            queryRows(data, activations, sizes, largest, widths, ks, queries, threads);
            return;
        }
        System.out.println("| n | width | k | exact s | approximate s | exact / approximate | recall | "
                + "exact peak heap MB | approximate peak heap MB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        try (Parallel parallel = new Parallel(threads)) {
            for (int width : widths) {
                FloatMatrix points = activations == null ? images(data, largest, width, parallel)
                        : activations(activations, largest, width, parallel);
                for (int n : sizes) {
                    FloatMatrix subset = new FloatMatrix(n, width, Arrays.copyOf(points.values(), n * width));
                    for (int k : ks) {
                        row(subset, k, exactUpTo, recallSample, parallel);
                    }
                }
            }
        }
    }

    /** The exact search of {@code count} points past the largest size onto each size, one table row each. */
    private static void queryRows(Path data, Path activations, int[] sizes, int largest, int[] widths, int[] ks,
                                  int count, int threads) throws IOException {
        System.out.println("| n | width | k | queries | exact query s | peak heap MB |");
        System.out.println("|---|---|---|---|---|---|");
        try (Parallel parallel = new Parallel(threads)) {
            for (int width : widths) {
                FloatMatrix points = activations == null ? images(data, largest + count, width, parallel)
                        : activations(activations, largest + count, width, parallel);
                int cols = points.cols();
                FloatMatrix queries = new FloatMatrix(count, cols, Arrays.copyOfRange(points.values(),
                        largest * cols, (largest + count) * cols));
                for (int n : sizes) {
                    FloatMatrix subset = new FloatMatrix(n, cols, Arrays.copyOf(points.values(), n * cols));
                    for (int k : ks) {
                        resetPeaks();
                        long start = System.nanoTime();
                        ExactNeighbors.query(subset, queries, k, parallel);
                        double seconds = (System.nanoTime() - start) / 1e9;
                        System.out.printf(Locale.ROOT, "| %,d | %d | %d | %,d | %.1f | %d |%n", n, cols, k, count,
                                seconds, peakHeap() >> 20);
                    }
                }
            }
        }
    }

    private static void row(FloatMatrix points, int k, int exactUpTo, int recallSample, Parallel parallel) {
        int n = points.rows();
        double exactSeconds = Double.NaN;
        long exactHeap = -1;
        if (n <= exactUpTo) {
            resetPeaks();
            long start = System.nanoTime();
            ExactNeighbors.of(points, k, parallel);
            exactSeconds = (System.nanoTime() - start) / 1e9;
            exactHeap = peakHeap();
        }
        NeighborSearch.Options d = NeighborSearch.Options.defaults();
        NeighborSearch.Options approximate = new NeighborSearch.Options(0, d.seed(), d.trees(), d.leafSize(),
                d.maxCandidates(), d.iterations(), d.stop(), d.searchEpsilon(), 0);
        resetPeaks();
        long start = System.nanoTime();
        NeighborGraph graph = NeighborSearch.of(points, k, approximate, parallel).graph();
        double approximateSeconds = (System.nanoTime() - start) / 1e9;
        long approximateHeap = peakHeap();
        int[] sample = dev.layerscope.linalg.SeededRows.uniform(n, recallSample, 7);
        double recall = NeighborSearch.recall(points, points, graph, true, sample, parallel);
        System.out.printf(Locale.ROOT, "| %,d | %d | %d | %s | %.1f | %s | %.4f | %s | %d |%n", n, points.cols(), k,
                Double.isNaN(exactSeconds) ? "-" : String.format(Locale.ROOT, "%.1f", exactSeconds),
                approximateSeconds, Double.isNaN(exactSeconds) ? "-"
                        : String.format(Locale.ROOT, "%.2f", exactSeconds / approximateSeconds), recall,
                exactHeap < 0 ? "-" : Long.toString(exactHeap >> 20), approximateHeap >> 20);
    }

    /**
     * {@code count} points of {@code width}: Fashion-MNIST's train and test images, then shifted noisy copies of
     * them, projected onto the leading principal components of the real images.
     */
    private static FloatMatrix images(Path dir, int count, int width, Parallel parallel) throws IOException {
        Idx.Images train = Idx.readImages(dir.resolve("train-images-idx3-ubyte.gz"));
        Idx.Images test = Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz"));
        int pixels = train.rows() * train.cols();
        int real = train.count() + test.count();
        byte[] all = Arrays.copyOf(train.pixels(), real * pixels);
        System.arraycopy(test.pixels(), 0, all, train.count() * pixels, test.count() * pixels);
        FloatMatrix realImages = toFloats(all, real, pixels, 0, real);
        Pca pca = Pca.fit(realImages, width, parallel);
        float[] values = new float[Math.multiplyExact(count, width)];
        int chunk = 20_000;
        SplittableRandom random = new SplittableRandom(19);
        for (int start = 0; start < count; start += chunk) {
            int rows = Math.min(chunk, count - start);
            FloatMatrix images;
            if (start + rows <= real) {
                images = toFloats(all, real, pixels, start, rows);
            } else {
                images = FloatMatrix.zeros(rows, pixels);
                for (int r = 0; r < rows; r++) {
                    int source = start + r < real ? start + r : random.nextInt(real);
                    int dx = start + r < real ? 0 : random.nextInt(3) - 1;
                    int dy = start + r < real ? 0 : random.nextInt(3) - 1;
                    double noise = start + r < real ? 0 : 8;
                    for (int y = 0; y < train.rows(); y++) {
                        for (int x = 0; x < train.cols(); x++) {
                            int sy = y - dy;
                            int sx = x - dx;
                            double value = sy < 0 || sx < 0 || sy >= train.rows() || sx >= train.cols() ? 0
                                    : all[source * pixels + sy * train.cols() + sx] & 0xff;
                            value += noise * random.nextGaussian();
                            images.set(r, y * train.cols() + x, (float) (Math.clamp(value, 0, 255) / 255.0));
                        }
                    }
                }
            }
            FloatMatrix projected = pca.transform(images, parallel);
            System.arraycopy(projected.values(), 0, values, start * width, rows * width);
        }
        return new FloatMatrix(count, width, values);
    }

    private static FloatMatrix toFloats(byte[] pixels, int count, int width, int first, int rows) {
        float[] values = new float[rows * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (pixels[first * width + i] & 0xff) / 255f;
        }
        return new FloatMatrix(rows, width, values);
    }

    /**
     * {@code count} rows of a captured layer: its rows, then copies with Gaussian noise of 5% of each column's
     * standard deviation; projected to {@code width} principal components when the layer is wider.
     */
    private static FloatMatrix activations(Path file, int count, int width, Parallel parallel) throws IOException {
        Npy.Floats read = Npy.readFloats(file);
        int real = (int) read.shape()[0];
        int cols = (int) read.shape()[1];
        FloatMatrix layer = new FloatMatrix(real, cols, read.values());
        if (cols > width) {
            layer = Pca.fit(layer, width, parallel).transform(layer, parallel);
            cols = width;
        }
        double[] spread = new double[cols];
        for (int c = 0; c < cols; c++) {
            double sum = 0;
            double squares = 0;
            for (int r = 0; r < real; r++) {
                double v = layer.get(r, c);
                sum += v;
                squares += v * v;
            }
            spread[c] = Math.sqrt(Math.max(0, squares / real - (sum / real) * (sum / real)));
        }
        float[] values = new float[Math.multiplyExact(count, cols)];
        SplittableRandom random = new SplittableRandom(19);
        for (int r = 0; r < count; r++) {
            int source = r < real ? r : random.nextInt(real);
            for (int c = 0; c < cols; c++) {
                double value = layer.get(source, c);
                if (r >= real) {
                    value += 0.05 * spread[c] * random.nextGaussian();
                }
                values[r * cols + c] = (float) value;
            }
        }
        return new FloatMatrix(count, cols, values);
    }

    private static int[] ints(String list) {
        List<Integer> values = new ArrayList<>();
        for (String part : list.split(",")) {
            values.add(Integer.parseInt(part.trim().replace("_", "")));
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the last reset: an upper bound of the heap in use at once. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}

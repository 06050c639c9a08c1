package dev.layerscope.reduce.trimap;

import dev.layerscope.linalg.Parallel;
import java.util.Arrays;

/**
 * Minimises the weighted triplet loss {@code sum_t w_t d_ij / (d_ij + d_ik)}, {@code d = 1 + |y_a - y_b|^2} (the
 * inverse of the Student-t similarity), by the reference's delta-bar-delta: momentum gradient descent whose gradient
 * is taken at the look-ahead point {@code y + gamma v}, with a gain per coordinate that grows while the gradient
 * keeps pushing the same way and shrinks when it overshoots. The gains let points that need to travel far do so
 * without a learning rate that would make settled points oscillate.
 *
 * <p>The embedding holds fixed points first and the points that move after them: a fit moves all, a transform only
 * the new ones. The gradient is summed over triplets in one contiguous chunk per thread, each into its own buffer,
 * and the buffers are added in chunk order, so a given thread count always gives the same bits.
 */
final class Descent {

    private static final double INITIAL_MOMENTUM = 0.5;
    private static final double FINAL_MOMENTUM = 0.8;
    /** The reference's momentum stays at the initial value through this iteration (0-based). */
    private static final int MOMENTUM_SWITCH_ITERATION = 250;
    private static final double INCREASE_GAIN = 0.2;
    private static final double DAMP_GAIN = 0.8;
    private static final double MIN_GAIN = 0.01;

    private final double[] embedding;
    private final double[] ahead;
    private final double[] velocity;
    private final double[] gain;
    private final int firstMovable;
    private final int[] points;
    private final float[] weights;
    private final double learningRate;
    private final Parallel parallel;
    private final double[][] chunkGradients;
    private final double[] chunkLosses;
    private final Parallel.RangeBody accumulate = this::accumulate;
    private final Parallel.RangeBody update = this::update;
    private final Parallel.RangeBody sumLosses = this::sumLosses;
    private int iteration;

    /**
     * @param embedding    {@code x, y} pairs, updated in place; points before {@code firstMovable} stay put
     * @param points       three point indices per triplet: anchor, similar, outlier
     * @param learningRate the reference's {@code lr}, applied to its summed gradient
     */
    Descent(double[] embedding, int firstMovable, int[] points, float[] weights, double learningRate,
            Parallel parallel) {
        this.embedding = embedding;
        this.ahead = embedding.clone();
        int movable = embedding.length - 2 * firstMovable;
        this.velocity = new double[movable];
        this.gain = new double[movable];
        Arrays.fill(gain, 1);
        this.firstMovable = firstMovable;
        this.points = points;
        this.weights = weights;
        this.learningRate = learningRate;
        this.parallel = parallel;
        this.chunkGradients = new double[parallel.threads()][movable];
        this.chunkLosses = new double[parallel.threads()];
    }

    void run(int iterations) {
        for (iteration = 0; iteration < iterations; iteration++) {
            parallel.forRange(chunkGradients.length, accumulate);
            parallel.forRange(velocity.length, update);
        }
    }

    /** The mean weighted triplet loss at the current embedding, the figure the reference reports. */
    double loss() {
        parallel.forRange(chunkLosses.length, sumLosses);
        double sum = 0;
        for (double chunkLoss : chunkLosses) {
            sum += chunkLoss;
        }
        return sum / weights.length;
    }

    private static double momentum(int iteration) {
        return iteration > MOMENTUM_SWITCH_ITERATION ? FINAL_MOMENTUM : INITIAL_MOMENTUM;
    }

    private int chunkStart(int chunk) {
        return (int) ((long) weights.length * chunk / chunkGradients.length);
    }

    /**
     * Adds each triplet's gradient at the look-ahead point. Like the reference it is half the exact derivative
     * ({@code d/dy_i = 2 w (y_ij d_ik - y_ik d_ij) / (d_ij + d_ik)^2}); its learning rate is set for that.
     */
    private void accumulate(int firstChunk, int endChunk) {
        for (int chunk = firstChunk; chunk < endChunk; chunk++) {
            double[] gradient = chunkGradients[chunk];
            for (int t = chunkStart(chunk), end = chunkStart(chunk + 1); t < end; t++) {
                int i = points[3 * t];
                int j = points[3 * t + 1];
                int k = points[3 * t + 2];
                double ix = ahead[2 * i];
                double iy = ahead[2 * i + 1];
                double ijx = ix - ahead[2 * j];
                double ijy = iy - ahead[2 * j + 1];
                double ikx = ix - ahead[2 * k];
                double iky = iy - ahead[2 * k + 1];
                double dij = 1 + ijx * ijx + ijy * ijy;
                double dik = 1 + ikx * ikx + iky * iky;
                double sum = dij + dik;
                double scale = weights[t] / (sum * sum);
                double sx = ijx * dik * scale;
                double sy = ijy * dik * scale;
                double ox = ikx * dij * scale;
                double oy = iky * dij * scale;
                add(gradient, i, sx - ox, sy - oy);
                add(gradient, j, -sx, -sy);
                add(gradient, k, ox, oy);
            }
        }
    }

    private void add(double[] gradient, int point, double x, double y) {
        int slot = 2 * (point - firstMovable);
        if (slot >= 0) {
            gradient[slot] += x;
            gradient[slot + 1] += y;
        }
    }

    /** Delta-bar-delta on movable coordinates {@code [start, end)}; clears the chunk buffers for the next pass. */
    private void update(int start, int end) {
        double gamma = momentum(iteration);
        double nextGamma = momentum(iteration + 1);
        int offset = 2 * firstMovable;
        for (int c = start; c < end; c++) {
            double gradient = 0;
            for (double[] chunkGradient : chunkGradients) {
                gradient += chunkGradient[c];
                chunkGradient[c] = 0;
            }
            gain[c] = Math.signum(velocity[c]) != Math.signum(gradient)
                    ? gain[c] + INCREASE_GAIN
                    : Math.max(gain[c] * DAMP_GAIN, MIN_GAIN);
            velocity[c] = gamma * velocity[c] - learningRate * gain[c] * gradient;
            embedding[offset + c] += velocity[c];
            ahead[offset + c] = embedding[offset + c] + nextGamma * velocity[c];
        }
    }

    private void sumLosses(int firstChunk, int endChunk) {
        for (int chunk = firstChunk; chunk < endChunk; chunk++) {
            double loss = 0;
            for (int t = chunkStart(chunk), end = chunkStart(chunk + 1); t < end; t++) {
                int i = points[3 * t];
                int j = points[3 * t + 1];
                int k = points[3 * t + 2];
                double dij = 1 + squaredDistance(i, j);
                double dik = 1 + squaredDistance(i, k);
                loss += weights[t] * dij / (dij + dik);
            }
            chunkLosses[chunk] = loss;
        }
    }

    private double squaredDistance(int a, int b) {
        double dx = embedding[2 * a] - embedding[2 * b];
        double dy = embedding[2 * a + 1] - embedding[2 * b + 1];
        return dx * dx + dy * dy;
    }
}

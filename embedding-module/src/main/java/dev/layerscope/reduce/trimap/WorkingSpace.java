package dev.layerscope.reduce.trimap;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.reduce.pca.Pca;

/**
 * The coordinates the reference measures every distance in, and starts the embedding from. Wide data is centred and
 * projected on its leading principal components (the reference's {@code TruncatedSVD} of the centred data), which
 * keeps the triplet weights' distance computations cheap and discards the noisiest directions. Narrow data is kept,
 * but shifted and divided so that all its values lie in [0, 1], then centred, as the reference does: the scaled
 * distances do not notice that, but the initial embedding's scale does.
 */
final class WorkingSpace {

    /** The reference starts from the two leading principal coordinates shrunk to this scale. */
    static final double INITIAL_SCALE = 0.01;

    private final Pca pca;
    private final float min;
    private final float range;
    private final float[] mean;

    private WorkingSpace(Pca pca, float min, float range, float[] mean) {
        this.pca = pca;
        this.min = min;
        this.range = range;
        this.mean = mean;
    }

    /** The working space of {@code data}: its {@code pcaDimensions} principal coordinates when it is wider. */
    static WorkingSpace fit(FloatMatrix data, int pcaDimensions, Parallel parallel) {
        if (data.cols() > pcaDimensions) {
            return new WorkingSpace(Pca.fit(data, pcaDimensions, parallel), 0, 1, null);
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float value : data.values()) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        float range = max - min;
        if (!(range > 0)) {
            throw new IllegalArgumentException("every value of the data is " + min
                    + ": TriMap needs points that differ");
        }
        int d = data.cols();
        double[] sums = new double[d];
        float[] values = data.values();
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < d; j++) {
                sums[j] += (values[i * d + j] - min) / range;
            }
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sums[j] / data.rows());
        }
        return new WorkingSpace(null, min, range, mean);
    }

    /** {@code data} (with the columns the space was fitted on) in working coordinates. */
    FloatMatrix map(FloatMatrix data) {
        if (pca != null) {
            return pca.transform(data);
        }
        int d = mean.length;
        float[] values = data.values();
        float[] mapped = new float[values.length];
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < d; j++) {
                mapped[i * d + j] = (values[i * d + j] - min) / range - mean[j];
            }
        }
        return new FloatMatrix(data.rows(), d, mapped);
    }

    /**
     * The reference's initial embedding of the fitted points ({@code mapped} = {@link #map} of them): their two
     * leading principal coordinates times {@link #INITIAL_SCALE}, as {@code x, y} pairs.
     */
    double[] initialEmbedding(FloatMatrix mapped, Parallel parallel) {
        FloatMatrix principal = pca != null ? mapped : Pca.fit(mapped, 2, parallel).transform(mapped);
        double[] embedding = new double[mapped.rows() * 2];
        for (int i = 0; i < mapped.rows(); i++) {
            embedding[2 * i] = INITIAL_SCALE * principal.get(i, 0);
            embedding[2 * i + 1] = INITIAL_SCALE * principal.get(i, 1);
        }
        return embedding;
    }
}

package dev.layerscope.train;

import dev.layerscope.kernel.ArtifactKey;

/**
 * The information-bottleneck view: a fixed sample of test images, their penultimate-layer points and softmax
 * outputs recorded before training (epoch 0) and after every epoch.
 *
 * @param layer       the name of the penultimate layer recorded
 * @param snapshots   epochs recorded, including epoch 0
 * @param units       the width of the recorded layer
 * @param classes     the number of classes
 * @param points      {@code snapshots x samples x units}, row-major
 * @param softmax     {@code snapshots x samples x classes}, row-major
 * @param labels      each sample's class
 * @param testIndices each sample's position in the test file
 */
public record Trajectory(String layer, int snapshots, int units, int classes, float[] points, float[] softmax,
                         int[] labels, int[] testIndices) {

    public static final ArtifactKey<Trajectory> ARTIFACT = ArtifactKey.of("trajectory", Trajectory.class);

    public int samples() {
        return labels.length;
    }
}

package dev.layerscope.report.html;

import java.util.List;
import java.util.Objects;

/**
 * The data of the embedding explorer: every point of every 2-D map, the training points first, then the test points.
 *
 * @param classNames        the classes, at most 256 (a point's class travels as one byte)
 * @param trainCount        how many of the points, from the first, are training points; the rest are test points
 * @param labels            each point's true class
 * @param sourceIndex       each point's position in its split's file (for a test point: its test index)
 * @param testProbabilities the network's softmax output for every test point, row-major, {@code testCount x classes}
 * @param trainProbabilities the same for every training point ({@code trainCount x classes}), or empty when the run
 *                          kept none (the capture records the network's output of every captured image unless
 *                          {@code capture.outputs = false})
 * @param thumbnails        one thumbnail a point, in point order
 * @param maps              the maps, each with every point
 * @param attribution       the attribution maps of some test images, shown when their point is hovered or selected;
 *                          {@link ExplorerAttribution#NONE} when the run has none
 * The arrays are not copied: the page is written from them once.
 */
public record ExplorerData(List<String> classNames, int trainCount, int[] labels, int[] sourceIndex,
        float[] testProbabilities, float[] trainProbabilities, Thumbnails thumbnails, List<ExplorerMap> maps,
        ExplorerAttribution attribution) {

    /** One map: its points as x0,y0,x1,y1,... in point order; knnAccuracy may be null. */
    public record ExplorerMap(String input, String method, float[] xy, Double knnAccuracy) {

        public ExplorerMap {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(xy, "xy");
            for (float v : xy) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("map " + input + "/" + method + " has a non-finite coordinate");
                }
            }
        }
    }

    public ExplorerData {
        classNames = List.copyOf(classNames);
        maps = List.copyOf(maps);
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(sourceIndex, "sourceIndex");
        Objects.requireNonNull(testProbabilities, "testProbabilities");
        Objects.requireNonNull(trainProbabilities, "trainProbabilities");
        Objects.requireNonNull(thumbnails, "thumbnails");
        Objects.requireNonNull(attribution, "attribution");
        int n = labels.length;
        if (classNames.isEmpty() || classNames.size() > 256) {
            throw new IllegalArgumentException("the explorer shows 1 to 256 classes, got " + classNames.size());
        }
        if (trainCount < 0 || trainCount > n) {
            throw new IllegalArgumentException(trainCount + " training points among " + n);
        }
        if (sourceIndex.length != n) {
            throw new IllegalArgumentException(n + " labels but " + sourceIndex.length + " source indices");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("point " + i + " has class " + labels[i] + " but there are "
                        + classNames.size() + " class names");
            }
        }
        if (testProbabilities.length != (long) (n - trainCount) * classNames.size()) {
            throw new IllegalArgumentException((n - trainCount) + " test points of " + classNames.size()
                    + " classes need " + (n - trainCount) * classNames.size() + " probabilities, got "
                    + testProbabilities.length);
        }
        if (trainProbabilities.length != 0 && trainProbabilities.length != (long) trainCount * classNames.size()) {
            throw new IllegalArgumentException(trainCount + " training points of " + classNames.size()
                    + " classes need " + trainCount * classNames.size() + " probabilities or none, got "
                    + trainProbabilities.length);
        }
        for (float[] probabilities : List.of(testProbabilities, trainProbabilities)) {
            for (float p : probabilities) {
                // a softmax in floats may overshoot 1 by a rounding error; the page clamps it
                if (!(p >= 0 && p <= 1.0001f)) {
                    throw new IllegalArgumentException("a probability of " + p + " is not in [0, 1]");
                }
            }
        }
        if (thumbnails.count() != n) {
            throw new IllegalArgumentException(n + " points but " + thumbnails.count() + " thumbnails");
        }
        for (ExplorerMap map : maps) {
            if (map.xy().length != 2 * n) {
                throw new IllegalArgumentException("map " + map.input() + "/" + map.method() + " has "
                        + map.xy().length + " coordinates for " + n + " points");
            }
        }
    }

    public int testCount() {
        return labels.length - trainCount;
    }
}

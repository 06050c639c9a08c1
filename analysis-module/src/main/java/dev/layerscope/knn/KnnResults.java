package dev.layerscope.knn;

import dev.layerscope.kernel.ArtifactKey;
import java.util.Arrays;
import java.util.List;

/**
 * What the knn stage hands on: the kNN accuracy of every space it classified in, per k and per class, and the
 * quality of every 2-D test map.
 *
 * @param classNames the dataset's class names, by label
 * @param accuracies one per space and k: each 2-D map, then each captured layer itself
 *                   ({@link #HIGH_DIMENSIONAL}); per input in capture order, maps in the reduce stage's order
 * @param quality    one per 2-D map
 */
public record KnnResults(List<String> classNames, List<Accuracy> accuracies, List<Quality> quality) {

    public static final ArtifactKey<KnnResults> ARTIFACT = ArtifactKey.of("knn", KnnResults.class);

    /**
     * The method of a kNN in a captured layer itself, not in a 2-D map of it: the reference each map of that layer
     * is compared with.
     */
    public static final String HIGH_DIMENSIONAL = "high-dimensional";

    public KnnResults {
        classNames = List.copyOf(classNames);
        accuracies = List.copyOf(accuracies);
        quality = List.copyOf(quality);
    }

    /**
     * A kNN classifier fitted on the training split of one space that predicts its test split.
     *
     * @param input      the captured layer ({@code input} for the raw pixels)
     * @param method     the map's method (pca, tsne, umap, trimap), or {@link #HIGH_DIMENSIONAL}
     * @param placement  how the map's test points were placed ({@code transform} or {@code separate}); empty for
     *                   {@link #HIGH_DIMENSIONAL}
     * @param dimensions values per point of the space: 2 for a map, the layer's width otherwise
     * @param k          the neighbours that vote
     * @param trainPoints the training points the classifier holds
     * @param correct    per class, the test points of that class predicted right
     * @param points     per class, the test points of that class
     */
    public record Accuracy(String input, String method, String placement, int dimensions, int k, int trainPoints,
                           int[] correct, int[] points) {

        public Accuracy {
            if (correct.length != points.length) {
                throw new IllegalArgumentException(correct.length + " classes counted right, " + points.length
                        + " counted");
            }
            correct = correct.clone();
            points = points.clone();
        }

        /** The test points predicted right. */
        public int correctPoints() {
            return Arrays.stream(correct).sum();
        }

        public int testPoints() {
            return Arrays.stream(points).sum();
        }

        /** The share of test points predicted right. */
        public double accuracy() {
            return (double) correctPoints() / testPoints();
        }

        /** The share of class {@code label}'s test points predicted right; NaN when it has none. */
        public double classAccuracy(int label) {
            return points[label] == 0 ? Double.NaN : (double) correct[label] / points[label];
        }
    }

    /**
     * How well a 2-D test map keeps its input's structure, on a seeded sample of test points.
     *
     * @param neighbors       the neighbourhood size of trustworthiness and continuity
     * @param sample          the test points measured
     * @param trustworthiness 1 when every neighbour in the map is a neighbour in the input
     * @param continuity      1 when every neighbour in the input is a neighbour in the map
     * @param silhouette      of the class labels in the map, from -1 to 1; NaN when the sample holds one class
     */
    public record Quality(String input, String method, String placement, int neighbors, int sample,
                          double trustworthiness, double continuity, double silhouette) {
    }
}

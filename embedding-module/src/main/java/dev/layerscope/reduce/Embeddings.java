package dev.layerscope.reduce;

import dev.layerscope.capture.Activations;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.linalg.FloatMatrix;
import java.util.List;
import java.util.Map;

/** What the reduce stage hands on: every 2-D map it made, one per input and method. */
public record Embeddings(List<Embedding> all) {

    public static final ArtifactKey<Embeddings> ARTIFACT = ArtifactKey.of("embeddings", Embeddings.class);

    public Embeddings {
        all = List.copyOf(all);
    }

    /**
     * One input reduced by one method.
     *
     * @param input       the captured layer ({@code input} for the raw pixels)
     * @param method      pca, tsne, umap or trimap
     * @param placement   how the test points were placed: {@code transform} (into the training map) or
     *                    {@code separate} (a map of the test split alone)
     * @param train       the training split's 2-D points
     * @param test        the test split's 2-D points
     * @param trainRows   the training points' classes and positions in their file
     * @param testRows    the test points' classes and positions in their file
     * @param seconds     fitting and placing times, and the neighbour search's share
     * @param details     what the method reports about its fit
     */
    public record Embedding(String input, String method, String placement, FloatMatrix train, FloatMatrix test,
                            Activations.SplitRows trainRows, Activations.SplitRows testRows,
                            Map<String, Double> seconds, Map<String, Object> details) {

        /** The base name of this embedding's files. */
        public String name() {
            return input + "-" + method;
        }
    }
}

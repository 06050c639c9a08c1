package dev.layerscope.reduce;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.neighbors.NeighborGraph;
import java.util.Map;

/**
 * One method as the reduce stage runs it. The stage computes one exact neighbour graph per input with the most
 * neighbours any method asks for and hands each method its first {@link #neighbors} of them.
 */
interface Reducer {

    /** The neighbours per point this method needs in a graph of {@code n} points; 0 when it needs no graph. */
    int neighbors(int n);

    /**
     * Throws, saying which setting to change, when this method cannot work on {@code n} points: an
     * {@link dev.layerscope.kernel.InvalidSetting} names its key within the method's section
     * ({@code perplexity} of {@code reduce.tsne}).
     */
    void check(int n);

    /** Fits a 2-D map of {@code rows}; {@code graph} holds at least {@link #neighbors} neighbours (or is null). */
    Fitted fit(FloatMatrix rows, NeighborGraph graph, Parallel parallel);

    /** A fitted map. */
    interface Fitted {

        /** The 2-D points of the rows it was fitted on. */
        FloatMatrix embedding();

        /**
         * Places new rows into the map without moving the fitted points.
         *
         * @param toFitted each new row's nearest fitted rows (null for methods that need no graph)
         */
        FloatMatrix transform(FloatMatrix rows, NeighborGraph toFitted, Parallel parallel);

        /** What is worth recording about the fit (explained variance, final loss). */
        Map<String, Object> details();
    }
}

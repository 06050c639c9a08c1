package dev.layerscope.capture;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The images two captures share, matched by their position in the source file (their
 * {@link Activations.SplitRows#sourceIndex}): what compares one run's layers with another's on the same images (the
 * cka stage's {@code cka.compare-with}, the comparison report across runs).
 *
 * @param ourRows   rows of our capture, in our order
 * @param theirRows the rows of the other capture that hold the same images, pairwise with {@code ourRows}
 */
public record SharedRows(int[] ourRows, int[] theirRows) {

    /**
     * For each of {@code ours} (our rows' source indices) that {@code theirs} holds too, our row and the other's
     * first row with that index, in our rows' order.
     */
    public static SharedRows of(int[] ours, int[] theirs) {
        Map<Integer, Integer> theirRow = new HashMap<>();
        for (int row = theirs.length - 1; row >= 0; row--) {
            theirRow.put(theirs[row], row);
        }
        int[] ourRows = new int[ours.length];
        int[] theirRows = new int[ours.length];
        int shared = 0;
        for (int row = 0; row < ours.length; row++) {
            Integer their = theirRow.get(ours[row]);
            if (their != null) {
                ourRows[shared] = row;
                theirRows[shared++] = their;
            }
        }
        return new SharedRows(Arrays.copyOf(ourRows, shared), Arrays.copyOf(theirRows, shared));
    }

    public int size() {
        return ourRows.length;
    }

    /** The pairs at {@code picked} (positions among the shared pairs), in that order. */
    public SharedRows pick(int[] picked) {
        int[] ours = new int[picked.length];
        int[] theirs = new int[picked.length];
        for (int i = 0; i < picked.length; i++) {
            ours[i] = ourRows[picked[i]];
            theirs[i] = theirRows[picked[i]];
        }
        return new SharedRows(ours, theirs);
    }
}

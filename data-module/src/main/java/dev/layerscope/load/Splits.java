package dev.layerscope.load;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Seeded, stratified selection of image indices: each class is subsampled and split on its own, so every split
 * keeps the class balance of the file. {@link Random} is used for its specified, JDK-independent sequence.
 */
final class Splits {

    private Splits() {
    }

    /**
     * Indices of at most {@code limitPerClass} images per class (0 = all), chosen at random with {@code seed},
     * ascending.
     */
    static int[] subsample(int[] labels, int classes, int limitPerClass, long seed) {
        Random random = new Random(seed);
        return IntStream.range(0, classes)
                .flatMap(c -> Arrays.stream(limit(indicesOf(labels, c), limitPerClass, random)))
                .sorted().toArray();
    }

    /**
     * Splits {@code pool} (indices into {@code labels}) into {train, validation}: in each class,
     * {@code round(n * validationFraction)} images chosen at random with {@code seed} go to validation.
     * Both arrays ascending.
     */
    static int[][] stratified(int[] labels, int[] pool, int classes, double validationFraction, long seed) {
        Random random = new Random(seed);
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            int label = c;
            byClass[c] = Arrays.stream(pool).filter(i -> labels[i] == label).toArray();
        }
        int[] train = new int[0];
        int[] validation = new int[0];
        for (int[] members : byClass) {
            shuffle(members, random);
            int held = (int) Math.round(members.length * validationFraction);
            validation = concat(validation, Arrays.copyOfRange(members, 0, held));
            train = concat(train, Arrays.copyOfRange(members, held, members.length));
        }
        Arrays.sort(train);
        Arrays.sort(validation);
        return new int[][] {train, validation};
    }

    private static int[] indicesOf(int[] labels, int label) {
        return IntStream.range(0, labels.length).filter(i -> labels[i] == label).toArray();
    }

    private static int[] limit(int[] members, int limit, Random random) {
        if (limit == 0 || members.length <= limit) {
            return members;
        }
        shuffle(members, random);
        return Arrays.copyOf(members, limit);
    }

    private static void shuffle(int[] values, Random random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}

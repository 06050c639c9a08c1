package dev.layerscope.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The linear probe on constructed data whose answer is known. */
class LinearProbeTest {

    private static final LinearProbe.Options WEAK = LinearProbe.Options.of(1e-4, 500, 1e-6);

    /** Labelled rows. */
    record Data(FloatMatrix x, int[] labels) {
    }

    /**
     * Three classes told apart by the sign of the first two columns alone (class 0: x0 < 0; class 1: x0 > 0 and
     * x1 < 0; class 2: x0 > 0 and x1 > 0), each at least 0.5 from its boundaries, the other columns noise: linearly
     * separable.
     */
    private static Data separable(int n, long seed) {
        Random random = new Random(seed);
        int d = 6;
        float[] values = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = i % 3;
            labels[i] = label;
            double x0 = (0.5 + 2 * random.nextDouble()) * (label == 0 ? -1 : 1);
            double x1 = (0.5 + 2 * random.nextDouble()) * (label == 1 ? -1 : 1);
            values[i * d] = (float) x0;
            values[i * d + 1] = (float) (label == 0 ? 3 * random.nextGaussian() : x1);
            for (int j = 2; j < d; j++) {
                values[i * d + j] = (float) random.nextGaussian();
            }
        }
        return new Data(new FloatMatrix(n, d, values), labels);
    }

    /** Two concentric rings about the origin, radius 1 (class 0) and 3 (class 1), at random angles. */
    private static Data rings(int n, long seed) {
        Random random = new Random(seed);
        float[] values = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            double radius = (labels[i] == 0 ? 1 : 3) + 0.1 * random.nextGaussian();
            double angle = 2 * Math.PI * random.nextDouble();
            values[2 * i] = (float) (radius * Math.cos(angle));
            values[2 * i + 1] = (float) (radius * Math.sin(angle));
        }
        return new Data(new FloatMatrix(n, 2, values), labels);
    }

    /** Four overlapping Gaussian classes in 10 columns: no probe fits them perfectly, so the penalty matters. */
    private static Data overlapping(int n, long seed) {
        Random random = new Random(seed);
        int d = 10;
        float[] values = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            for (int j = 0; j < d; j++) {
                values[i * d + j] = (float) ((j == labels[i] ? 1 : 0) + random.nextGaussian());
            }
        }
        return new Data(new FloatMatrix(n, d, values), labels);
    }

    @Test
    void linearlySeparableClassesArePredictedWithoutAMistake() {
        Data train = separable(600, 1);
        Data test = separable(300, 2);
        LinearProbe probe = LinearProbe.fit(train.x(), train.labels(), 3, WEAK).getFirst();
        assertEquals(1.0, probe.accuracy(train.x(), train.labels()));
        assertEquals(1.0, probe.accuracy(test.x(), test.labels()));
        assertEquals(300, probe.correct(test.x(), test.labels()));
    }

    @Test
    void concentricRingsAreNotLinearlySeparableThoughTheirNeighboursAre() {
        Data train = rings(400, 3);
        Data test = rings(200, 4);
        LinearProbe probe = LinearProbe.fit(train.x(), train.labels(), 2, WEAK).getFirst();
        double linear = probe.accuracy(test.x(), test.labels());
        assertTrue(linear < 0.65, "a line cannot tell a ring from the ring around it: " + linear);
        assertTrue(nearestNeighbourAccuracy(train, test) > 0.95, "but each point's nearest neighbour can");
    }

    @Test
    void aStrongerPenaltyGivesSmallerWeights() {
        Data train = overlapping(800, 5);
        List<Double> strengths = List.of(1e-2, 1.0, 1e-4, 1e-1);
        List<LinearProbe> probes = LinearProbe.fit(train.x(), train.labels(), 4,
                new LinearProbe.Options(strengths, 500, 1e-5));
        assertEquals(strengths, probes.stream().map(LinearProbe::strength).toList(), "in the order asked for");
        double[] norms = {probes.get(2).weightNorm(), probes.get(0).weightNorm(), probes.get(3).weightNorm(),
            probes.get(1).weightNorm()};
        for (int i = 1; i < norms.length; i++) {
            assertTrue(norms[i] < norms[i - 1], "weakest to strongest: " + Arrays.toString(norms));
        }
        assertTrue(probes.stream().allMatch(LinearProbe::converged));
    }

    /**
     * At the weights found, the gradient of the objective, computed here in double and independently of the fit's
     * code, is zero: the fit found the minimum of what the class says it minimises.
     */
    @Test
    void theFitIsTheMinimumOfTheStatedObjective() {
        Data train = overlapping(700, 6);
        double strength = 1e-2;
        LinearProbe probe = LinearProbe.fit(train.x(), train.labels(), 4, LinearProbe.Options.of(strength, 500, 1e-5))
                .getFirst();
        double[] gradient = referenceGradient(train, 4, strength, probe.weights(), probe.bias());
        double largest = Arrays.stream(gradient).map(Math::abs).max().orElseThrow();
        assertTrue(largest < 1e-4, "largest gradient component " + largest);
        assertTrue(probe.converged());
    }

    @Test
    void eachColumnsScaleAndOffsetDoNotMatter() {
        Data train = overlapping(500, 7);
        Data test = overlapping(300, 8);
        Data trainShifted = rescaled(train);
        Data testShifted = rescaled(test);
        LinearProbe probe = LinearProbe.fit(train.x(), train.labels(), 4, WEAK).getFirst();
        LinearProbe shifted = LinearProbe.fit(trainShifted.x(), train.labels(), 4, WEAK).getFirst();
        assertArrayEquals(probe.weights(), shifted.weights(), 1e-3, "the same weights on the standardised columns");
        assertArrayEquals(probe.predict(test.x()), shifted.predict(testShifted.x()));
    }

    @Test
    void aColumnConstantOnTheTrainingRowsIsHarmless() {
        Data train = separable(300, 9);
        float[] values = train.x().values().clone();
        for (int i = 0; i < train.x().rows(); i++) {
            values[i * train.x().cols() + 3] = 2.5f;
        }
        FloatMatrix constant = new FloatMatrix(train.x().rows(), train.x().cols(), values);
        LinearProbe probe = LinearProbe.fit(constant, train.labels(), 3, WEAK).getFirst();
        assertEquals(1.0, probe.accuracy(constant, train.labels()));
        assertTrue(Arrays.stream(probe.weights()).allMatch(Double::isFinite));
    }

    @Test
    void theSameDataGivesTheSameProbeOnAnyNumberOfThreads() {
        Data train = overlapping(2 * SoftmaxLoss.PART_ROWS + 100, 10);
        LinearProbe.Options options = new LinearProbe.Options(List.of(1e-3, 1e-1), 200, 1e-6);
        List<LinearProbe> once = LinearProbe.fit(train.x(), train.labels(), 4, options);
        List<LinearProbe> again = LinearProbe.fit(train.x(), train.labels(), 4, options);
        List<LinearProbe> twoThreads;
        try (Parallel parallel = new Parallel(2)) {
            twoThreads = LinearProbe.fit(train.x(), train.labels(), 4, options, parallel);
        }
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(once.get(i).weights(), again.get(i).weights());
            assertArrayEquals(once.get(i).bias(), again.get(i).bias());
            assertArrayEquals(once.get(i).weights(), twoThreads.get(i).weights(), "the parts are summed in order");
            assertEquals(once.get(i).iterations(), twoThreads.get(i).iterations());
        }
    }

    @Test
    void aClassWithoutTrainingRowsIsNeverPredicted() {
        Data train = separable(300, 11);
        LinearProbe probe = LinearProbe.fit(train.x(), train.labels(), 5, LinearProbe.Options.of(1e-2, 300, 1e-5))
                .getFirst();
        int[] predicted = probe.predict(separable(90, 12).x());
        assertTrue(Arrays.stream(predicted).allMatch(label -> label < 3), Arrays.toString(predicted));
    }

    @Test
    void theBestIsTheMostRightTheStrongestAmongEquals() {
        Data train = overlapping(200, 13);
        List<LinearProbe> probes = LinearProbe.fit(train.x(), train.labels(), 4,
                new LinearProbe.Options(List.of(1e-3, 1e-2, 1e-1), 50, 1e-4));
        assertEquals(1, LinearProbe.best(probes, new int[] {5, 9, 7}));
        assertEquals(2, LinearProbe.best(probes, new int[] {5, 7, 7}));
        assertEquals(2, LinearProbe.best(probes, new int[] {7, 7, 7}));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.best(probes, new int[] {1, 2}));
    }

    @Test
    void rowsThatDoNotFitAreRejected() {
        Data train = separable(30, 14);
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(train.x(), new int[3], 3, WEAK));
        int[] outside = train.labels().clone();
        outside[4] = 3;
        IllegalArgumentException rejected = assertThrows(IllegalArgumentException.class,
                () -> LinearProbe.fit(train.x(), outside, 3, WEAK));
        assertEquals("label 3 is not one of the 3 classes", rejected.getMessage());
        LinearProbe probe = LinearProbe.fit(train.x(), train.labels(), 3, WEAK).getFirst();
        assertThrows(IllegalArgumentException.class, () -> probe.predict(FloatMatrix.zeros(2, 5)));
    }

    @ParameterizedTest(name = "{3}: {4}")
    @CsvSource(delimiter = '|', value = {
        "''              | 100 | 1e-4 | strengths    | must not be empty",
        "0.1;-1          | 100 | 1e-4 | strengths[1] | -1 is out of range; allowed: 0 < value",
        "0.1;0.1         | 100 | 1e-4 | strengths    | names a strength twice: [0.1, 0.1]",
        "0.1             | 0   | 1e-4 | iterations   | 0 is out of range; allowed: 1 <= value",
        "0.1             | 100 | 0    | tolerance    | 0 is out of range; allowed: 0 < value",
    })
    void impossibleOptionsAreRejectedWithTheirKey(String strengths, int iterations, double tolerance, String key,
                                                  String message) {
        List<Double> values = strengths.isEmpty() ? List.of()
                : Arrays.stream(strengths.split(";")).map(Double::valueOf).toList();
        InvalidSetting rejected = assertThrows(InvalidSetting.class,
                () -> new LinearProbe.Options(values, iterations, tolerance));
        assertEquals(key, rejected.key());
        assertEquals(message, rejected.getMessage());
    }

    /** Column j times 10^(j - 4) plus 7 j: columns of very different units. */
    private static Data rescaled(Data data) {
        int d = data.x().cols();
        float[] values = data.x().values().clone();
        for (int i = 0; i < data.x().rows(); i++) {
            for (int j = 0; j < d; j++) {
                values[i * d + j] = (float) (values[i * d + j] * Math.pow(10, j - 4) + 7 * j);
            }
        }
        return new Data(new FloatMatrix(data.x().rows(), d, values), data.labels());
    }

    /** The share of test rows whose nearest training row (by every distance) has their class. */
    private static double nearestNeighbourAccuracy(Data train, Data test) {
        int right = 0;
        for (int q = 0; q < test.x().rows(); q++) {
            int nearest = 0;
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < train.x().rows(); r++) {
                double distance = test.x().squaredDistance(q, train.x(), r);
                if (distance < best) {
                    best = distance;
                    nearest = r;
                }
            }
            right += train.labels()[nearest] == test.labels()[q] ? 1 : 0;
        }
        return (double) right / test.x().rows();
    }

    /**
     * The gradient of mean cross-entropy + strength / 2 |W|^2 on the standardised rows, by weights then biases, in
     * double from the definitions.
     */
    private static double[] referenceGradient(Data data, int classes, double strength, double[] weights,
                                              double[] bias) {
        int n = data.x().rows();
        int d = data.x().cols();
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                mean[j] += data.x().get(i, j) / (double) n;
            }
            for (int i = 0; i < n; i++) {
                sd[j] += Math.pow(data.x().get(i, j) - mean[j], 2) / n;
            }
            sd[j] = Math.sqrt(sd[j]);
        }
        double[] gradient = new double[classes * (d + 1)];
        for (int i = 0; i < n; i++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = (data.x().get(i, j) - mean[j]) / sd[j];
            }
            double[] p = new double[classes];
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                double z = bias[k];
                for (int j = 0; j < d; j++) {
                    z += weights[k * d + j] * x[j];
                }
                p[k] = Math.exp(z);
                sum += p[k];
            }
            for (int k = 0; k < classes; k++) {
                double residual = p[k] / sum - (data.labels()[i] == k ? 1 : 0);
                for (int j = 0; j < d; j++) {
                    gradient[k * d + j] += residual * x[j] / n;
                }
                gradient[classes * d + k] += residual / n;
            }
        }
        for (int e = 0; e < classes * d; e++) {
            gradient[e] += strength * weights[e];
        }
        return gradient;
    }

    @Test
    void aProbeKeepsWhatItWasFittedWith() {
        Data train = overlapping(200, 15);
        LinearProbe probe = LinearProbe.fit(train.x(), train.labels(), 4, LinearProbe.Options.of(0.5, 300, 1e-5))
                .getFirst();
        assertEquals(0.5, probe.strength());
        assertEquals(4 * 10, probe.weights().length);
        assertEquals(4, probe.bias().length);
        assertTrue(probe.iterations() > 0 && probe.iterations() <= 300, "iterations " + probe.iterations());
        assertTrue(probe.loss() > 0 && probe.loss() < Math.log(4), "better than a guess: " + probe.loss());
        assertFalse(Double.isNaN(probe.accuracy(train.x(), train.labels())));
    }
}

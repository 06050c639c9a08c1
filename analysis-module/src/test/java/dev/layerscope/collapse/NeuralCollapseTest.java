package dev.layerscope.collapse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.SymmetricEigen;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** NC1 to NC4 on constructed features whose answers are known. */
class NeuralCollapseTest {

    private static final CollapseSettings SETTINGS = new CollapseSettings("", 1e-9);

    @Test
    void featuresOnTheirClassMeansHaveNoWithinClassVariabilityNc1IsZero() {
        int classes = 4;
        int width = 6;
        double[][] means = randomMeans(classes, width, new Random(1));
        int[] labels = labels(classes, new int[] {5, 3, 7, 2});
        FloatMatrix features = around(means, labels, 0, new Random(2));

        NeuralCollapse.Measures measures = NeuralCollapse.measure(features, labels, classes,
                floats(means), new float[classes], features, SETTINGS);

        assertEquals(0.0, measures.nc1(), 0.0);
        assertEquals(classes - 1, measures.betweenRank(), "C centred means span C - 1 dimensions");
    }

    /**
     * Two classes on a line at -1 and +1, each point {@code spread} from its mean: the global mean is 0, Sigma_B
     * = ((-1)^2 + 1^2) / 2 = 1, Sigma_W = spread^2, so NC1 = spread^2 / 1 / C = spread^2 / 2.
     */
    @Test
    void nc1IsTheWithinClassVarianceOverTheBetweenClassVarianceOverC() {
        for (double spread : new double[] {0.25, 0.5, 1, 3}) {
            float s = (float) spread;
            FloatMatrix features = new FloatMatrix(8, 1, new float[] {-1 - s, -1 + s, -1 - s, -1 + s,
                    1 - s, 1 + s, 1 - s, 1 + s});
            int[] labels = {0, 0, 0, 0, 1, 1, 1, 1};

            NeuralCollapse.Measures measures = NeuralCollapse.measure(features, labels, 2, new float[][] {{-1}, {1}},
                    new float[2], features, SETTINGS);

            assertEquals(spread * spread / 2, measures.nc1(), 1e-12 * spread * spread, "spread " + spread);
        }
    }

    @Test
    void nc1GrowsWithTheSpreadAroundTheClassMeans() {
        int classes = 5;
        double[][] means = randomMeans(classes, 8, new Random(3));
        int[] labels = labels(classes, new int[] {20, 20, 20, 20, 20});
        double previous = 0;
        for (double spread : new double[] {0.01, 0.1, 0.3, 1}) {
            FloatMatrix features = around(means, labels, spread, new Random(4));
            double nc1 = NeuralCollapse.measure(features, labels, classes, floats(means), new float[classes],
                    features, SETTINGS).nc1();
            assertTrue(nc1 > previous, "spread " + spread + ": NC1 " + nc1 + " after " + previous);
            previous = nc1;
        }
    }

    /**
     * The Gram-matrix route to Tr(Sigma_W Sigma_B^+) against the textbook one: width x width Sigma_W and Sigma_B
     * formed from their definitions, Sigma_B's pseudo-inverse from its own eigendecomposition; classes of unequal
     * size, whose mean of class means (the global mean) is not the mean of all features.
     */
    @Test
    void nc1IsTraceOfSigmaWTimesThePseudoInverseOfSigmaBOverC() {
        int classes = 4;
        int width = 7;
        double[][] means = randomMeans(classes, width, new Random(5));
        int[] labels = labels(classes, new int[] {3, 11, 6, 9});
        FloatMatrix features = around(means, labels, 0.7, new Random(6));

        double nc1 = NeuralCollapse.measure(features, labels, classes, floats(means), new float[classes], features,
                SETTINGS).nc1();

        int n = labels.length;
        double[] global = new double[width];
        double[][] classMean = new double[classes][width];
        int[] counts = new int[classes];
        for (int i = 0; i < n; i++) {
            counts[labels[i]]++;
            for (int j = 0; j < width; j++) {
                classMean[labels[i]][j] += features.get(i, j);
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < width; j++) {
                classMean[c][j] /= counts[c];
                global[j] += classMean[c][j] / classes;
            }
        }
        double[][] within = new double[width][width];
        double[][] between = new double[width][width];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < width; a++) {
                for (int b = 0; b < width; b++) {
                    within[a][b] += (features.get(i, a) - classMean[labels[i]][a])
                            * (features.get(i, b) - classMean[labels[i]][b]) / n;
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int a = 0; a < width; a++) {
                for (int b = 0; b < width; b++) {
                    between[a][b] += (classMean[c][a] - global[a]) * (classMean[c][b] - global[b]) / classes;
                }
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(between);
        double trace = 0;
        for (int k = 0; k < width; k++) {
            double lambda = eigen.values()[k];
            if (lambda > 1e-9 * eigen.values()[0]) {
                double[] v = eigen.vector(k);
                double quadratic = 0;
                for (int a = 0; a < width; a++) {
                    for (int b = 0; b < width; b++) {
                        quadratic += v[a] * within[a][b] * v[b];
                    }
                }
                trace += quadratic / lambda;
            }
        }
        assertEquals(trace / classes, nc1, 1e-9 * nc1);
    }

    /**
     * Class means on a simplex equiangular tight frame, {@code e_c - 1/C} scaled, in a wider space and shifted
     * away from the origin (the global mean takes the shift off): equal norms, cosines of -1/(C - 1), whatever the
     * classes' sizes (the global mean is the simplex's centre, the mean of the class means).
     */
    @Test
    void classMeansOnASimplexHaveEqualNormsAndCosinesOfMinusOneOverCMinusOne() {
        int classes = 5;
        int width = 8;
        double[][] means = new double[classes][width];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < width; j++) {
                means[c][j] = (j < classes ? 3 * ((j == c ? 1 : 0) - 1.0 / classes) : 0) + 0.5 * j;
            }
        }
        int[] labels = labels(classes, new int[] {10, 4, 6, 12, 8});
        FloatMatrix features = aroundSymmetric(means, labels, 0.4, new Random(7));

        NeuralCollapse.Measures measures = NeuralCollapse.measure(features, labels, classes, floats(means),
                new float[classes], features, SETTINGS);

        assertEquals(0, measures.nc2NormCv(), 1e-6);
        assertEquals(-1.0 / (classes - 1), measures.nc2CosMean(), 1e-6);
        assertEquals(NeuralCollapse.equiangularCosine(classes), measures.nc2CosMean(), 1e-6);
        assertEquals(0, measures.nc2CosStd(), 1e-6);
    }

    @Test
    void unequalClassMeanNormsAndAnglesShowInNc2() {
        // centred means along the axes at lengths 1, 2, 3 less their mean: unequal norms, unequal angles
        double[][] means = {{1, 0, 0}, {0, 2, 0}, {0, 0, 3}};
        int[] labels = labels(3, new int[] {4, 4, 4});
        FloatMatrix features = aroundSymmetric(means, labels, 0.1, new Random(8));

        NeuralCollapse.Measures measures = NeuralCollapse.measure(features, labels, 3, floats(means), new float[3],
                features, SETTINGS);

        double[][] centred = {{2.0 / 3, -2.0 / 3, -1}, {-1.0 / 3, 4.0 / 3, -1}, {-1.0 / 3, -2.0 / 3, 2}};
        double[] norms = new double[3];
        for (int c = 0; c < 3; c++) {
            norms[c] = Math.sqrt(dot(centred[c], centred[c]));
        }
        double meanNorm = (norms[0] + norms[1] + norms[2]) / 3;
        double variance = 0;
        for (double norm : norms) {
            variance += (norm - meanNorm) * (norm - meanNorm) / 2;
        }
        double[] cosines = {dot(centred[0], centred[1]) / (norms[0] * norms[1]),
            dot(centred[0], centred[2]) / (norms[0] * norms[2]), dot(centred[1], centred[2]) / (norms[1] * norms[2])};
        double meanCosine = (cosines[0] + cosines[1] + cosines[2]) / 3;
        double cosineVariance = 0;
        for (double cosine : cosines) {
            cosineVariance += (cosine - meanCosine) * (cosine - meanCosine) / 3;
        }
        assertEquals(Math.sqrt(variance) / meanNorm, measures.nc2NormCv(), 1e-6);
        assertEquals(meanCosine, measures.nc2CosMean(), 1e-6);
        assertEquals(Math.sqrt(cosineVariance), measures.nc2CosStd(), 1e-6);
        assertTrue(measures.nc2NormCv() > 0.1 && measures.nc2CosStd() > 0.1, measures.toString());
    }

    @Test
    void weightsEqualToTheScaledCentredClassMeansHaveNc3OfZeroAndTheirOppositeOfTwo() {
        int classes = 4;
        int width = 5;
        double[][] means = randomMeans(classes, width, new Random(9));
        int[] labels = labels(classes, new int[] {6, 6, 6, 6});
        FloatMatrix features = aroundSymmetric(means, labels, 0.3, new Random(10));
        double[] global = new double[width];
        for (double[] mean : means) {
            for (int j = 0; j < width; j++) {
                global[j] += mean[j] / classes;
            }
        }
        float[][] aligned = new float[classes][width];
        float[][] opposite = new float[classes][width];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < width; j++) {
                aligned[c][j] = (float) (2.5 * (means[c][j] - global[j]));
                opposite[c][j] = -aligned[c][j];
            }
        }

        assertEquals(0, NeuralCollapse.measure(features, labels, classes, aligned, new float[classes], features,
                SETTINGS).nc3(), 1e-6);
        assertEquals(2, NeuralCollapse.measure(features, labels, classes, opposite, new float[classes], features,
                SETTINGS).nc3(), 1e-6);
    }

    /**
     * argmin_c ||h - mu_c||^2 = argmax_c (mu_c . h - ||mu_c||^2 / 2): a last layer with the class means as weights
     * and -||mu_c||^2 / 2 as bias is the nearest-class-mean classifier, so they agree on every test point; its
     * negation picks the farthest mean and never agrees.
     */
    @Test
    void aNetworkThatIsTheNearestClassMeanClassifierHasNc4OfOne() {
        int classes = 6;
        int width = 4;
        double[][] means = randomMeans(classes, width, new Random(11));
        int[] labels = labels(classes, new int[] {8, 8, 8, 8, 8, 8});
        FloatMatrix train = aroundSymmetric(means, labels, 0.5, new Random(12));
        FloatMatrix test = random(300, width, 3, new Random(13));
        float[][] weights = floats(means);
        float[] bias = new float[classes];
        float[][] farthest = new float[classes][width];
        float[] farthestBias = new float[classes];
        for (int c = 0; c < classes; c++) {
            bias[c] = (float) (-dot(means[c], means[c]) / 2);
            farthestBias[c] = -bias[c];
            for (int j = 0; j < width; j++) {
                farthest[c][j] = -weights[c][j];
            }
        }

        assertEquals(1, NeuralCollapse.measure(train, labels, classes, weights, bias, test, SETTINGS).nc4());
        assertEquals(0, NeuralCollapse.measure(train, labels, classes, farthest, farthestBias, test, SETTINGS).nc4());
    }

    @Test
    void theNetworksPredictionIsTheLargestLogitAndATieGoesToTheLowerClass() {
        FloatMatrix features = new FloatMatrix(3, 2, new float[] {1, 0, 0, 1, 1, 1});
        float[][] weights = {{1, 0}, {0, 1}, {0.5f, 0.5f}};
        assertArrayEquals(new int[] {0, 1, 0}, NeuralCollapse.networkPredictions(features, weights, new float[3]));
        assertArrayEquals(new int[] {2, 2, 2}, NeuralCollapse.networkPredictions(features, weights,
                new float[] {0, 0, 1}));
    }

    @Test
    void classMeansThatCoincideLeaveNc1Undefined() {
        FloatMatrix features = new FloatMatrix(4, 2, new float[] {1, 2, 3, 4, 3, 4, 1, 2});
        NeuralCollapse.Measures measures = NeuralCollapse.measure(features, new int[] {0, 0, 1, 1}, 2,
                new float[][] {{1, 0}, {0, 1}}, new float[2], features, SETTINGS);
        assertTrue(Double.isNaN(measures.nc1()), measures.toString());
        assertEquals(0, measures.betweenRank());
    }

    @Test
    void aClassWithoutTrainingFeaturesHasNoMeanAndIsRejected() {
        FloatMatrix features = new FloatMatrix(2, 1, new float[] {1, 2});
        IllegalArgumentException rejected = assertThrows(IllegalArgumentException.class, () -> NeuralCollapse
                .measure(features, new int[] {0, 2}, 3, new float[][] {{1}, {2}, {3}}, new float[3], features,
                        SETTINGS));
        assertEquals("class 1 has no training features: its mean, and neural collapse, are not defined",
                rejected.getMessage());
    }

    /** {@code counts[c]} labels c for each class, classes interleaved. */
    private static int[] labels(int classes, int[] counts) {
        int total = 0;
        for (int count : counts) {
            total += count;
        }
        int[] labels = new int[total];
        int[] left = counts.clone();
        int i = 0;
        while (i < total) {
            for (int c = 0; c < classes; c++) {
                if (left[c] > 0) {
                    left[c]--;
                    labels[i++] = c;
                }
            }
        }
        return labels;
    }

    private static double[][] randomMeans(int classes, int width, Random random) {
        double[][] means = new double[classes][width];
        for (double[] mean : means) {
            for (int j = 0; j < width; j++) {
                mean[j] = (float) (3 * random.nextGaussian());
            }
        }
        return means;
    }

    /** Each label's mean plus Gaussian noise of standard deviation {@code spread}. */
    private static FloatMatrix around(double[][] means, int[] labels, double spread, Random random) {
        int width = means[0].length;
        FloatMatrix features = FloatMatrix.zeros(labels.length, width);
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < width; j++) {
                features.set(i, j, (float) (means[labels[i]][j] + spread * random.nextGaussian()));
            }
        }
        return features;
    }

    /**
     * Each label's mean plus noise that cancels within the class (each draw followed by its negation; even class
     * sizes), so that the class means are the given ones up to float rounding.
     */
    private static FloatMatrix aroundSymmetric(double[][] means, int[] labels, double spread, Random random) {
        int width = means[0].length;
        FloatMatrix features = FloatMatrix.zeros(labels.length, width);
        double[][] pending = new double[means.length][];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            double[] noise;
            if (pending[c] == null) {
                noise = new double[width];
                for (int j = 0; j < width; j++) {
                    noise[j] = spread * random.nextGaussian();
                }
                pending[c] = noise;
            } else {
                noise = pending[c];
                for (int j = 0; j < width; j++) {
                    noise[j] = -noise[j];
                }
                pending[c] = null;
            }
            for (int j = 0; j < width; j++) {
                features.set(i, j, (float) (means[c][j] + noise[j]));
            }
        }
        return features;
    }

    private static FloatMatrix random(int rows, int width, double scale, Random random) {
        FloatMatrix points = FloatMatrix.zeros(rows, width);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                points.set(i, j, (float) (scale * random.nextGaussian()));
            }
        }
        return points;
    }

    private static float[][] floats(double[][] values) {
        float[][] copy = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            copy[i] = new float[values[i].length];
            for (int j = 0; j < values[i].length; j++) {
                copy[i][j] = (float) values[i][j];
            }
        }
        return copy;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }
}

package dev.layerscope.attribution;

import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The model randomisation test of Adebayo et al. 2018 ("Sanity checks for saliency maps"), cascading: the layers
 * with parameters are re-initialised one more at a time from the output layer down, each with its own weight
 * initialisation (from a fresh network of the same configuration, seeded), and every map is made again after each
 * step. A map that explains the network should change as the network is destroyed; one that does not shows the
 * image rather than the network.
 *
 * <p>The maps are compared by Spearman's rank correlation of their absolute values (as Adebayo et al. do for
 * saliency and integrated gradients: the sign of a gradient is not stable under randomisation, its size is), per
 * image, averaged over the images. A constant map ranks nothing and counts as 0.
 */
public final class CascadingRandomisation {

    private CascadingRandomisation() {
    }

    /**
     * One step for one method.
     *
     * @param layersRandomised how many layers with parameters are re-initialised, from the top
     * @param layer            the lowest of them, by its name
     * @param meanSpearman     the mean over the images of the rank correlation with the trained network's map
     */
    public record Line(Method method, int layersRandomised, String layer, double meanSpearman) {
    }

    /**
     * Makes the maps of {@code images} again after each step and compares them with {@code trained}, the maps of the
     * same images by the same methods from the trained network.
     *
     * @param layerNames the network's layer names by DL4J index
     * @param seed       draws the re-initialised weights (through a number derived from it, so that the same number
     *                   as the model's seed does not give back its initial weights)
     */
    public static List<Line> run(MultiLayerNetwork network, List<String> layerNames, FloatMatrix images,
                                 int[] classes, Attribution.Maps trained, int convolution,
                                 AttributionSettings settings, long seed) {
        MultiLayerConfiguration configuration = MultiLayerConfiguration.fromJson(
                network.getLayerWiseConfigurations().toJson());
        long weightsSeed = new SplittableRandom(seed).nextLong();
        for (NeuralNetConfiguration layer : configuration.getConfs()) {
            layer.setSeed(weightsSeed);
        }
        MultiLayerNetwork fresh = new MultiLayerNetwork(configuration);
        fresh.init();
        MultiLayerNetwork randomised = network.clone();
        List<Line> lines = new ArrayList<>();
        int randomisedLayers = 0;
        for (int index = network.getnLayers() - 1; index >= 0; index--) {
            if (network.getLayer(index).numParams() == 0) {
                continue;
            }
            randomised.getLayer(index).params().assign(fresh.getLayer(index).params());
            randomisedLayers++;
            Attribution.Maps maps = Attribution.measure(randomised, images, classes, trained.rows(), trained.cols(),
                    convolution, trained.methods(), settings);
            for (int m = 0; m < trained.methods().size(); m++) {
                double sum = 0;
                for (int i = 0; i < trained.images(); i++) {
                    double rho = spearman(absolute(trained.map(i, m)), absolute(maps.map(i, m)));
                    sum += Double.isNaN(rho) ? 0 : rho;
                }
                lines.add(new Line(trained.methods().get(m), randomisedLayers, layerNames.get(index),
                        trained.images() == 0 ? Double.NaN : sum / trained.images()));
            }
        }
        lines.sort(Comparator.comparing(Line::method).thenComparingInt(Line::layersRandomised));
        return lines;
    }

    /**
     * The methods whose maps do not pass: their mean rank correlation stays above {@code threshold} at every step,
     * all layers randomised included.
     */
    public static List<Method> flagged(List<Line> lines, double threshold) {
        return lines.stream().map(Line::method).distinct()
                .filter(method -> lines.stream().filter(line -> line.method() == method)
                        .allMatch(line -> line.meanSpearman() > threshold))
                .toList();
    }

    /** Spearman's rank correlation (ties get their mean rank); NaN when either is constant. */
    static double spearman(float[] a, float[] b) {
        return pearson(ranks(a), ranks(b));
    }

    static double[] ranks(float[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = rank;
            }
            start = end + 1;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static float[] absolute(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.abs(values[i]);
        }
        return out;
    }
}

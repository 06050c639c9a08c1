package dev.layerscope.attribution;

import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Attribution maps: which pixels drove the score of one class, per image, by saliency, integrated gradients and
 * Grad-CAM (see {@link Method}). The score is the logit of the class, the output layer's value before softmax,
 * whose gradient does not vanish when the network is sure (softmax's does). Every gradient comes from
 * {@link NetworkGradients}, DL4J's own backpropagation, in batches of up to {@link #BATCH_ROWS} images.
 */
public final class Attribution {

    /** Images (or integrated gradients' path points) per forward and backward pass. */
    static final int BATCH_ROWS = 256;

    private Attribution() {
    }

    /**
     * The maps of some images.
     *
     * @param methods           the methods, in the order of the maps
     * @param rows              image height
     * @param cols              image width
     * @param values            images x methods x rows x cols, row-major: saliency and integrated gradients signed,
     *                          Grad-CAM at least 0, stretched bilinearly from the last convolution's grid
     * @param completenessError per image, integrated gradients' |sum of the map - (F(x) - F(black))| over
     *                          |F(x) - F(black)|, F the target logit; NaN without integrated gradients or where
     *                          F(x) = F(black)
     */
    public record Maps(List<Method> methods, int images, int rows, int cols, float[] values,
                       double[] completenessError) {

        public Maps {
            methods = List.copyOf(methods);
            if (values.length != (long) images * methods.size() * rows * cols || completenessError.length != images) {
                throw new IllegalArgumentException("maps of " + images + " images by " + methods.size() + " methods of "
                        + rows + "x" + cols + " need " + images * methods.size() * rows * cols + " values");
            }
        }

        /** The map of image {@code image} by method number {@code method}, a copy, rows x cols row-major. */
        public float[] map(int image, int method) {
            int size = rows * cols;
            int from = (image * methods.size() + method) * size;
            return Arrays.copyOfRange(values, from, from + size);
        }
    }

    /**
     * The maps of {@code images} (one image a row of pixels in [0, 1], as the network takes them) for the logit of
     * {@code classes[i]}, by {@code methods}.
     *
     * @param convolution the DL4J index of the last convolution layer (Grad-CAM's), -1 when there is none
     * @param settings    integrated gradients' steps
     */
    public static Maps measure(MultiLayerNetwork network, FloatMatrix images, int[] classes, int rows, int cols,
                               int convolution, List<Method> methods, AttributionSettings settings) {
        if (images.cols() != rows * cols) {
            throw new IllegalArgumentException(images.cols() + " pixels per image, not " + rows + "x" + cols);
        }
        if (methods.contains(Method.GRAD_CAM) && convolution < 0) {
            throw new IllegalArgumentException("Grad-CAM needs a convolution layer, and the network has none");
        }
        NetworkGradients gradients = NetworkGradients.of(network);
        int n = images.rows();
        int size = rows * cols;
        float[] values = new float[n * methods.size() * size];
        double[] completeness = new double[n];
        Arrays.fill(completeness, Double.NaN);
        for (int m = 0; m < methods.size(); m++) {
            float[] maps = switch (methods.get(m)) {
                case SALIENCY -> saliency(gradients, images, classes);
                case INTEGRATED_GRADIENTS -> {
                    IntegratedGradients ig = integratedGradients(gradients, images, classes, settings.steps());
                    System.arraycopy(ig.completenessError(), 0, completeness, 0, n);
                    yield ig.maps();
                }
                case GRAD_CAM -> {
                    GradCam cam = gradCam(gradients, images, classes, convolution);
                    yield cam.stretched(rows, cols);
                }
            };
            for (int i = 0; i < n; i++) {
                System.arraycopy(maps, i * size, values, (i * methods.size() + m) * size, size);
            }
        }
        return new Maps(methods, n, rows, cols, values, completeness);
    }

    /** d logit(classes[i]) / d pixel, images x pixels. */
    static float[] saliency(NetworkGradients gradients, FloatMatrix images, int[] classes) {
        int n = images.rows();
        int d = images.cols();
        float[] out = new float[n * d];
        for (int from = 0; from < n; from += BATCH_ROWS) {
            int count = Math.min(BATCH_ROWS, n - from);
            INDArray x = Nd4j.create(Arrays.copyOfRange(images.values(), from * d, (from + count) * d),
                    new long[] {count, d}, 'c');
            NetworkGradients.Pass pass = gradients.run(x, Arrays.copyOfRange(classes, from, from + count), -1, true);
            System.arraycopy(floats(pass.inputGradient()), 0, out, from * d, count * d);
        }
        return out;
    }

    /**
     * Integrated gradients.
     *
     * @param maps              images x pixels
     * @param completenessError per image, as in {@link Maps}
     * @param difference        per image, F(x) - F(black) of its target logit
     */
    record IntegratedGradients(float[] maps, double[] completenessError, double[] difference) {
    }

    /**
     * Integrated gradients from the black image: each pixel times the mean gradient at the midpoints
     * {@code (k + 1/2) / steps}, k = 0 .. steps - 1, of the straight path from black to the image (the midpoint
     * Riemann sum, exact for a network linear along the path).
     */
    static IntegratedGradients integratedGradients(NetworkGradients gradients, FloatMatrix images, int[] classes,
                                                   int steps) {
        int n = images.rows();
        int d = images.cols();
        float[] black = logitsOf(gradients, new float[d], 1, d, new int[] {0});
        int classCount = black.length;
        float[] maps = new float[n * d];
        double[] error = new double[n];
        double[] difference = new double[n];
        int perBatch = Math.max(1, BATCH_ROWS / steps);
        for (int from = 0; from < n; from += perBatch) {
            int count = Math.min(perBatch, n - from);
            float[] path = new float[count * steps * d];
            int[] pathClasses = new int[count * steps];
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < steps; k++) {
                    float alpha = (k + 0.5f) / steps;
                    int row = i * steps + k;
                    pathClasses[row] = classes[from + i];
                    for (int p = 0; p < d; p++) {
                        path[row * d + p] = alpha * images.values()[(from + i) * d + p];
                    }
                }
            }
            float[] gradient = floats(gradients.run(Nd4j.create(path, new long[] {(long) count * steps, d}, 'c'),
                    pathClasses, -1, true).inputGradient());
            int[] ownClasses = Arrays.copyOfRange(classes, from, from + count);
            float[] logits = logitsOf(gradients, Arrays.copyOfRange(images.values(), from * d, (from + count) * d),
                    count, d, ownClasses);
            for (int i = 0; i < count; i++) {
                int image = from + i;
                double sum = 0;
                for (int p = 0; p < d; p++) {
                    double mean = 0;
                    for (int k = 0; k < steps; k++) {
                        mean += gradient[(i * steps + k) * d + p];
                    }
                    float value = (float) (images.values()[image * d + p] * mean / steps);
                    maps[image * d + p] = value;
                    sum += value;
                }
                int c = classes[image];
                difference[image] = (double) logits[i * classCount + c] - black[c];
                error[image] = difference[image] == 0 ? Double.NaN
                        : Math.abs(sum - difference[image]) / Math.abs(difference[image]);
            }
        }
        return new IntegratedGradients(maps, error, difference);
    }

    /** The logits of {@code count} images, count x classes row-major. */
    static float[] logitsOf(NetworkGradients gradients, float[] pixels, int count, int d, int[] classes) {
        return floats(gradients.run(Nd4j.create(pixels, new long[] {count, d}, 'c'), classes, -1, false).logits());
    }

    /**
     * Grad-CAM on the convolution's own grid.
     *
     * @param maps   images x height x width, each at least 0
     */
    record GradCam(int images, int height, int width, float[] maps) {

        /** Each map stretched bilinearly to rows x cols (pixel centres matched), images x rows x cols. */
        float[] stretched(int rows, int cols) {
            float[] out = new float[images * rows * cols];
            for (int i = 0; i < images; i++) {
                for (int y = 0; y < rows; y++) {
                    double sy = Math.clamp((y + 0.5) * height / rows - 0.5, 0, height - 1);
                    int y0 = (int) sy;
                    int y1 = Math.min(y0 + 1, height - 1);
                    double wy = sy - y0;
                    for (int x = 0; x < cols; x++) {
                        double sx = Math.clamp((x + 0.5) * width / cols - 0.5, 0, width - 1);
                        int x0 = (int) sx;
                        int x1 = Math.min(x0 + 1, width - 1);
                        double wx = sx - x0;
                        int base = i * height * width;
                        double top = maps[base + y0 * width + x0] * (1 - wx) + maps[base + y0 * width + x1] * wx;
                        double bottom = maps[base + y1 * width + x0] * (1 - wx) + maps[base + y1 * width + x1] * wx;
                        out[(i * rows + y) * cols + x] = (float) (top * (1 - wy) + bottom * wy);
                    }
                }
            }
            return out;
        }
    }

    /**
     * Grad-CAM of DL4J layer {@code convolution}, whose output is images x channels x height x width: the channels
     * weighted by the mean over the grid of the target logit's gradient, summed, and clipped at zero.
     */
    static GradCam gradCam(NetworkGradients gradients, FloatMatrix images, int[] classes, int convolution) {
        int n = images.rows();
        int d = images.cols();
        float[] maps = null;
        int height = 0;
        int width = 0;
        for (int from = 0; from < n; from += BATCH_ROWS) {
            int count = Math.min(BATCH_ROWS, n - from);
            INDArray x = Nd4j.create(Arrays.copyOfRange(images.values(), from * d, (from + count) * d),
                    new long[] {count, d}, 'c');
            NetworkGradients.Pass pass = gradients.run(x, Arrays.copyOfRange(classes, from, from + count),
                    convolution, false);
            long[] shape = pass.layerOutput().shape();
            if (shape.length != 4) {
                throw new IllegalArgumentException("Grad-CAM needs a convolution's output of images x channels x "
                        + "height x width, got " + Arrays.toString(shape));
            }
            int channels = (int) shape[1];
            height = (int) shape[2];
            width = (int) shape[3];
            if (maps == null) {
                maps = new float[n * height * width];
            }
            float[] activation = floats(pass.layerOutput());
            float[] gradient = floats(pass.layerGradient());
            int grid = height * width;
            for (int i = 0; i < count; i++) {
                double[] cam = new double[grid];
                for (int k = 0; k < channels; k++) {
                    int base = (i * channels + k) * grid;
                    double weight = 0;
                    for (int p = 0; p < grid; p++) {
                        weight += gradient[base + p];
                    }
                    weight /= grid;
                    for (int p = 0; p < grid; p++) {
                        cam[p] += weight * activation[base + p];
                    }
                }
                for (int p = 0; p < grid; p++) {
                    maps[(from + i) * grid + p] = (float) Math.max(0, cam[p]);
                }
            }
        }
        return new GradCam(n, height, width, maps == null ? new float[0] : maps);
    }

    private static float[] floats(INDArray array) {
        return array.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
}

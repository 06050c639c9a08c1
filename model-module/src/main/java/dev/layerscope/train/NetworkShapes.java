package dev.layerscope.train;

import dev.layerscope.kernel.Numbers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a layer stack the way the network will see its input, naming each layer and computing its output shape and
 * parameter count, and finds what makes the stack impossible: zero units, dropout outside [0, 1), a convolution or
 * pooling after a dense layer, a kernel or window larger than its input, an output layer that is not last.
 * Without an input shape (at validation, before the data is read) the size checks that need it are skipped; the
 * train stage repeats the walk with the data's shape before it trains.
 */
public final class NetworkShapes {

    /** An image input: channels x rows x cols. */
    public record Input(int channels, int rows, int cols) {
    }

    /**
     * One layer after the walk.
     *
     * @param name   its name (given or default)
     * @param spec   what the experiment said
     * @param shape  its output, e.g. {@code 32x26x26} or {@code 256}; {@code ?} where the input size is unknown
     * @param width  its output's values per image (21,632 for {@code 32x26x26}); -1 where unknown
     * @param params its trainable (and, for batch norm, running-statistics) parameters; -1 where unknown
     */
    public record Layer(String name, LayerSpec spec, String shape, long width, long params) {
    }

    /** The walk's result. */
    public record Shapes(List<Layer> layers, List<String> problems) {
        public long params() {
            return layers.stream().mapToLong(Layer::params).sum();
        }
    }

    private NetworkShapes() {
    }

    /**
     * @param layers  the stack
     * @param input   the image shape, or null when it is not known yet
     * @param classes the output layer's size, or 0 when it is not known yet
     */
    public static Shapes check(List<LayerSpec> layers, Input input, int classes) {
        Walk walk = new Walk(input);
        List<String> problems = new ArrayList<>();
        List<Layer> result = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec spec = layers.get(i);
            String name = spec.name().orElseGet(() -> spec instanceof LayerSpec.Output ? "output"
                    : spec.kind() + counts.merge(spec.kind(), 1, Integer::sum));
            String where = "layers[" + i + "] (" + name + "): ";
            if (!names.add(name)) {
                problems.add(where + "the name `" + name + "` is used twice; later stages find layers by name");
            }
            if (spec instanceof LayerSpec.Output && i != layers.size() - 1) {
                problems.add(where + "the output layer must be the last layer");
            }
            String problem = walk.step(spec, classes);
            if (problem != null) {
                problems.add(where + problem);
            }
            result.add(new Layer(name, spec, walk.shape(), walk.flatSize(), walk.lastParams));
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof LayerSpec.Output)) {
            problems.add("the last layer must be `{ type = output }` (softmax over the data's classes)");
        }
        return new Shapes(List.copyOf(result), List.copyOf(problems));
    }

    /** Checks a stack without knowing the input: what can be said before the data is read. */
    public static Shapes check(List<LayerSpec> layers, Input input) {
        return check(layers, input, 0);
    }

    /** The shape as it flows through the stack. */
    private static final class Walk {
        // spatial: channels x rows x cols (rows/cols -1 when unknown); flat: features (-1 when unknown)
        private boolean spatial;
        private int channels;
        private int rows;
        private int cols;
        private long features;
        private long lastParams;

        Walk(Input input) {
            spatial = true;
            channels = input == null ? 1 : input.channels();
            rows = input == null ? -1 : input.rows();
            cols = input == null ? -1 : input.cols();
        }

        String shape() {
            if (spatial) {
                return channels + "x" + (rows < 0 ? "?" : rows) + "x" + (cols < 0 ? "?" : cols);
            }
            return features < 0 ? "?" : Long.toString(features);
        }

        private long flatSize() {
            if (!spatial) {
                return features;
            }
            return rows < 0 || cols < 0 ? -1 : (long) channels * rows * cols;
        }

        /** Applies one layer; returns what is wrong with it, or null. */
        String step(LayerSpec spec, int classes) {
            lastParams = 0;
            switch (spec) {
                case LayerSpec.Dense dense -> {
                    if (dense.units() < 1) {
                        return "units must be at least 1, got " + dense.units();
                    }
                    return toFlat(dense.units());
                }
                case LayerSpec.Output output -> {
                    return toFlat(classes > 0 ? classes : -1);
                }
                case LayerSpec.Conv2d conv -> {
                    if (conv.filters() < 1 || conv.kernel() < 1 || conv.stride() < 1) {
                        return "filters, kernel and stride must be at least 1, got " + conv.filters() + ", "
                                + conv.kernel() + ", " + conv.stride();
                    }
                    String problem = needsFeatureMaps("a conv2d layer");
                    if (problem == null && conv.padding() == LayerSpec.Padding.VALID) {
                        problem = fits("kernel", conv.kernel());
                    }
                    if (problem != null) {
                        return problem;
                    }
                    lastParams = (long) conv.kernel() * conv.kernel() * channels * conv.filters() + conv.filters();
                    channels = conv.filters();
                    rows = convolve(rows, conv.kernel(), conv.stride(), conv.padding());
                    cols = convolve(cols, conv.kernel(), conv.stride(), conv.padding());
                    return null;
                }
                case LayerSpec.Maxpool pool -> {
                    if (pool.size() < 1 || pool.step() < 1) {
                        return "size and stride must be at least 1, got " + pool.size() + ", " + pool.step();
                    }
                    String problem = needsFeatureMaps("a maxpool layer");
                    if (problem == null) {
                        problem = fits("pooling window", pool.size());
                    }
                    if (problem != null) {
                        return problem;
                    }
                    rows = convolve(rows, pool.size(), pool.step(), LayerSpec.Padding.VALID);
                    cols = convolve(cols, pool.size(), pool.step(), LayerSpec.Padding.VALID);
                    return null;
                }
                case LayerSpec.Dropout dropout -> {
                    boolean valid = dropout.rate() >= 0 && dropout.rate() < 1;
                    return valid ? null : "rate must be in [0, 1), got " + Numbers.number(dropout.rate());
                }
                case LayerSpec.Batchnorm batchnorm -> {
                    // gamma, beta, and the running mean and variance DL4J keeps as parameters too
                    long size = spatial ? channels : features;
                    lastParams = size < 0 ? -1 : 4 * size;
                    return null;
                }
                case LayerSpec.Flatten flatten -> {
                    features = flatSize();
                    spatial = false;
                    return null;
                }
            }
        }

        private String toFlat(long units) {
            long in = flatSize();
            lastParams = in < 0 || units < 0 ? -1 : in * units + units;
            spatial = false;
            features = units;
            return null;
        }

        private String needsFeatureMaps(String what) {
            return spatial ? null : what + " cannot follow a dense or flatten layer: its input is a vector, not "
                    + "feature maps (put convolutions and pooling before the dense layers)";
        }

        private String fits(String what, int size) {
            if (rows >= 0 && (size > rows || size > cols)) {
                return what + " " + size + "x" + size + " is larger than its " + rows + "x" + cols + " input";
            }
            return null;
        }

        private static int convolve(int size, int kernel, int stride, LayerSpec.Padding padding) {
            if (size < 0) {
                return -1;
            }
            return padding == LayerSpec.Padding.SAME ? (size + stride - 1) / stride : (size - kernel) / stride + 1;
        }
    }
}

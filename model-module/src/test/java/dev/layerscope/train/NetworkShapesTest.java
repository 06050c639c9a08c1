package dev.layerscope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.DataShape;
import dev.layerscope.kernel.ConfigProblem;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.SettingsBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** From the experiment's layer list to a DL4J network: names, shapes, parameter counts, impossible stacks. */
class NetworkShapesTest {

    private static final String CNN = """
            { type = conv2d, filters = 32 }, { type = conv2d, filters = 64 }, { type = maxpool },
            { type = dropout, rate = 0.5 }, { type = flatten }, { type = dense, units = 128 },
            { type = dropout, rate = 0.5 }, { type = output }
            """;

    @Test
    void theReferenceMlpHasItsPublishedShapeAndParameters() {
        ModelSettings mlp = settings("");
        NetworkShapes.Input input = new NetworkShapes.Input(1, 28, 28);
        NetworkShapes.Shapes shapes = NetworkShapes.check(mlp.layers(), input, 10);
        assertEquals(List.of("dense1", "dropout1", "dense2", "dropout2", "output"),
                shapes.layers().stream().map(NetworkShapes.Layer::name).toList());
        assertEquals(List.of("256", "256", "64", "64", "10"),
                shapes.layers().stream().map(NetworkShapes.Layer::shape).toList());
        // 784*256+256 + 256*64+64 + 64*10+10
        assertEquals(218_058, shapes.params());
        assertSameParametersAsDl4j(mlp, input, 10, shapes);
        assertEquals(2, NetworkFactory.penultimateIndex(mlp), "dense2 is the penultimate representation");
    }

    @Test
    void theReferenceCnnHasItsPublishedShapeAndParameters() {
        ModelSettings cnn = settings("layers = [" + CNN + "]");
        NetworkShapes.Input input = new NetworkShapes.Input(1, 28, 28);
        NetworkShapes.Shapes shapes = NetworkShapes.check(cnn.layers(), input, 10);
        assertEquals(List.of("conv1", "conv2", "pool1", "dropout1", "flatten1", "dense1", "dropout2", "output"),
                shapes.layers().stream().map(NetworkShapes.Layer::name).toList());
        assertEquals(List.of("32x26x26", "64x24x24", "64x12x12", "64x12x12", "9216", "128", "128", "10"),
                shapes.layers().stream().map(NetworkShapes.Layer::shape).toList());
        // 3*3*1*32+32 + 3*3*32*64+64 + 9216*128+128 + 128*10+10
        assertEquals(1_199_882, shapes.params());
        assertSameParametersAsDl4j(cnn, input, 10, shapes);
        assertEquals(List.of("conv1", "conv2", "pool1", "dropout1", "dense1", "dropout2", "output"),
                NetworkFactory.dl4jLayerNames(cnn), "flatten has no DL4J layer");
    }

    @Test
    void batchNormAndSamePaddingKeepTheirShapes() {
        ModelSettings net = settings("""
                layers = [{ type = conv2d, filters = 8, padding = same }, { type = batchnorm },
                          { type = maxpool, size = 2 }, { type = dense, units = 16 }, { type = output }]""");
        NetworkShapes.Input input = new NetworkShapes.Input(1, 9, 7);
        NetworkShapes.Shapes shapes = NetworkShapes.check(net.layers(), input, 3);
        assertEquals(List.of("8x9x7", "8x9x7", "8x4x3", "16", "3"),
                shapes.layers().stream().map(NetworkShapes.Layer::shape).toList());
        assertSameParametersAsDl4j(net, input, 3, shapes);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "conv after dense | { type = dense, units = 8 }, { type = conv2d, filters = 4 }, { type = output }"
            + " | layers[1] (conv1): a conv2d layer cannot follow a dense or flatten layer",
        "pool after flatten | { type = flatten }, { type = maxpool }, { type = output }"
            + " | layers[1] (pool1): a maxpool layer cannot follow a dense or flatten layer",
        "zero units | { type = dense, units = 0 }, { type = output }"
            + " | layers[0] (dense1): units must be at least 1, got 0",
        "dropout of one | { type = dense, units = 4 }, { type = dropout, rate = 1.0 }, { type = output }"
            + " | layers[1] (dropout1): rate must be in [0, 1), got 1",
        "negative dropout | { type = dropout, rate = -0.1, name = drop-in }, { type = output }"
            + " | layers[0] (drop-in): rate must be in [0, 1), got -0.1",
        "output not last | { type = output }, { type = dense, units = 4 }"
            + " | layers[0] (output): the output layer must be the last layer",
        "no output | { type = dense, units = 4 }"
            + " | the last layer must be `{ type = output }`",
        "a name twice | { type = dense, units = 4, name = a }, { type = dense, units = 4, name = a }, { type = output }"
            + " | layers[1] (a): the name `a` is used twice",
    })
    void rejectsAnImpossibleStackAtValidationNamingTheLayer(String what, String layers, String expected) {
        List<ConfigProblem> problems = new ArrayList<>();
        Optional<ModelSettings> bound = bind("layers = [" + layers + "]", problems);
        assertTrue(bound.isEmpty(), what + " must be rejected");
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("model.layers", problems.get(0).path(), "the problem points at the layer list");
        assertTrue(problems.get(0).message().contains(expected), problems.get(0).message());
    }

    @Test
    void rejectsAKernelLargerThanTheImagesBeforeTraining() {
        ModelSettings net = settings("layers = [{ type = conv2d, filters = 4, kernel = 5 }, { type = conv2d,"
                + " filters = 4, kernel = 5, name = big }, { type = output }]");
        assertEquals(List.of(), NetworkShapes.check(net.layers(), null).problems(),
                "without the image size the stack is fine");
        assertEquals(List.of("layers[1] (big): kernel 5x5 is larger than its 4x4 input"),
                NetworkShapes.check(net.layers(), new NetworkShapes.Input(1, 8, 8), 2).problems());
    }

    @Test
    void aKernelAndAShiftTooLargeForTheImagesAreBothNamedWithTheirKeys() {
        ModelSettings net = settings("layers = [{ type = conv2d, filters = 4, kernel = 40 }, { type = output }]\n"
                + "augment.shift = 28");
        DataShape mnist = new DataShape("MNIST", 28, 28, List.of("a", "b"), counts(5), counts(1), counts(2));
        List<InvalidSetting> problems = net.problemsWith(mnist);
        assertEquals(List.of("layers", "augment.shift"), problems.stream().map(InvalidSetting::key).toList());
        assertEquals("the layer stack cannot take the 28x28 images of MNIST: layers[0] (conv1): kernel 40x40 is "
                + "larger than its 28x28 input", problems.get(0).getMessage());
        assertTrue(problems.get(1).getMessage().startsWith("shift = 28 would move the 28x28 images of MNIST out of "
                + "sight; use a shift below 28"), problems.get(1).getMessage());
        assertEquals(List.of(), settings("augment.shift = 27").problemsWith(mnist));
    }

    @Test
    void eachLayerKnowsItsWidthOnceTheImageSizeIsKnown() {
        ModelSettings cnn = settings("layers = [" + CNN + "]");
        assertEquals(List.of(-1L, -1L, -1L, -1L, -1L, 128L, 128L, -1L), NetworkShapes.check(cnn.layers(), null)
                .layers().stream().map(NetworkShapes.Layer::width).toList(), "a dense layer's width is its units");
        assertEquals(List.of(21_632L, 36_864L, 9216L, 9216L, 9216L, 128L, 128L, 10L),
                NetworkShapes.check(cnn.layers(), new NetworkShapes.Input(1, 28, 28), 10).layers().stream()
                        .map(NetworkShapes.Layer::width).toList());
    }

    private static DataShape.ClassCounts counts(int each) {
        return new DataShape.ClassCounts(new int[] {each, each});
    }

    private static void assertSameParametersAsDl4j(ModelSettings settings, NetworkShapes.Input input, int classes,
                                                  NetworkShapes.Shapes shapes) {
        MultiLayerNetwork network = NetworkFactory.build(settings, input, classes);
        List<String> names = NetworkFactory.dl4jLayerNames(settings);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            NetworkShapes.Layer expected = shapes.layers().stream().filter(l -> l.name().equals(name)).findFirst()
                    .orElseThrow();
            assertEquals(expected.params(), network.getLayer(i).numParams(), "parameters of " + name);
        }
        assertEquals(shapes.params(), network.numParams());
    }

    static ModelSettings settings(String model) {
        List<ConfigProblem> problems = new ArrayList<>();
        return bind(model, problems).orElseThrow(() -> new AssertionError(problems.toString()));
    }

    private static Optional<ModelSettings> bind(String model, List<ConfigProblem> problems) {
        var config = ConfigFactory.parseString("model { " + model + " }")
                .withFallback(ConfigFactory.parseResourcesAnySyntax("reference")).resolve();
        return new SettingsBinder(problems).bind(config.getObject("model"), "model", ModelSettings.class, Set.of());
    }
}

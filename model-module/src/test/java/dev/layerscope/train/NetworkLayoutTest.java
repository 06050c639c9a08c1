package dev.layerscope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.DataShape;
import dev.layerscope.kernel.Artifacts;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A network's layers as later stages see them: told from model.layers before training, found in any network after. */
class NetworkLayoutTest {

    private static final String CNN = """
            { type = conv2d, filters = 4 }, { type = maxpool }, { type = batchnorm }, { type = flatten },
            { type = dense, units = 16, name = hidden }, { type = dropout, rate = 0.5 }, { type = output }
            """;

    @Test
    void theLayoutToldFromTheSettingsIsTheOneFoundInTheNetworkTheyBuild() {
        ModelSettings cnn = NetworkShapesTest.settings("layers = [" + CNN + "]");
        NetworkShapes.Input input = new NetworkShapes.Input(1, 12, 12);
        NetworkLayout told = NetworkLayout.of(NetworkShapes.check(cnn.layers(), input, 3));
        NetworkLayout found = NetworkLayout.of(NetworkFactory.build(cnn, input, 3), 144);

        assertEquals(found, told);
        assertEquals(List.of("conv1", "pool1", "batchnorm1", "hidden", "dropout1", "output"), found.names(),
                "flatten has no DL4J layer");
        assertEquals(List.of(NetworkLayout.Kind.CONVOLUTION, NetworkLayout.Kind.POOLING, NetworkLayout.Kind.BATCHNORM,
                NetworkLayout.Kind.DENSE, NetworkLayout.Kind.DROPOUT, NetworkLayout.Kind.OUTPUT),
                found.layers().stream().map(NetworkLayout.Layer::kind).toList());
        assertEquals(List.of("4x10x10", "4x5x5", "4x5x5", "16", "16", "3"),
                found.layers().stream().map(NetworkLayout.Layer::shape).toList());
        assertEquals(List.of(400L, 100L, 100L, 16L, 16L, 3L),
                found.layers().stream().map(NetworkLayout.Layer::width).toList());
    }

    @Test
    void aNetworkBuiltInCodeHasItsLayersNamedKindedAndMeasured() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().name("wide").nOut(6).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(20)).build());
        network.init();

        NetworkLayout layout = NetworkLayout.of(network, 20);

        assertEquals(List.of(new NetworkLayout.Layer("wide", NetworkLayout.Kind.DENSE, "6", 6, 20 * 6 + 6),
                new NetworkLayout.Layer("layer1", NetworkLayout.Kind.DENSE, "2", 2, 6 * 2 + 2),
                new NetworkLayout.Layer("layer2", NetworkLayout.Kind.OUTPUT, "3", 3, 2 * 3 + 3)), layout.layers());
        assertEquals(network.numParams(), layout.params());
        TrainedModel model = new TrainedModel(network, layout, List.of());
        assertEquals(layout, NetworkLayout.in(Artifacts.of(TrainedModel.ARTIFACT, model)).orElseThrow(),
                "the trained model's layout, where no layout was previewed");
        assertThrows(IllegalArgumentException.class, () -> new TrainedModel(network,
                new NetworkLayout(layout.layers().subList(0, 2)), List.of()), "a layout of another network");
    }

    @Test
    void theTableNamesEveryLayerAndWhatIsNotKnownYet() {
        ModelSettings cnn = NetworkShapesTest.settings("layers = [" + CNN + "]");
        String before = NetworkLayout.of(NetworkShapes.check(cnn.layers(), null)).table();
        String after = NetworkLayout.of(NetworkShapes.check(cnn.layers(), new NetworkShapes.Input(1, 12, 12), 3))
                .table();
        assertEquals("""
                layer        kind        output           parameters
                conv1        convolution 4x10x10                  40
                pool1        pooling     4x5x5                     0
                batchnorm1   batchnorm   4x5x5                    16
                hidden       dense       16                    1,616
                dropout1     dropout     16                        0
                output       output      3                        51
                total                                          1,723
                """, after);
        assertTrue(before.contains("conv1        convolution 4x?x?") && before.lines().toList().getLast()
                .matches("total +\\?"), before);
    }

    @Test
    void theTrainStagePreviewsTheLayoutWithWidthsOnceTheDataShapeIsKnown() {
        TrainStage stage = new TrainStage(NetworkShapesTest.settings("layers = [" + CNN + "]"), null);
        DataShape twelve = new DataShape("Tiny", 12, 12, List.of("a", "b", "c"), counts(), counts(), counts());
        NetworkLayout without = stage.preview(Artifacts.none()).find(NetworkLayout.ARTIFACT).orElseThrow();
        NetworkLayout with = stage.preview(Artifacts.of(DataShape.ARTIFACT, twelve)).find(NetworkLayout.ARTIFACT)
                .orElseThrow();
        assertEquals(without.names(), with.names());
        assertEquals(-1, without.layers().getFirst().width(), "the image size is not known");
        assertEquals(400, with.layers().getFirst().width());
        DataShape four = new DataShape("Tiny", 2, 2, List.of("a", "b", "c"), counts(), counts(), counts());
        assertEquals(without, stage.preview(Artifacts.of(DataShape.ARTIFACT, four)).find(NetworkLayout.ARTIFACT)
                .orElseThrow(), "a stack that cannot take the images: check() says so; the preview names the layers");
    }

    private static DataShape.ClassCounts counts() {
        return new DataShape.ClassCounts(new int[] {5, 5, 5});
    }
}

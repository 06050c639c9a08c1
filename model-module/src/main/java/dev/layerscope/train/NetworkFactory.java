package dev.layerscope.train;

import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Builds the DL4J network an experiment describes. Flatten layers have no DL4J layer of their own: DL4J inserts the
 * reshape between a convolution and a dense layer itself, so {@link #dl4jLayerNames} lists the names of the layers
 * the network really has, in DL4J's index order.
 */
public final class NetworkFactory {

    private NetworkFactory() {
    }

    /**
     * A network ready to train, its convolutions on oneDNN where available: its DL4J layer index order matches
     * {@link #dl4jLayerNames}.
     */
    public static MultiLayerNetwork build(ModelSettings settings, NetworkShapes.Input input, int classes) {
        MultiLayerNetwork network = new MultiLayerNetwork(configuration(settings, input, classes));
        network.init();
        OneDnn.attach(network);
        return network;
    }

    static MultiLayerConfiguration configuration(ModelSettings settings, NetworkShapes.Input input, int classes) {
        NetworkShapes.Shapes shapes = NetworkShapes.check(settings.layers(), input, classes);
        if (!shapes.problems().isEmpty()) {
            throw new IllegalArgumentException("model.layers cannot take " + input.rows() + "x" + input.cols()
                    + " images: " + String.join("; ", shapes.problems()));
        }
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder()
                .seed(settings.seed())
                .dataType(DataType.FLOAT)
                .weightInit(switch (settings.weightInit()) {
                    case RELU -> WeightInit.RELU;
                    case XAVIER -> WeightInit.XAVIER;
                    case UNIFORM -> WeightInit.UNIFORM;
                })
                .updater(updater(settings))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.NONE);
        if (settings.updater().weightDecay() > 0) {
            builder.weightDecay(settings.updater().weightDecay(), true);
        }
        NeuralNetConfiguration.ListBuilder list = builder.list();
        for (NetworkShapes.Layer layer : shapes.layers()) {
            Layer dl4j = layer(layer, classes);
            if (dl4j != null) {
                list.layer(dl4j);
            }
        }
        boolean convolutional = settings.layers().stream()
                .anyMatch(l -> l instanceof LayerSpec.Conv2d || l instanceof LayerSpec.Maxpool);
        list.setInputType(convolutional
                ? InputType.convolutionalFlat(input.rows(), input.cols(), input.channels())
                : InputType.feedForward((long) input.rows() * input.cols() * input.channels()));
        return list.build();
    }

    /** The names of the network's DL4J layers, by DL4J layer index. */
    public static List<String> dl4jLayerNames(ModelSettings settings) {
        return layout(settings).names();
    }

    /**
     * The DL4J index of the penultimate representation: the last layer before the output that computes one (not
     * dropout or batch norm; for the reference MLP, dense2 with its 64 units).
     */
    public static int penultimateIndex(ModelSettings settings) {
        List<NetworkLayout.Layer> layers = layout(settings).layers();
        return IntStream.iterate(layers.size() - 2, i -> i >= 0, i -> i - 1)
                .filter(i -> layers.get(i).kind().representation())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the network has no hidden layer before its output"));
    }

    private static NetworkLayout layout(ModelSettings settings) {
        return NetworkLayout.of(NetworkShapes.check(settings.layers(), null));
    }

    /** The learning rate of each epoch (0-based), as the schedule sets it. */
    public static double learningRate(ModelSettings settings, int epoch) {
        ModelSettings.Updater updater = settings.updater();
        double base = updater.learningRate();
        return switch (updater.schedule().type()) {
            case NONE -> base;
            case STEP -> base * Math.pow(updater.schedule().gamma(), epoch / updater.schedule().every());
            case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * epoch / settings.epochs()));
        };
    }

    private static IUpdater updater(ModelSettings settings) {
        MapSchedule.Builder schedule = new MapSchedule.Builder(ScheduleType.EPOCH);
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            schedule.add(epoch, learningRate(settings, epoch));
        }
        ISchedule rates = schedule.build();
        return switch (settings.updater().type()) {
            case ADAM -> new Adam(rates);
            case SGD -> new Nesterovs(rates, settings.updater().momentum());
        };
    }

    private static Layer layer(NetworkShapes.Layer layer, int classes) {
        return switch (layer.spec()) {
            case LayerSpec.Dense dense -> new DenseLayer.Builder().name(layer.name()).nOut(dense.units())
                    .activation(activation(dense.activation())).build();
            case LayerSpec.Conv2d conv -> new ConvolutionLayer.Builder(conv.kernel(), conv.kernel())
                    .name(layer.name()).nOut(conv.filters()).stride(conv.stride(), conv.stride())
                    .convolutionMode(conv.padding() == LayerSpec.Padding.SAME
                            ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                    .activation(activation(conv.activation())).build();
            case LayerSpec.Maxpool pool -> new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .name(layer.name()).kernelSize(pool.size(), pool.size()).stride(pool.step(), pool.step())
                    .build();
            // DL4J's dropout argument is the probability of keeping a unit
            case LayerSpec.Dropout dropout -> new DropoutLayer.Builder(1 - dropout.rate()).name(layer.name()).build();
            case LayerSpec.Batchnorm batchnorm -> new BatchNormalization.Builder().name(layer.name()).build();
            case LayerSpec.Flatten flatten -> null;
            case LayerSpec.Output output -> new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .name(layer.name()).nOut(classes).activation(Activation.SOFTMAX).build();
        };
    }

    private static Activation activation(LayerSpec.Activation activation) {
        return switch (activation) {
            case RELU -> Activation.RELU;
            case LEAKYRELU -> Activation.LEAKYRELU;
            case TANH -> Activation.TANH;
            case SIGMOID -> Activation.SIGMOID;
            case ELU -> Activation.ELU;
            case IDENTITY -> Activation.IDENTITY;
        };
    }
}

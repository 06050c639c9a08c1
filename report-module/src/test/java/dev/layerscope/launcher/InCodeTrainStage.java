package dev.layerscope.launcher;

import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.train.EpochRecord;
import dev.layerscope.train.NetworkLayout;
import dev.layerscope.train.Predictions;
import dev.layerscope.train.TrainedModel;
import dev.layerscope.train.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A researcher's own train stage, as the docs invite one: its network is built in code with DL4J's builder
 * (layers {@value #FEATURES}, {@value #SQUEEZE} and {@value #SCORES}; no {@code model.layers}, no settings at all),
 * trained full-batch for {@value #EPOCHS} epochs, and handed on as the artifacts LayerScope's train stage hands on:
 * the {@link TrainedModel} with its network's own {@link NetworkLayout}, the {@link Predictions} of the test split,
 * and the {@link Trajectory} of the penultimate layer.
 */
public final class InCodeTrainStage implements Stage {

    static final String FEATURES = "features";
    static final String SQUEEZE = "squeeze";
    static final String SCORES = "scores";
    static final int EPOCHS = 3;
    /** The test images per class whose penultimate points the trajectory records. */
    private static final int TRAJECTORY_PER_CLASS = 3;

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(TrainedModel.ARTIFACT, Predictions.ARTIFACT, Trajectory.ARTIFACT);
    }

    @Override
    public void run(StageContext context) {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        int pixels = dataset.rows() * dataset.cols();
        int classes = dataset.classCount();
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11)
                .dataType(DataType.FLOAT).updater(new Adam(0.02)).list()
                .layer(new DenseLayer.Builder().name(FEATURES).nOut(12).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name(SQUEEZE).nOut(2).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name(SCORES).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(pixels)).build());
        network.init();

        DataSet train = examples(dataset.train(), classes);
        DataSet validation = examples(dataset.validation(), classes);
        DataSet test = examples(dataset.test(), classes);
        int[] taken = new int[classes];
        int[] sample = IntStream.range(0, dataset.test().size())
                .filter(i -> taken[dataset.test().label(i)]++ < TRAJECTORY_PER_CLASS).toArray();
        INDArray sampleImages = test.getFeatures().getRows(sample);
        // snapshot 0 before training, then one after every epoch
        List<INDArray> points = new ArrayList<>(List.of(penultimate(network, sampleImages)));
        List<INDArray> softmax = new ArrayList<>(List.of(network.output(sampleImages)));
        List<EpochRecord> history = new ArrayList<>();
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            long start = System.nanoTime();
            for (int step = 0; step < 20; step++) {
                network.fit(train);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            history.add(new EpochRecord(epoch, network.score(train), accuracy(network, train),
                    network.score(validation), accuracy(network, validation), seconds, 0.02));
            points.add(penultimate(network, sampleImages));
            softmax.add(network.output(sampleImages));
        }

        Split testSplit = dataset.test();
        context.write(TrainedModel.ARTIFACT, new TrainedModel(network, NetworkLayout.of(network, pixels), history));
        context.write(Predictions.ARTIFACT, new Predictions(network.output(test.getFeatures()).data().asFloat(),
                classes, IntStream.range(0, testSplit.size()).map(testSplit::label).toArray(),
                IntStream.range(0, testSplit.size()).map(testSplit::sourceIndex).toArray()));
        context.write(Trajectory.ARTIFACT, new Trajectory(SQUEEZE, points.size(), 2, classes, stacked(points),
                stacked(softmax), IntStream.of(sample).map(testSplit::label).toArray(),
                IntStream.of(sample).map(testSplit::sourceIndex).toArray()));
    }

    /** A split's images, one row of scaled pixels each, with one-hot labels. */
    private static DataSet examples(Split split, int classes) {
        int pixels = split.source().pixelsPerImage();
        float[] images = new float[split.size() * pixels];
        float[] labels = new float[split.size() * classes];
        for (int i = 0; i < split.size(); i++) {
            split.copyScaled(i, images, i * pixels);
            labels[i * classes + split.label(i)] = 1;
        }
        return new DataSet(Nd4j.create(images, new long[] {split.size(), pixels}, 'c'),
                Nd4j.create(labels, new long[] {split.size(), classes}, 'c'));
    }

    private static INDArray penultimate(MultiLayerNetwork network, INDArray images) {
        return network.feedForward(images, false).get(2);
    }

    private static double accuracy(MultiLayerNetwork network, DataSet examples) {
        INDArray predicted = network.output(examples.getFeatures()).argMax(1);
        INDArray actual = examples.getLabels().argMax(1);
        return predicted.eq(actual).castTo(DataType.INT32).sumNumber().doubleValue() / examples.numExamples();
    }

    /** Snapshots x samples x values, row-major. */
    private static float[] stacked(List<INDArray> snapshots) {
        return Nd4j.vstack(snapshots).dup('c').data().asFloat();
    }
}

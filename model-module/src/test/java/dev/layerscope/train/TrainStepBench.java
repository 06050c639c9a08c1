package dev.layerscope.train;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a command-line probe of what one training step costs, for profiling (perf, JFR) without the
 * pipeline around it. It builds the reference MLP or CNN as {@link NetworkFactory} does and feeds it as
 * {@link Trainer} does (128-row views of one native array of random pixels and labels), and prints for each repeat
 * the wall time, the process's and the training thread's CPU time, and the sum of the weights (equal sums across
 * runs mean the same training). CPU seconds are the figure to compare when other processes share the cores.
 *
 * <pre>
 * OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 java -cp CLASSPATH dev.layerscope.train.TrainStepBench mlp 200 5
 * </pre>
 *
 * The thread count comes from {@code OMP_NUM_THREADS}, as the launcher sets it for a run's JVM; the classpath is
 * model-module's test classpath (docs/performance.md, "Training speed", says how to get it).
 */
public final class TrainStepBench {

    private static final int BATCH = 128;
    private static final int PIXELS = 28 * 28;
    private static final int CLASSES = 10;

    private TrainStepBench() {
    }

    /**
     * Runs the probe.
     *
     * @param args the network ({@code mlp} or {@code cnn}), steps per repeat, repeats
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: TrainStepBench mlp|cnn STEPS REPEATS");
            System.exit(2);
        }
        String network = args[0];
        int steps = Integer.parseInt(args[1]);
        int repeats = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", "1"));
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);

        MultiLayerNetwork net = NetworkFactory.build(settings(network), new NetworkShapes.Input(1, 28, 28), CLASSES);
        int rows = steps * BATCH;
        Random random = new Random(1);
        float[] pixels = new float[rows * PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        float[] labels = new float[rows * CLASSES];
        for (int i = 0; i < rows; i++) {
            labels[i * CLASSES + random.nextInt(CLASSES)] = 1;
        }
        INDArray x = Nd4j.create(pixels, new long[] {rows, PIXELS}, 'c');
        INDArray y = Nd4j.create(labels, new long[] {rows, CLASSES}, 'c');
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean thread = ManagementFactory.getThreadMXBean();
        for (int repeat = 0; repeat < repeats; repeat++) {
            long wall = System.nanoTime();
            long process = os.getProcessCpuTime();
            long own = thread.getCurrentThreadCpuTime();
            for (int from = 0; from < rows; from += BATCH) {
                net.fit(new DataSet(Trainer.rows(x, from, from + BATCH), Trainer.rows(y, from, from + BATCH)));
            }
            double perStep = 1e-9 / steps;
            System.out.printf(Locale.ROOT, "%s threads=%d repeat %d: wall %.2f ms/step, process CPU %.2f ms/step, "
                            + "training thread CPU %.2f ms/step, sum of weights %.6f%n", network, threads, repeat,
                    (System.nanoTime() - wall) * perStep * 1e3, (os.getProcessCpuTime() - process) * perStep * 1e3,
                    (thread.getCurrentThreadCpuTime() - own) * perStep * 1e3,
                    net.params().sumNumber().doubleValue());
        }
    }

    /** The reference MLP 784-256-64-10 or CNN conv32-conv64-pool-fc128, as the shipped experiments set them. */
    private static ModelSettings settings(String network) {
        List<LayerSpec> layers = switch (network) {
            case "mlp" -> List.of(new LayerSpec.Dense(Optional.empty(), 256, LayerSpec.Activation.RELU),
                    new LayerSpec.Dropout(Optional.empty(), 0.5),
                    new LayerSpec.Dense(Optional.empty(), 64, LayerSpec.Activation.RELU),
                    new LayerSpec.Dropout(Optional.empty(), 0.5), new LayerSpec.Output(Optional.empty()));
            case "cnn" -> List.of(
                    new LayerSpec.Conv2d(Optional.empty(), 32, 3, 1, LayerSpec.Padding.VALID,
                            LayerSpec.Activation.RELU),
                    new LayerSpec.Conv2d(Optional.empty(), 64, 3, 1, LayerSpec.Padding.VALID,
                            LayerSpec.Activation.RELU),
                    new LayerSpec.Maxpool(Optional.empty(), 2, Optional.empty()),
                    new LayerSpec.Dropout(Optional.empty(), 0.5), new LayerSpec.Flatten(Optional.empty()),
                    new LayerSpec.Dense(Optional.empty(), 128, LayerSpec.Activation.RELU),
                    new LayerSpec.Dropout(Optional.empty(), 0.5), new LayerSpec.Output(Optional.empty()));
            default -> throw new IllegalArgumentException("network must be mlp or cnn, not " + network);
        };
        return new ModelSettings(layers,
                new ModelSettings.Updater(ModelSettings.UpdaterType.ADAM, 1e-3, 0.9, 0,
                        new ModelSettings.Schedule(ModelSettings.ScheduleType.NONE, 10, 0.1)),
                ModelSettings.WeightInit.UNIFORM, BATCH, 20, 42, 0, new ModelSettings.Bottleneck(10, 7),
                new ModelSettings.Augment(0, false));
    }
}

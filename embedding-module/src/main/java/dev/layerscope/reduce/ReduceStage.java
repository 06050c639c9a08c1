package dev.layerscope.reduce;

import dev.layerscope.capture.Activations;
import dev.layerscope.capture.CaptureShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.InvalidSettings;
import dev.layerscope.kernel.ReusableStage;
import dev.layerscope.kernel.StageContext;
import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.linalg.Parallel;
import dev.layerscope.train.MemoryUse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each captured input into 2-D maps of the training and test splits with every chosen method. Per input it
 * loads the activations (one input in memory at a time), finds the nearest neighbours once for all methods, fits
 * each method on the training split and places the test split, and writes the maps as {@code .npy}, {@code .csv}
 * and TensorBoard projector files. Each map is a {@linkplain dev.layerscope.kernel.StoredParts stored part}, keyed
 * by what its input depends on ({@link Activations#layerFingerprint}) and its method's settings: a map whose input
 * and method settings are unchanged since an earlier run is linked from the store (the maps of the raw pixels from
 * a run of another network on the same images), and an input none of whose maps needs computing is not searched
 * at all. The stage orchestrates: {@link ReduceMethod} says what each
 * method is, {@link NeighborPlan} searches the neighbours, {@link MapMaker} fits and times a map, and
 * {@link ReduceFolder} and {@link ProjectorFiles} write the files.
 */
public final class ReduceStage implements ReusableStage {

    private static final Logger LOG = LoggerFactory.getLogger(ReduceStage.class);
    private static final String TRAIN = "train";
    private static final String TEST = "test";

    private final ReduceSettings settings;

    @Inject
    ReduceStage(ReduceSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT, Activations.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Embeddings.ARTIFACT);
    }

    /**
     * Checks against what the capture stage hands on, as soon as it is known (at planning, from its preview; in a
     * run, from the activations): that the train and test splits are captured, that every input is (a dropout or
     * output layer is not, by default; a layer wider than capture.max-width is, projected), and that every method can
     * map the number of points it will get.
     */
    @Override
    public void check(Artifacts available) {
        CaptureShape.in(available).ifPresent(captured -> {
            List<InvalidSetting> problems = new ArrayList<>(captured.missing(List.of(TRAIN, TEST),
                    "the reduce stage maps the train and test splits"));
            captured.layers().ifPresent(layers -> settings.inputs().stream().filter(input -> !layers.contains(input))
                    .forEach(input -> problems.add(new InvalidSetting("reduce.inputs", "`" + input + "` is not "
                            + "captured; the capture takes " + captured.describeLayers()))));
            OptionalInt train = captured.rows(TRAIN);
            OptionalInt test = captured.rows(TEST);
            for (ReduceMethod method : ReduceMethod.chosen(settings)) {
                try {
                    if (train.isPresent()) {
                        method.reducer().check(train.getAsInt());
                    }
                    if (test.isPresent() && method.separate()) {
                        method.reducer().check(test.getAsInt());
                    }
                } catch (InvalidSetting e) {
                    problems.add(e.under("reduce." + method.name()));
                }
            }
            InvalidSettings.throwIfAny(problems);
        });
    }

    /** The runner has called {@link #check} with the activations just before. */
    @Override
    public void run(StageContext context) throws IOException {
        Dataset dataset = context.read(Dataset.ARTIFACT);
        Activations activations = context.read(Activations.ARTIFACT);
        List<String> inputs = settings.inputs().isEmpty() ? activations.layers() : settings.inputs();
        List<ReduceMethod> methods = ReduceMethod.chosen(settings);
        // the reducers split their work, BLAS products included, over Java threads: the run's BLAS thread count
        // is fixed when its JVM starts, by runtime.threads
        int threads = settings.effectiveThreads();
        LOG.info("Reducing {} with {} on {} thread(s)", inputs, methods.stream().map(ReduceMethod::name).toList(),
                threads);

        Activations.SplitRows trainRows = activations.splits().get(TRAIN);
        Activations.SplitRows testRows = activations.splits().get(TEST);
        NeighborPlan neighbors = new NeighborPlan(methods, trainRows.size(), testRows.size(),
                settings.neighbors());
        List<Embeddings.Embedding> made = new ArrayList<>();
        MemoryUse memory = new MemoryUse();
        Map<String, FloatMatrix> projectorTensors = new LinkedHashMap<>();
        try (Parallel parallel = new Parallel(threads)) {
            for (String input : inputs) {
                // an input's activations and neighbour graphs are loaded and found only when one of its maps is
                // not stored yet
                OnDemand<FloatMatrix> train = new OnDemand<>(() -> finite(activations.load(input, TRAIN), input,
                        TRAIN));
                OnDemand<FloatMatrix> test = new OnDemand<>(() -> finite(activations.load(input, TEST), input, TEST));
                OnDemand<NeighborPlan.Graphs> graphs = new OnDemand<>(() -> neighbors.search(train.get(), test.get(),
                        parallel, input));
                for (ReduceMethod method : methods) {
                    String name = input + "-" + method.name();
                    // keyed by the input layer's own fingerprint, not by everything the capture read: the maps of
                    // the raw pixels are the same whatever network the run trained, and so are shared
                    context.parts().include(name, identity(input, method, trainRows.size(), testRows.size()),
                            List.of(activations.layerFingerprint(input)), folder -> {
                        // a method without neighbours (PCA) does not start the search, which the input's other
                        // maps, when stored, no longer need: at 1,000,000 points that is minutes
                        NeighborPlan.Graphs found = NeighborPlan.searches(method, trainRows.size(), testRows.size())
                                ? graphs.get() : NeighborPlan.unsearched(train.get(), test.get());
                        ReduceFolder.writeMap(folder, MapMaker.make(input, method, found, parallel, trainRows,
                                testRows));
                        memory.sample();
                    });
                    // computed or reused, the map is read from the stage folder: one path, and a few hundred KB
                    Embeddings.Embedding embedding = ReduceFolder.readMap(context.outputDir(), name, activations);
                    made.add(embedding);
                    if (settings.projector().enabled()) {
                        projectorTensors.put(embedding.name(), embedding.test());
                    }
                }
                if (settings.projector().enabled()) {
                    projectorTensors.put(input, test.get());
                }
            }
        }
        if (settings.projector().enabled()) {
            ProjectorFiles.write(context.outputDir().resolve("projector"), projectorTensors, dataset, testRows,
                    settings.projector().maxPoints());
        }
        ReduceFolder.writeIndex(context.outputDir(), made);
        LOG.info("Memory: {}", memory.describe());
        context.metric("memory", memory.toMap());
        context.metric("embeddings", ReduceFolder.records(made));
        context.write(Embeddings.ARTIFACT, new Embeddings(made));
    }

    /**
     * What a map depends on besides the activations it is made of: its method's settings, how its test points are
     * placed, and how its neighbours are searched. Not the thread count: it changes how fast, not what.
     */
    private String identity(String input, ReduceMethod method, int trainPoints, int testPoints) {
        boolean usesGraph = NeighborPlan.searches(method, trainPoints, testPoints);
        return "input=" + input + "\nmethod=" + method.name() + "\nplacement=" + method.placement()
                + "\nsettings=" + method.settings() + "\nneighbors="
                + (usesGraph ? settings.neighbors().identity(trainPoints) : "") + "\n";
    }

    /** Computes a value the first time it is asked for. */
    private static final class OnDemand<T> {
        private final Maker<T> maker;
        private T value;

        OnDemand(Maker<T> maker) {
            this.maker = maker;
        }

        T get() throws IOException {
            if (value == null) {
                value = maker.make();
            }
            return value;
        }

        @FunctionalInterface
        interface Maker<T> {
            T make() throws IOException;
        }
    }

    private static FloatMatrix finite(FloatMatrix rows, String input, String split) {
        return rows.requireFinite("the " + split + " activations of `" + input + "` hold", "row",
                "a network that computes NaN or infinity cannot be mapped (check the training history)");
    }

    @Override
    public void restore(StageContext context) throws IOException {
        context.write(Embeddings.ARTIFACT, new Embeddings(ReduceFolder.readIndex(context.outputDir(),
                context.read(Activations.ARTIFACT))));
    }
}

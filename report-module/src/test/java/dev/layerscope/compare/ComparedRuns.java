package dev.layerscope.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Module;
import dev.layerscope.attribution.AttributionModule;
import dev.layerscope.capture.CaptureModule;
import dev.layerscope.cka.CkaModule;
import dev.layerscope.collapse.CollapseModule;
import dev.layerscope.hardneg.HardNegativeModule;
import dev.layerscope.intrinsic.IntrinsicModule;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.knn.KnnModule;
import dev.layerscope.load.LoadModule;
import dev.layerscope.probe.ProbeModule;
import dev.layerscope.reduce.ReduceModule;
import dev.layerscope.report.ReportModule;
import dev.layerscope.synthetic.SyntheticModule;
import dev.layerscope.train.TrainModule;
import dev.layerscope.validation.ValidationGridModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Four small real runs on the synthetic stage, made once per test JVM and shared by the comparison's tests: model
 * seeds 1 and 2, each with 2 and 3 epochs, so that the runs differ in exactly {@code model.seed} and
 * {@code model.epochs} and form two seed groups of two runs.
 */
public final class ComparedRuns {

    static final Path ROOT = Path.of("target/compared-runs");
    /** The runs in the order made: (epochs 2, seed 1), (2, 2), (3, 1), (3, 2). */
    private static List<Path> runs;

    private static final String EXPERIMENT = """
            name = tiny
            pipeline = [synthetic, train, capture, reduce, knn, probe, intrinsic, collapse]
            synthetic { classes = 4, per-class = 40, rows = 8, cols = 8 }
            model.batch-size = 32
            capture.epochs.images = 0
            reduce.methods = [pca, umap]
            reduce.projector.enabled = false
            knn.k = [3, 5]
            """;

    private ComparedRuns() {
    }

    public static synchronized List<Path> runs() {
        if (runs == null) {
            try {
                runs = make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return runs;
    }

    private static List<Path> make() throws IOException {
        if (Files.exists(ROOT)) {
            try (Stream<Path> files = Files.walk(ROOT)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(ROOT);
        Path experiment = ROOT.resolve("tiny.conf");
        Files.writeString(experiment, "runs.dir = \"" + ROOT.resolve("runs").toAbsolutePath() + "\"\n" + EXPERIMENT);
        List<Path> made = new ArrayList<>();
        for (int epochs : new int[] {2, 3}) {
            for (int seed : new int[] {1, 2}) {
                ByteArrayOutputStream errors = new ByteArrayOutputStream();
                int exit = new Launcher(modules()).run(Map.of(Launcher.EXPERIMENT_PROPERTY, experiment.toString(),
                        "model.seed", Integer.toString(seed), "model.epochs", Integer.toString(epochs)), Map.of(),
                        new PrintStream(errors, true, StandardCharsets.UTF_8));
                assertEquals(Launcher.OK, exit, errors.toString(StandardCharsets.UTF_8));
                made.add(newest(ROOT.resolve("runs").resolve("tiny"), made));
            }
        }
        return List.copyOf(made);
    }

    /** The run folder just made: the one of {@code folder}'s that is not among {@code earlier}. */
    private static Path newest(Path folder, List<Path> earlier) throws IOException {
        try (Stream<Path> folders = Files.list(folder)) {
            List<Path> fresh = folders.filter(Files::isDirectory).filter(f -> !earlier.contains(f)).toList();
            assertEquals(1, fresh.size(), "one new run folder: " + fresh);
            return fresh.getFirst();
        }
    }

    /** Every stage module LayerScope ships, as the launcher's Main lists them. */
    static List<Module> modules() {
        return List.of(new LoadModule(), new SyntheticModule(), new TrainModule(), new CaptureModule(),
                new ReduceModule(), new KnnModule(), new HardNegativeModule(), new AttributionModule(),
                new ProbeModule(), new CkaModule(), new IntrinsicModule(), new CollapseModule(),
                new ValidationGridModule(), new ReportModule());
    }
}

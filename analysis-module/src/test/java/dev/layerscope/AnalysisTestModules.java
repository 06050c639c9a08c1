package dev.layerscope;

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
import dev.layerscope.synthetic.SyntheticModule;
import dev.layerscope.train.TrainModule;
import dev.layerscope.validation.ValidationGridModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every stage module up to analysis-module, for the tests that run experiments: each module's reference.conf
 * holds the sections of all its stages, and an experiment is checked against the sections of the modules given, so
 * a test that left one out would see that stage's defaults as unknown keys. {@link #launch} runs a small experiment
 * with them.
 */
public final class AnalysisTestModules {

    private AnalysisTestModules() {
    }

    /** The run folder of {@link #launch}'s experiment under {@code folder/runs} other than {@code earlier}. */
    public static Path runOtherThan(Path folder, Path earlier) throws IOException {
        try (Stream<Path> runs = Files.list(folder.resolve("runs/tiny"))) {
            return runs.filter(run -> !run.equals(earlier)).findFirst().orElseThrow();
        }
    }

    /**
     * Runs {@code experiment} (HOCON) with every stage module, written as {@code folder/tiny.conf} with its runs in
     * {@code folder/runs}; usage and validation errors go to {@code errors}.
     *
     * @return the launcher's exit code
     */
    public static int launch(Path folder, String experiment, ByteArrayOutputStream errors) throws IOException {
        Path file = folder.resolve("tiny.conf");
        Files.writeString(file, "runs.dir = \"" + folder.resolve("runs") + "\"\n" + experiment + "\n");
        return new Launcher(all()).run(Map.of(Launcher.EXPERIMENT_PROPERTY, file.toString()), Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    public static List<Module> all() {
        return List.of(new LoadModule(), new SyntheticModule(), new TrainModule(), new CaptureModule(),
                new ReduceModule(), new KnnModule(), new HardNegativeModule(), new AttributionModule(),
                new ProbeModule(), new CkaModule(), new IntrinsicModule(), new CollapseModule(),
                new ValidationGridModule());
    }
}

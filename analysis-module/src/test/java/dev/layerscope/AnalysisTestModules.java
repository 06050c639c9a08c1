package dev.layerscope;

import com.google.inject.Module;
import dev.layerscope.capture.CaptureModule;
import dev.layerscope.cka.CkaModule;
import dev.layerscope.collapse.CollapseModule;
import dev.layerscope.hardneg.HardNegativeModule;
import dev.layerscope.intrinsic.IntrinsicModule;
import dev.layerscope.knn.KnnModule;
import dev.layerscope.load.LoadModule;
import dev.layerscope.probe.ProbeModule;
import dev.layerscope.reduce.ReduceModule;
import dev.layerscope.synthetic.SyntheticModule;
import dev.layerscope.train.TrainModule;
import java.util.List;

/**
 * Every stage module up to analysis-module, for the tests that run experiments: each module's reference.conf
 * holds the sections of all its stages, and an experiment is checked against the sections of the modules given, so
 * a test that left one out would see that stage's defaults as unknown keys.
 */
public final class AnalysisTestModules {

    private AnalysisTestModules() {
    }

    public static List<Module> all() {
        return List.of(new LoadModule(), new SyntheticModule(), new TrainModule(), new CaptureModule(),
                new ReduceModule(), new KnnModule(), new HardNegativeModule(), new ProbeModule(), new CkaModule(),
                new IntrinsicModule(), new CollapseModule());
    }
}

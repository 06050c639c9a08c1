package dev.layerscope.reduce;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.EnvironmentFacts;
import dev.layerscope.kernel.StageCatalog;
import dev.layerscope.linalg.SmileFacts;

/** Contributes the {@code reduce} stage, and Smile's BLAS to every run's environment. */
public final class ReduceModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "reduce", ReduceStage.class);
        EnvironmentFacts.contribute(binder(), SmileFacts.class);
    }
}

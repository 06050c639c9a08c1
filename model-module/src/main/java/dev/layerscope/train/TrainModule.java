package dev.layerscope.train;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.EnvironmentFacts;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code train} stage, and what ND4J computes with to every run's environment. */
public final class TrainModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "train", TrainStage.class);
        EnvironmentFacts.contribute(binder(), Nd4jFacts.class);
    }
}

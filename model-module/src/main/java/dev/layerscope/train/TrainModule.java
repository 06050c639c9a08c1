package dev.layerscope.train;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code train} stage. */
public final class TrainModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "train", TrainStage.class);
    }
}

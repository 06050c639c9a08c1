package dev.layerscope.reduce;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code reduce} stage. */
public final class ReduceModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "reduce", ReduceStage.class);
    }
}

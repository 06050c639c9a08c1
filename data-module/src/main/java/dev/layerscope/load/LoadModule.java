package dev.layerscope.load;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code load} stage. */
public final class LoadModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "load", LoadStage.class);
    }
}

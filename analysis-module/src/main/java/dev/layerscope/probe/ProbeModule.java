package dev.layerscope.probe;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code probe} stage. */
public final class ProbeModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "probe", ProbeStage.class);
    }
}

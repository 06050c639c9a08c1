package dev.layerscope.hardneg;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code hardneg} stage. */
public final class HardNegativeModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "hardneg", HardNegativeStage.class);
    }
}

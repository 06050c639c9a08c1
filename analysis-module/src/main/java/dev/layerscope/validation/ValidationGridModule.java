package dev.layerscope.validation;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code validation-grid} stage. */
public final class ValidationGridModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "validation-grid", ValidationGridStage.class);
    }
}

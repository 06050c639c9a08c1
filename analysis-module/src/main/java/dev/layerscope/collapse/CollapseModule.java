package dev.layerscope.collapse;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code collapse} stage. */
public final class CollapseModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "collapse", CollapseStage.class);
    }
}

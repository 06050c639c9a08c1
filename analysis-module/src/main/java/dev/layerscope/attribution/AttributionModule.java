package dev.layerscope.attribution;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code attribution} stage. */
public final class AttributionModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "attribution", AttributionStage.class);
    }
}

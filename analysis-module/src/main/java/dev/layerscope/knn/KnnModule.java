package dev.layerscope.knn;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code knn} stage. */
public final class KnnModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "knn", KnnStage.class);
    }
}

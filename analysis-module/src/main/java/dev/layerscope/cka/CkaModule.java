package dev.layerscope.cka;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code cka} stage. */
public final class CkaModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "cka", CkaStage.class);
    }
}

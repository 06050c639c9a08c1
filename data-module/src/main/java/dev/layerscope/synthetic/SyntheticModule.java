package dev.layerscope.synthetic;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code synthetic} stage, a stand-in for {@code load} that generates its images. */
public final class SyntheticModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "synthetic", SyntheticDataStage.class);
    }
}

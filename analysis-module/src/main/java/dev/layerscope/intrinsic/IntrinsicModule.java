package dev.layerscope.intrinsic;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code intrinsic} stage. */
public final class IntrinsicModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "intrinsic", IntrinsicStage.class);
    }
}

package dev.layerscope.capture;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code capture} stage. */
public final class CaptureModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "capture", CaptureStage.class);
    }
}

package dev.layerscope.report;

import com.google.inject.AbstractModule;
import dev.layerscope.kernel.StageCatalog;

/** Contributes the {@code report} stage. */
public final class ReportModule extends AbstractModule {
    @Override
    protected void configure() {
        StageCatalog.contribute(binder(), "report", ReportStage.class);
    }
}

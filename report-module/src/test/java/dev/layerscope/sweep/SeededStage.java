package dev.layerscope.sweep;

import dev.layerscope.data.Dataset;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Settings;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.util.Set;

/**
 * A stage of one's own with a key named {@code seed}, which a sweep's seeds must reach as they reach LayerScope's
 * own stages, and a switch that makes it fail when it runs (planning cannot tell), for a point that fails on purpose.
 */
public final class SeededStage implements Stage {

    /** The message with which it fails. */
    static final String FAILURE = "failing on purpose, as the grid asked";

    /** The {@code seeded} section: a seed, and whether to fail. */
    @Settings("seeded")
    public record SeededSettings(long seed, boolean fail) {
    }

    private final SeededSettings settings;

    @Inject
    SeededStage(SeededSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Dataset.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of();
    }

    @Override
    public void run(StageContext context) throws Exception {
        if (settings.fail()) {
            throw new IllegalStateException(FAILURE);
        }
        Files.writeString(context.outputDir().resolve("seed.txt"), Long.toString(settings.seed()));
    }
}

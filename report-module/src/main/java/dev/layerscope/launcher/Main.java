package dev.layerscope.launcher;

import com.google.inject.Module;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.load.LoadModule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one experiment: {@code mvn -q compile exec:java -Dexperiment=conf/<name>.conf [-Dkey=value ...]}.
 * This module sees every stage module, so the list of what a pipeline can name is kept here.
 */
public final class Main {

    /** Every stage module LayerScope ships; a researcher's own stage needs none (name its class in the pipeline). */
    static final List<Module> STAGE_MODULES = List.of(new LoadModule());

    private Main() {
    }

    public static void main(String[] args) {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((key, value) -> properties.put(key.toString(), value.toString()));
        if (args.length > 0) {
            properties.put(Launcher.EXPERIMENT_PROPERTY, args[0]);
        }
        int exitCode = new Launcher(STAGE_MODULES).run(properties, System.getenv(), System.err);
        if (exitCode != Launcher.OK) {
            System.exit(exitCode);
        }
    }
}

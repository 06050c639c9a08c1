package dev.layerscope.kernel;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * An experiment file merged with the command-line and environment overrides and every module's
 * {@code reference.conf}, resolved: the exact configuration a run is made from.
 *
 * @param file      the experiment file as given
 * @param config    the resolved configuration
 * @param overrides the command-line and environment overrides that were applied, as given
 *                  ({@code -Ddata.dir=/x}, {@code LAYERSCOPE_DATA_DIR=/x}), sorted
 */
public record Experiment(Path file, Config config, List<String> overrides) {

    /** The experiment's name: its {@code name} key, or else the file name without {@code .conf}. */
    public String name() {
        if (config.hasPath("name") && !config.getString("name").isBlank()) {
            return config.getString("name");
        }
        String fileName = file.getFileName().toString();
        return fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - ".conf".length()) : fileName;
    }
}

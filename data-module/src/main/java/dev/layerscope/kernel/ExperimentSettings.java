package dev.layerscope.kernel;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The experiment's top-level keys.
 *
 * @param name        the experiment's name, used for its runs folder (default: the file name)
 * @param description a sentence for the report
 * @param pipeline    the stages to run, in order: contributed names or fully qualified Stage class names
 * @param classpath   jars and folders of classes added to the run's classpath, for stages of a researcher's own
 *                    (see {@link StageClasspath})
 */
@Settings("")
public record ExperimentSettings(Optional<String> name, Optional<String> description,
                                 @NonEmpty List<String> pipeline, List<Path> classpath) {
}

package dev.layerscope.kernel;

import java.util.List;
import java.util.Optional;

/**
 * The experiment's top-level keys.
 *
 * @param name        the experiment's name, used for its runs folder (default: the file name)
 * @param description a sentence for the report
 * @param pipeline    the stages to run, in order: contributed names or fully qualified Stage class names
 */
@Settings("")
public record ExperimentSettings(Optional<String> name, Optional<String> description,
                                 @NonEmpty List<String> pipeline) {
}

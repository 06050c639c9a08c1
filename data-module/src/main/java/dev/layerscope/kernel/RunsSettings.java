package dev.layerscope.kernel;

import java.nio.file.Path;

/** Where runs go: {@code <dir>/<experiment>/<timestamp>/}. */
@Settings("runs")
public record RunsSettings(Path dir) {
}

package dev.layerscope.report;

import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;

/**
 * The {@code report} section.
 *
 * @param compareRuns     earlier runs of the same experiment the HTML page offers to compare with, newest first
 * @param thumbnailScale  the side of the block each pixel of a hard-negative thumbnail becomes in the report
 */
@Settings("report")
public record ReportSettings(@Range(min = 0) int compareRuns, @Range(min = 1, max = 16) int thumbnailScale) {
}

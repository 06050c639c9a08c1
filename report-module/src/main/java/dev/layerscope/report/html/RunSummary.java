package dev.layerscope.report.html;

import java.util.List;
import java.util.Objects;

/**
 * One run the compare panel offers: this run first, then earlier runs of the same experiment.
 *
 * @param curves per epoch: epoch, trainLoss, validationLoss, trainAccuracy, validationAccuracy
 */
public record RunSummary(String label, List<double[]> curves, List<KnnLine> knn) {

    /** Values per epoch in {@link #curves}. */
    static final int CURVE_COLUMNS = 5;

    public record KnnLine(String input, String method, int k, double accuracy) {

        public KnnLine {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(method, "method");
        }
    }

    public RunSummary {
        Objects.requireNonNull(label, "label");
        curves = List.copyOf(curves);
        knn = List.copyOf(knn);
        for (double[] epoch : curves) {
            if (epoch.length != CURVE_COLUMNS) {
                throw new IllegalArgumentException("run " + label + ": an epoch of the curves has " + epoch.length
                        + " values, not " + CURVE_COLUMNS);
            }
        }
    }
}

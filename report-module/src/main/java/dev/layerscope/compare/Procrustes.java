package dev.layerscope.compare;

/**
 * Orthogonal Procrustes with a uniform scale for 2-D maps: the rotation or reflection, scale and shift that bring one
 * map's points closest (least squares) to another's, point i to point i. Two maps of the same points differ by such a
 * transform alone when they agree on everything a map means (its distances up to scale); what is left, the
 * disparity, measures how far they disagree.
 *
 * <p>With both maps centred, X the reference and Y the map moved, and A = Y^T X, the best orthogonal R maximises
 * tr(R^T A); for 2 x 2 it has a closed form: a rotation by θ gives cos θ (a11 + a22) + sin θ (a21 - a12), a
 * reflection cos θ (a11 - a22) + sin θ (a12 + a21), each largest at the angle of its vector, with the vector's length as the
 * maximum; the larger of the two (the sum of A's singular values) wins. The scale is that maximum over ||Y||^2. The
 * disparity is the residual sum of squares over ||X||^2, which is SciPy's {@code scipy.spatial.procrustes} disparity:
 * 0 for maps equal up to the transform, at most 1.
 */
final class Procrustes {

    private Procrustes() {
    }

    /**
     * The aligned map and its disparity.
     *
     * @param aligned   the moved map's points after the transform, n x 2 row-major
     * @param disparity the residual sum of squares over the reference's sum of squares about its centre
     */
    record Alignment(double[][] aligned, double disparity) {
    }

    /**
     * Aligns {@code moved} to {@code reference}, the same points in the same order.
     *
     * @throws IllegalArgumentException when the maps differ in size, are not 2-D, or have fewer than 2 points
     */
    static Alignment align(double[][] reference, double[][] moved) {
        int n = reference.length;
        if (moved.length != n || n < 2) {
            throw new IllegalArgumentException("Procrustes aligns the same points: " + n + " and " + moved.length
                    + " points (at least 2)");
        }
        double[] referenceMean = mean(reference);
        double[] movedMean = mean(moved);
        double a11 = 0;
        double a12 = 0;
        double a21 = 0;
        double a22 = 0;
        double referenceSquares = 0;
        double movedSquares = 0;
        for (int i = 0; i < n; i++) {
            if (reference[i].length != 2 || moved[i].length != 2) {
                throw new IllegalArgumentException("Procrustes here aligns 2-D maps; point " + i + " is not 2-D");
            }
            double x1 = reference[i][0] - referenceMean[0];
            double x2 = reference[i][1] - referenceMean[1];
            double y1 = moved[i][0] - movedMean[0];
            double y2 = moved[i][1] - movedMean[1];
            a11 += y1 * x1;
            a12 += y1 * x2;
            a21 += y2 * x1;
            a22 += y2 * x2;
            referenceSquares += x1 * x1 + x2 * x2;
            movedSquares += y1 * y1 + y2 * y2;
        }
        double rotation = Math.hypot(a11 + a22, a21 - a12);
        double reflection = Math.hypot(a11 - a22, a12 + a21);
        double[][] r;
        double best;
        if (rotation >= reflection) {
            double theta = Math.atan2(a21 - a12, a11 + a22);
            double c = Math.cos(theta);
            double s = Math.sin(theta);
            r = new double[][] {{c, -s}, {s, c}};
            best = rotation;
        } else {
            double theta = Math.atan2(a12 + a21, a11 - a22);
            double c = Math.cos(theta);
            double s = Math.sin(theta);
            r = new double[][] {{c, s}, {s, -c}};
            best = reflection;
        }
        double scale = movedSquares > 0 ? best / movedSquares : 0;
        double[][] aligned = new double[n][2];
        double residual = 0;
        for (int i = 0; i < n; i++) {
            double y1 = moved[i][0] - movedMean[0];
            double y2 = moved[i][1] - movedMean[1];
            // the row vector y times R
            aligned[i][0] = scale * (y1 * r[0][0] + y2 * r[1][0]) + referenceMean[0];
            aligned[i][1] = scale * (y1 * r[0][1] + y2 * r[1][1]) + referenceMean[1];
            double d1 = aligned[i][0] - reference[i][0];
            double d2 = aligned[i][1] - reference[i][1];
            residual += d1 * d1 + d2 * d2;
        }
        return new Alignment(aligned, referenceSquares > 0 ? residual / referenceSquares : Double.NaN);
    }

    private static double[] mean(double[][] points) {
        double[] mean = new double[2];
        for (double[] point : points) {
            mean[0] += point[0];
            mean[1] += point[1];
        }
        mean[0] /= points.length;
        mean[1] /= points.length;
        return mean;
    }
}

package dev.layerscope.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ProcrustesTest {

    private static final double EXACT = 1e-9;

    /** 50 points scattered at random: no symmetry that would let another transform fit as well. */
    private static double[][] points() {
        Random random = new Random(11);
        double[][] points = new double[50][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new double[] {random.nextGaussian() * 3, random.nextGaussian()};
        }
        return points;
    }

    /** Each point rotated by {@code angle}, scaled, shifted, and mirrored in the x axis first when asked. */
    private static double[][] moved(double[][] points, double angle, double scale, double dx, double dy,
                                    boolean mirrored) {
        double[][] out = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            double x = points[i][0];
            double y = mirrored ? -points[i][1] : points[i][1];
            out[i] = new double[] {scale * (Math.cos(angle) * x - Math.sin(angle) * y) + dx,
                    scale * (Math.sin(angle) * x + Math.cos(angle) * y) + dy};
        }
        return out;
    }

    @Test
    void aRotatedScaledShiftedCopyAlignsExactlyWithDisparityZero() {
        double[][] reference = points();
        for (boolean mirrored : new boolean[] {false, true}) {
            Procrustes.Alignment alignment = Procrustes.align(reference,
                    moved(reference, 2.2, 0.37, -15, 4.5, mirrored));
            assertEquals(0, alignment.disparity(), EXACT, mirrored ? "a mirrored copy" : "a rotated copy");
            for (int i = 0; i < reference.length; i++) {
                assertEquals(reference[i][0], alignment.aligned()[i][0], EXACT);
                assertEquals(reference[i][1], alignment.aligned()[i][1], EXACT);
            }
        }
    }

    /**
     * The four points (+-1, 0), (0, +-1) against (+-1, 0), (0, 0) twice: the best fit leaves the second pair at the
     * centre, 1 away from each of its points, so the residual is 2 of the reference's 4.
     */
    @Test
    void theDisparityIsTheResidualOverTheReferencesSumOfSquares() {
        double[][] reference = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        double[][] flattened = {{1, 0}, {-1, 0}, {0, 0}, {0, 0}};
        assertEquals(0.5, Procrustes.align(reference, flattened).disparity(), EXACT);
    }

    @Test
    void unrelatedMapsKeepMostOfTheirDifference() {
        double[][] reference = points();
        double[][] shuffled = new double[reference.length][];
        for (int i = 0; i < reference.length; i++) {
            shuffled[i] = reference[(i * 7 + 3) % reference.length];
        }
        double disparity = Procrustes.align(reference, shuffled).disparity();
        assertTrue(disparity > 0.5 && disparity <= 1, "points matched to others are no rotation apart: "
                + disparity);
    }

    @Test
    void mapsOfDifferentPointCountsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Procrustes.align(new double[][] {{0, 0}, {1, 1}}, new double[][] {{0, 0}}));
    }
}

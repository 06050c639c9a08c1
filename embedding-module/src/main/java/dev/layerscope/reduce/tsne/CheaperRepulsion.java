package dev.layerscope.reduce.tsne;

import dev.layerscope.linalg.Parallel;

/**
 * {@link TSne.Gradient#AUTO}'s repulsion for large maps: each evaluation by whichever of the FFT interpolation and
 * the Barnes-Hut tree costs less for the map as it is now. The tree's walk grows with {@code n log n}; the FFT's
 * transforms with the map's extent, as {@code C log C} for C transform cells. Measured at 50,000 points (docs/
 * performance.md, "t-SNE speed"), the two tie at 1,024 x 1,024 cells; the FFT is 2.3 to 2.5 times faster at 512 x
 * 512, and a map that outgrows 170 boxes a side (2,048-point transforms) made the FFT fit of the MLP's dense2 slower
 * than the tree's. So the FFT runs while {@code C log2 C <= TIE x n log2 n}, TIE fixed by that tie. The choice
 * depends only on the positions, so the same seed still gives the same bits on any thread count.
 */
final class CheaperRepulsion implements Repulsion {

    /** {@code C log2 C / (n log2 n)} where the two tie: about 26.9 for C = 1,024^2 and n = 50,000. */
    static final double TIE = 27;

    private final InterpolatedRepulsion fft;
    private final BarnesHutRepulsion tree;
    private final int minBoxes;

    CheaperRepulsion(double theta, Parallel parallel, int minBoxes) {
        this.fft = new InterpolatedRepulsion(parallel, minBoxes);
        this.tree = new BarnesHutRepulsion(theta, parallel);
        this.minBoxes = minBoxes;
    }

    @Override
    public double compute(double[] positions, double[] repulsion) {
        MapExtent extent = MapExtent.of(positions);
        long cells = InterpolatedRepulsion.transformCells(extent, minBoxes);
        return fftCheaper(positions.length / 2, cells) ? fft.compute(positions, repulsion, extent)
                : tree.compute(positions, repulsion);
    }

    /** Whether an FFT of {@code cells} transform cells costs less than the tree's walk of {@code n} points. */
    static boolean fftCheaper(int n, long cells) {
        return cells * log2(cells) <= TIE * n * log2(n);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

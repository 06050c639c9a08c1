package dev.layerscope.reduce.tsne;

/** The bounding box of a 2-D map: what sizes the FFT's grid, and what chooses between the FFT and the tree. */
record MapExtent(double minX, double maxX, double minY, double maxY) {

    /** The box of {@code positions} (x, y interleaved). */
    static MapExtent of(double[] positions) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < positions.length; i += 2) {
            minX = Math.min(minX, positions[i]);
            maxX = Math.max(maxX, positions[i]);
            minY = Math.min(minY, positions[i + 1]);
            maxY = Math.max(maxY, positions[i + 1]);
        }
        return new MapExtent(minX, maxX, minY, maxY);
    }

    double spanX() {
        return maxX - minX;
    }

    double spanY() {
        return maxY - minY;
    }
}

package dev.layerscope.report.html;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map's points quantised to 16 bits per axis: {@code x = minX + q * (maxX - minX) / 65535} for q in 0..65535, so a
 * point moves by at most half a step, {@link #errorX()} and {@link #errorY()} in map units (1/131,070 of the map's
 * extent: a hundredth of a pixel when the map fills the canvas, under a pixel up to a 130-fold zoom). Four bytes a
 * point instead of two floats' decimal text (about 20 characters).
 *
 * @param q x0,y0,x1,y1,... quantised, as unsigned values in chars
 */
record QuantisedPoints(float minX, float maxX, float minY, float maxY, char[] q) {

    static final int STEPS = 65535;

    static QuantisedPoints of(float[] xy) {
        float minX = Float.POSITIVE_INFINITY, maxX = Float.NEGATIVE_INFINITY;
        float minY = Float.POSITIVE_INFINITY, maxY = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < xy.length; i += 2) {
            minX = Math.min(minX, xy[i]);
            maxX = Math.max(maxX, xy[i]);
            minY = Math.min(minY, xy[i + 1]);
            maxY = Math.max(maxY, xy[i + 1]);
        }
        if (xy.length == 0) {
            minX = maxX = minY = maxY = 0;
        }
        char[] q = new char[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            q[i] = step(xy[i], minX, maxX);
            q[i + 1] = step(xy[i + 1], minY, maxY);
        }
        return new QuantisedPoints(minX, maxX, minY, maxY, q);
    }

    private static char step(float v, float min, float max) {
        return max > min ? (char) Math.round((double) (v - min) / ((double) max - min) * STEPS) : 0;
    }

    /** Coordinate i as the page decodes it. */
    double value(int i) {
        double min = i % 2 == 0 ? minX : minY;
        double max = i % 2 == 0 ? maxX : maxY;
        return min + q[i] * (max - min) / STEPS;
    }

    double errorX() {
        return ((double) maxX - minX) / (2.0 * STEPS);
    }

    double errorY() {
        return ((double) maxY - minY) / (2.0 * STEPS);
    }

    /** The page's fields: the ranges, the largest error, and the steps as little-endian 16-bit integers in base64. */
    Map<String, Object> json() {
        ByteBuffer bytes = ByteBuffer.allocate(2 * q.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asCharBuffer().put(q);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minX", (double) minX);
        m.put("maxX", (double) maxX);
        m.put("minY", (double) minY);
        m.put("maxY", (double) maxY);
        m.put("error", Math.max(errorX(), errorY()));
        m.put("xy", Base64.getEncoder().encodeToString(bytes.array()));
        return m;
    }
}

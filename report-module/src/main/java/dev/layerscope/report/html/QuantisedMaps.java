package dev.layerscope.report.html;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attribution maps quantised to a signed byte a pixel with a scale per map: {@code value = q * scale}, q in
 * -127..127 and {@code scale = max |value| / 127}, so a pixel moves by at most half a step, {@code scale / 2} (1/254
 * of the map's largest absolute value), and the largest pixel keeps its value exactly up to float rounding. One
 * byte a pixel where a float's decimal text would take about ten; Grad-CAM's maps, at least 0, use half the codes.
 *
 * @param scales one scale a map, in the maps' order
 * @param q      the maps' codes, in the maps' order
 */
record QuantisedMaps(float[] scales, byte[] q) {

    static final int STEPS = 127;

    /** {@code maps} as consecutive maps of {@code size} values each. */
    static QuantisedMaps of(float[] maps, int size) {
        int count = size == 0 ? 0 : maps.length / size;
        float[] scales = new float[count];
        byte[] q = new byte[maps.length];
        for (int m = 0; m < count; m++) {
            double largest = 0;
            for (int p = m * size; p < (m + 1) * size; p++) {
                largest = Math.max(largest, Math.abs(maps[p]));
            }
            scales[m] = (float) (largest / STEPS);
            for (int p = m * size; p < (m + 1) * size; p++) {
                q[p] = largest == 0 ? 0 : (byte) Math.max(-STEPS, Math.min(STEPS,
                        Math.round(maps[p] / (double) scales[m])));
            }
        }
        return new QuantisedMaps(scales, q);
    }

    /** Value p (over all maps, in order) as the page decodes it. */
    double value(int p, int size) {
        return q[p] * (double) scales[p / size];
    }

    /** The page's fields: the scales, and the codes as bytes (two's complement) in base64. */
    Map<String, Object> json() {
        List<Double> scaleList = new ArrayList<>(scales.length);
        for (float scale : scales) {
            scaleList.add((double) scale);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scales", scaleList);
        m.put("maps", Base64.getEncoder().encodeToString(q));
        return m;
    }
}

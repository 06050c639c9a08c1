package dev.layerscope.report.html;

import dev.layerscope.kernel.Json;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The report page's "inside a convolutional network" panel: a section with the network's convolutional part and
 * the pixels of the images the static report shows (the hard negatives, full 28x28 at 8 bits), and {@code inside.js},
 * which computes the feature maps of a clicked image in the browser. A section of the static body, so it needs
 * nothing of the explorer; it registers on the explorer's clicks when the explorer offers them.
 */
public final class InsidePanel {

    /** The id of the panel's inline JSON. */
    static final String DATA_ID = "layerscope-inside";
    private static final String INSIDE_JS = HtmlReport.resource("inside.js");

    private InsidePanel() {
    }

    /**
     * The panel's HTML.
     *
     * @param network    the convolutional part
     * @param testImages pixels (rows x cols bytes, row-major) of test images by their test index: what a click on
     *                   an image of the static report (an {@code <img data-test-index>}) shows at full resolution
     */
    public static String html(InsideNetwork network, Map<Integer, byte[]> testImages) {
        Map<String, Object> json = new LinkedHashMap<>(network.json());
        Map<String, Object> images = new LinkedHashMap<>();
        testImages.forEach((index, pixels) -> images.put("test:" + index, Base64.getEncoder().encodeToString(pixels)));
        json.put("images", images);
        String data = Json.render(json).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        return """
                <section id="inside" class="ls-panel">
                <h2>Inside the network</h2>
                <p class="ls-hint">Click a hard negative above (or a point in the explorer) to see what each \
                convolution and pooling layer makes of it: a tile per channel, the channels that respond most (by \
                mean activation) first, each layer's tiles on one grey scale from 0 to its largest value.</p>
                <div id="ls-inside-chosen" class="ls-dim">No image chosen yet.</div>
                <canvas id="ls-inside-image" class="ls-inside-image" hidden></canvas>
                <div id="ls-inside-layers"></div>
                </section>
                <script type="application/json" id="%s">%s</script>
                <script>
                %s</script>
                """.formatted(DATA_ID, data, INSIDE_JS);
    }
}

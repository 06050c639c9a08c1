package dev.layerscope.report.html;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The report as one self-contained HTML page: the static body, then the embedding explorer and the compare panel.
 * Styles and scripts are inlined from this package's resources and the data travels as inline JSON, so the page
 * opens from disk with no network access.
 */
public final class HtmlReport {

    /** The id of the inline JSON the scripts read. */
    static final String DATA_ID = "layerscope-data";

    private static final String CSS = resource("report.css");
    private static final String EXPLORER_JS = resource("explorer.js");
    private static final String COMPARE_JS = resource("compare.js");

    private HtmlReport() {
    }

    /**
     * One self-contained page: the given title, the static body (HTML the caller built, inserted as it is), then
     * the explorer and the compare panel; all CSS and JS inline, no network access. {@code runs} starts with this
     * run; the compare panel offers the others to compare with it.
     */
    public static String page(String title, String staticBodyHtml, ExplorerData explorer, List<RunSummary> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("runs must hold at least this run");
        }
        return opening(title, staticBodyHtml) + """
                <section id="explorer" class="ls-panel">
                <h2>Embedding explorer</h2>
                <div class="ls-controls">
                <label>Map <select id="ls-map"></select></label>
                <label>Points <select id="ls-split"><option value="both">train and test</option><option value="train">train</option><option value="test">test</option></select></label>
                <label>Colour by <select id="ls-colour"><option value="class">class</option><option value="correct">correct / wrong</option><option value="confidence">confidence</option><option value="margin">margin of the top two</option><option value="loss">loss of the true class</option></select></label>
                <label>Test index <input id="ls-search" type="number" min="0" step="1" size="7"></label>
                <button type="button" id="ls-lasso" aria-pressed="false">Lasso</button>
                <button type="button" id="ls-clear">Clear selection</button>
                <button type="button" id="ls-reset">Reset view</button>
                <span id="ls-knn" class="ls-knn"></span>
                </div>
                <p id="ls-count" class="ls-count"></p>
                <div class="ls-plot">
                <canvas id="ls-canvas"></canvas>
                <div id="ls-tooltip" class="ls-tooltip" hidden>
                <canvas id="ls-thumb" class="ls-thumb"></canvas>
                <div class="ls-tip-text"><div id="ls-tip-true"></div><div id="ls-tip-predicted"></div><div id="ls-tip-top" class="ls-dim"></div><div id="ls-tip-index" class="ls-dim"></div></div>
                <div id="ls-tip-maps" class="ls-maps ls-tip-maps" hidden></div>
                </div>
                </div>
                <p class="ls-hint">Drag to pan, wheel to zoom, hover a point for its image (and a mapped image's attribution maps), click it to select it; Lasso (or shift-drag) selects a region; click a class to hide it, a confusion cell to select its images.</p>
                <ul id="ls-legend" class="ls-legend"></ul>
                <div id="ls-scale" class="ls-scale" hidden><span id="ls-scale-label"></span> <span id="ls-scale-min"></span><canvas id="ls-scale-bar" width="200" height="12"></canvas><span id="ls-scale-max"></span> <span id="ls-scale-note" class="ls-dim"></span></div>
                <div class="ls-linked">
                <div><h3>Confusion of the test points</h3><p class="ls-dim">Rows the true class, columns the predicted one.</p><table id="ls-confusion" class="ls-table ls-confusion"></table></div>
                <div id="ls-selection"><h3>Selection</h3><p id="ls-selection-count">Nothing selected.</p><div id="ls-attribution" class="ls-maps ls-attribution" hidden></div><div id="ls-histogram" class="ls-histogram"></div><div id="ls-thumbs" class="ls-thumbs"></div></div>
                </div>
                <h3>Every map</h3>
                <div id="ls-multiples" class="ls-multiples"></div>
                </section>
                <section id="compare" class="ls-panel">
                <h2>Compare runs</h2>
                <div class="ls-controls">
                <span>This run: <strong id="ls-current"></strong></span>
                <label>compared with <select id="ls-run"></select></label>
                </div>
                <p id="ls-no-runs" class="ls-dim" hidden>There is no earlier run of this experiment to compare with.</p>
                <div class="ls-compare">
                <table id="ls-knn-table" class="ls-table"><thead></thead><tbody></tbody></table>
                <figure class="ls-chart"><canvas id="ls-curves"></canvas><figcaption id="ls-curves-legend"></figcaption></figure>
                </div>
                </section>
                </main>
                <script type="application/json" id="%s">%s</script>
                <script>
                %s</script>
                <script>
                %s</script>
                </body>
                </html>
                """.formatted(DATA_ID, json(explorer, runs), EXPLORER_JS, COMPARE_JS);
    }

    /**
     * One self-contained page of static content only (no explorer, no compare panel, no script): the comparison
     * report across runs. The same stylesheet, inline; each section of the body its own {@code <section>} as the
     * caller built it.
     */
    public static String staticPage(String title, String staticBodyHtml) {
        return opening(title, staticBodyHtml) + """
                </main>
                </body>
                </html>
                """;
    }

    /** Every page's start, to its static body: the title, the inline stylesheet, the body's sections. */
    private static String opening(String title, String staticBodyHtml) {
        // the empty icon keeps a browser that opens the file from asking for a favicon.ico beside it
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>
                <link rel="icon" href="data:,">
                <style>
                %s</style>
                </head>
                <body>
                <main>
                %s
                """.formatted(escapeHtml(title), CSS, staticBodyHtml);
    }

    /** A PNG as a data: URI, for the static body's images. */
    public static String dataUri(BufferedImage image) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer for an image of type " + image.getType());
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    /** Text as HTML character data or a quoted attribute value. */
    public static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The data of both panels as JSON that is safe inside a script element: JSON has {@code <}, {@code >} and
     * {@code &} only inside strings, where their \\u escapes mean the same, so no {@code </script>} or
     * {@code <!--} in a class name can end the element early.
     */
    static String json(ExplorerData explorer, List<RunSummary> runs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("classNames", explorer.classNames());
        data.put("trainCount", explorer.trainCount());
        data.put("labels", base64(classBytes(explorer.labels())));
        data.put("sourceIndex", base64(int32(explorer.sourceIndex())));
        data.put("testProbabilities", base64(probabilities(explorer.testProbabilities())));
        data.put("trainProbabilities", base64(probabilities(explorer.trainProbabilities())));
        Thumbnails thumbnails = explorer.thumbnails();
        data.put("thumbnails", Map.of("rows", thumbnails.rows(), "cols", thumbnails.cols(),
                "levels", Thumbnails.LEVELS, "packed", base64(thumbnails.packed())));
        List<Object> maps = new ArrayList<>();
        for (ExplorerData.ExplorerMap map : explorer.maps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", map.input());
            m.put("method", map.method());
            m.put("knnAccuracy", map.knnAccuracy());
            m.putAll(QuantisedPoints.of(map.xy()).json());
            maps.add(m);
        }
        data.put("maps", maps);
        data.put("attribution", attributionJson(explorer.attribution()));
        List<Object> runList = new ArrayList<>();
        for (RunSummary run : runs) {
            List<Object> curves = new ArrayList<>();
            for (double[] epoch : run.curves()) {
                List<Double> values = new ArrayList<>(epoch.length);
                for (double v : epoch) {
                    // JSON has no NaN: a value an epoch did not record (no validation set) becomes null
                    values.add(Double.isFinite(v) ? v : null);
                }
                curves.add(values);
            }
            List<Object> knn = new ArrayList<>();
            for (RunSummary.KnnLine line : run.knn()) {
                knn.add(Map.of("input", line.input(), "method", line.method(), "k", line.k(),
                        "accuracy", line.accuracy()));
            }
            runList.add(Map.of("label", run.label(), "curves", curves, "knn", knn));
        }
        data.put("runs", runList);
        String json = ConfigValueFactory.fromMap(data).render(ConfigRenderOptions.concise().setJson(true));
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    /**
     * The attribution maps: the methods, each image's test index, kind, target class and completeness error (null
     * where there is none), a scale a map and the maps a signed byte a pixel ({@link QuantisedMaps}).
     */
    static Map<String, Object> attributionJson(ExplorerAttribution attribution) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("methods", attribution.methods().stream().map(method -> Map.of("name", method.name(),
                "signed", method.signed())).toList());
        json.put("rows", attribution.rows());
        json.put("cols", attribution.cols());
        List<Object> images = new ArrayList<>();
        for (ExplorerAttribution.Image image : attribution.images()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("testIndex", image.testIndex());
            line.put("kind", image.kind());
            line.put("target", image.targetClass());
            // JSON has no NaN: an image without integrated gradients has no completeness error
            line.put("completenessError", Double.isFinite(image.completenessError())
                    ? image.completenessError() : null);
            images.add(line);
        }
        json.put("images", images);
        json.putAll(QuantisedMaps.of(attribution.maps(), attribution.mapSize()).json());
        return json;
    }

    /** The bytes the attribution maps add to the page: their part of its JSON, UTF-8 (all ASCII). */
    public static int attributionBytes(ExplorerAttribution attribution) {
        return ConfigValueFactory.fromMap(Map.of("attribution", attributionJson(attribution)))
                .render(ConfigRenderOptions.concise().setJson(true)).length();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** One byte a class: ExplorerData holds at most 256 classes. */
    private static byte[] classBytes(int[] labels) {
        byte[] out = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = (byte) labels[i];
        }
        return out;
    }

    /** Little-endian 32-bit integers, as a JavaScript Int32Array reads them on every platform browsers run on. */
    private static byte[] int32(int[] values) {
        ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.asIntBuffer().put(values);
        return out.array();
    }

    /** Probabilities as little-endian unsigned 16-bit steps of 1/65535: an error of at most 7.7e-6. */
    private static byte[] probabilities(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putShort((short) Math.round(Math.min(1.0, v) * 65535.0));
        }
        return out.array();
    }

    static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from " + HtmlReport.class.getPackageName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

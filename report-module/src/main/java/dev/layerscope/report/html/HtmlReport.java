package dev.layerscope.report.html;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
                <span id="ls-knn" class="ls-knn"></span>
                <button type="button" id="ls-reset">Reset view</button>
                <span class="ls-hint">Drag to pan, wheel to zoom, hover a point for its image; click a class to hide it.</span>
                </div>
                <div class="ls-plot">
                <canvas id="ls-canvas"></canvas>
                <div id="ls-tooltip" class="ls-tooltip" hidden>
                <canvas id="ls-thumb" class="ls-thumb"></canvas>
                <div class="ls-tip-text"><div id="ls-tip-true"></div><div id="ls-tip-predicted"></div><div id="ls-tip-index" class="ls-dim"></div></div>
                </div>
                </div>
                <ul id="ls-legend" class="ls-legend"></ul>
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

    /** The sprite as a data: URI; a PNG written to memory fails only when Java has no PNG writer. */
    private static String spriteUri(BufferedImage sprite) {
        try {
            return dataUri(sprite);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        data.put("labels", ints(explorer.labels()));
        data.put("predicted", ints(explorer.predicted()));
        data.put("sprite", Map.of("uri", spriteUri(explorer.sprite()), "thumbRows", explorer.thumbRows(),
                "thumbCols", explorer.thumbCols(), "perRow", ExplorerData.spritePerRow(explorer.labels().length)));
        List<Object> maps = new ArrayList<>();
        for (ExplorerData.ExplorerMap map : explorer.maps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", map.input());
            m.put("method", map.method());
            m.put("knnAccuracy", map.knnAccuracy());
            List<Double> xy = new ArrayList<>(map.xy().length);
            for (float v : map.xy()) {
                // through the float's shortest decimal form: the double of a float prints up to 17 digits
                xy.add(Double.parseDouble(Float.toString(v)));
            }
            m.put("xy", xy);
            maps.add(m);
        }
        data.put("maps", maps);
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

    private static List<Integer> ints(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
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

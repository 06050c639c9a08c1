package dev.layerscope.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final String HOSTILE = "</script><script>alert(\"x\")</script> & <b>";

    private static ExplorerData explorer(List<String> classNames) {
        int n = 5;
        int[] labels = {0, 1, 0, 1, 1};
        int[] predicted = {0, 0, 0, 1, 1};
        BufferedImage sprite = new BufferedImage(3 * 2, 2 * 2, BufferedImage.TYPE_BYTE_GRAY);
        float[] a = new float[2 * n];
        float[] b = new float[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            a[i] = i * 0.5f;
            b[i] = -i * 1.25f;
        }
        return new ExplorerData(classNames, labels, predicted, sprite, 2, 2,
                List.of(new ExplorerData.ExplorerMap("layer1", "pca", a, 0.8125),
                        new ExplorerData.ExplorerMap("layer2", "tsne", b, null)));
    }

    private static List<RunSummary> runs() {
        return List.of(new RunSummary("this run", List.of(new double[] {1, 0.5, 0.6, 0.8, Double.NaN}),
                List.of(new RunSummary.KnnLine("layer1", "pca", 5, 0.8125))));
    }

    private static String page(List<String> classNames) {
        return HtmlReport.page("Report <1> & \"more\"", "<h1>Static</h1>", explorer(classNames), runs());
    }

    @Test
    void thePageLoadsNoScriptOrStyleFromTheNetwork() {
        String page = page(List.of("a", "b"));
        assertFalse(Pattern.compile("<(script|link|img|iframe)[^>]*(src|href)\\s*=\\s*[\"']?(https?:)?//",
                Pattern.CASE_INSENSITIVE).matcher(page).find(), "an element loads from the network");
        assertFalse(Pattern.compile("@import|url\\(\\s*[\"']?(https?:)?//", Pattern.CASE_INSENSITIVE)
                .matcher(page).find(), "the styles load from the network");
        assertFalse(page.contains("http://") || page.contains("https://"), "the page names a network address");
        assertTrue(page.contains("<h1>Static</h1>"), "the static body is inserted as it is");
        assertTrue(page.contains("<title>Report &lt;1&gt; &amp; &quot;more&quot;</title>"));
    }

    @Test
    void aHostileClassNameCannotEndTheDataScriptOrAddMarkup() {
        String page = page(List.of(HOSTILE, "b"));
        assertFalse(page.contains(HOSTILE));
        assertFalse(page.contains("alert(\"x\")"));
        // exactly the page's own three script elements open and close
        assertEquals(3, count(page, "<script"));
        assertEquals(3, count(page, "</script>"));
        String json = dataJson(page);
        assertTrue(json.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(\\\"x\\\")\\u003c/script\\u003e"
                + " \\u0026 \\u003cb\\u003e"), json);
    }

    @Test
    void theDataHoldsEveryMapWithItsPointsAndAccuracy() {
        String json = dataJson(page(List.of("a", "b")));
        assertTrue(json.contains("\"input\":\"layer1\""), json);
        assertTrue(json.contains("\"method\":\"pca\""), json);
        assertTrue(json.contains("\"knnAccuracy\":0.8125"), json);
        assertTrue(json.contains("\"xy\":[0.0,0.5,1.0,1.5,2.0,2.5,3.0,3.5,4.0,4.5]"), json);
        assertTrue(json.contains("\"input\":\"layer2\""), json);
        assertTrue(json.contains("\"method\":\"tsne\""), json);
        assertTrue(json.contains("\"knnAccuracy\":null"), json);
        assertTrue(json.contains("\"xy\":[0.0,-1.25,-2.5,-3.75,-5.0,-6.25,-7.5,-8.75,-10.0,-11.25]"), json);
        assertTrue(json.contains("\"labels\":[0,1,0,1,1]"), json);
        assertTrue(json.contains("\"predicted\":[0,0,0,1,1]"), json);
        assertTrue(json.contains("\"perRow\":3"), json);
        // the epoch without a validation accuracy
        assertTrue(json.contains("[1.0,0.5,0.6,0.8,null]"), json);
    }

    @Test
    void dataUriRoundTripsAPng() throws IOException {
        BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                image.setRGB(x, y, (x * 36) << 16 | (y * 50) << 8 | (x * y * 7));
            }
        }
        String uri = HtmlReport.dataUri(image);
        String prefix = "data:image/png;base64,";
        assertTrue(uri.startsWith(prefix), uri);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                uri.substring(prefix.length()))));
        assertEquals(7, back.getWidth());
        assertEquals(5, back.getHeight());
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                assertEquals(image.getRGB(x, y), back.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void theSpriteLayoutIsAboutSquareAndATooSmallSpriteIsRefused() {
        assertEquals(1, ExplorerData.spritePerRow(0));
        assertEquals(1, ExplorerData.spritePerRow(1));
        assertEquals(2, ExplorerData.spritePerRow(2));
        assertEquals(100, ExplorerData.spritePerRow(10_000));
        assertEquals(101, ExplorerData.spritePerRow(10_001));
        // five 2x2 thumbnails, three a row, need 6x4 pixels
        assertThrows(IllegalArgumentException.class, () -> new ExplorerData(List.of("a", "b"), new int[5],
                new int[5], new BufferedImage(6, 3, BufferedImage.TYPE_BYTE_GRAY), 2, 2, List.of()));
    }

    private static String dataJson(String page) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"" + HtmlReport.DATA_ID
                + "\">(.*?)</script>", Pattern.DOTALL).matcher(page);
        assertTrue(m.find(), "no data script");
        return m.group(1);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}

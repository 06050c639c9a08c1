package dev.layerscope.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.ImageSet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final String HOSTILE = "</script><script>alert(\"x\")</script> & <b>";

    /** Two training points, then three test points, of two classes, on two maps. */
    private static ExplorerData explorer(List<String> classNames) {
        int n = 5;
        int[] labels = {0, 1, 0, 1, 1};
        int[] sourceIndex = {40, 41, 7, 8, 70_000};
        float[] probabilities = {0.75f, 0.25f, 0.5f, 0.5f, 0f, 1f};
        float[] a = new float[2 * n];
        float[] b = new float[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            a[i] = i * 0.5f;
            b[i] = -i * 1.25f;
        }
        return new ExplorerData(classNames, 2, labels, sourceIndex, probabilities, new float[] {1f, 0f, 0.5f, 0.5f},
                new Thumbnails(2, 2, new byte[2 * n]),
                List.of(new ExplorerData.ExplorerMap("layer1", "pca", a, 0.8125),
                        new ExplorerData.ExplorerMap("layer2", "tsne", b, null)), attribution());
    }

    /**
     * Test image 7's maps, 2x2, by a signed method and Grad-CAM: saliency 0.3, -1, 0.25, 0 (largest 1, so steps of
     * 1/127) and Grad-CAM 0, 2, 1.2, 0.5 (steps of 2/127).
     */
    private static ExplorerAttribution attribution() {
        return new ExplorerAttribution(List.of(new ExplorerAttribution.Method("saliency", true),
                new ExplorerAttribution.Method("grad-cam", false)), 2, 2,
                List.of(new ExplorerAttribution.Image(7, "hard negative", 1, Double.NaN)),
                new float[] {0.3f, -1f, 0.25f, 0f, 0f, 2f, 1.2f, 0.5f});
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
    void theDataHoldsEveryPointOfEveryMapCompactly() {
        String json = dataJson(page(List.of("a", "b")));
        assertTrue(json.contains("\"input\":\"layer1\""), json);
        assertTrue(json.contains("\"method\":\"pca\""), json);
        assertTrue(json.contains("\"knnAccuracy\":0.8125"), json);
        assertTrue(json.contains("\"input\":\"layer2\""), json);
        assertTrue(json.contains("\"knnAccuracy\":null"), json);
        assertTrue(json.contains("\"trainCount\":2"), json);
        // classes a byte each, test indices little-endian 32-bit, probabilities 16-bit steps
        assertTrue(json.contains("\"labels\":\"" + b64(0, 1, 0, 1, 1) + "\""), json);
        assertTrue(json.contains("\"sourceIndex\":\"" + b64(40, 0, 0, 0, 41, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0,
                0x70, 0x11, 0x01, 0) + "\""), json);
        // 0.75 * 65535 = 49151.25 -> 49151 = 0xBFFF; 0.25 -> 16384 = 0x4000; 0.5 -> 32768 = 0x8000
        assertTrue(json.contains("\"testProbabilities\":\"" + b64(0xFF, 0xBF, 0x00, 0x40, 0x00, 0x80, 0x00, 0x80,
                0, 0, 0xFF, 0xFF) + "\""), json);
        assertTrue(json.contains("\"trainProbabilities\":\"" + b64(0xFF, 0xFF, 0, 0, 0x00, 0x80, 0x00, 0x80) + "\""),
                json);
        // map b runs from -11.25 to 0: its x are the even coordinates, 0, -2.5, ..., -10, y the odd ones
        for (String range : List.of("\"minX\":-10.0", "\"maxX\":0.0", "\"minY\":-11.25", "\"maxY\":-1.25")) {
            assertTrue(json.contains(range), range + " in " + json);
        }
        // the epoch without a validation accuracy
        assertTrue(json.contains("[1.0,0.5,0.6,0.8,null]"), json);
    }

    @Test
    void quantisedPointsStayWithinHalfAStepOfWhereTheyWere() {
        Random random = new Random(3);
        float[] xy = new float[2000];
        for (int i = 0; i < xy.length; i++) {
            xy[i] = (float) (i % 2 == 0 ? 40 * random.nextGaussian() : 3 + random.nextDouble());
        }
        QuantisedPoints points = QuantisedPoints.of(xy);
        double worstX = 0;
        double worstY = 0;
        for (int i = 0; i < xy.length; i++) {
            double error = Math.abs(points.value(i) - xy[i]);
            if (i % 2 == 0) {
                worstX = Math.max(worstX, error);
            } else {
                worstY = Math.max(worstY, error);
            }
        }
        assertTrue(worstX <= points.errorX() * 1.0001, worstX + " > " + points.errorX());
        assertTrue(worstY <= points.errorY() * 1.0001, worstY + " > " + points.errorY());
        // the extremes are exact, and the error is the range over 131,070
        assertEquals(points.minX(), points.value(indexOf(xy, points.minX(), 0)), 1e-6);
        assertEquals((points.maxY() - points.minY()) / 131_070.0, points.errorY(), 1e-11);
        assertTrue(points.errorY() < 1e-5);
    }

    @Test
    void theDataHoldsTheAttributionMapsAByteAPixelByTestIndex() {
        String json = dataJson(page(List.of("a", "b")));
        // (the JSON renderer sorts an object's keys)
        assertTrue(json.contains("\"methods\":[{\"name\":\"saliency\",\"signed\":true},{\"name\":\"grad-cam\","
                + "\"signed\":false}]"), json);
        assertTrue(json.contains("\"images\":[{\"completenessError\":null,\"kind\":\"hard negative\",\"target\":1,"
                + "\"testIndex\":7}]"), json);
        // saliency: 0.3 * 127 = 38.1 -> 38, -1 -> -127, 0.25 * 127 = 31.75 -> 32, 0; Grad-CAM in steps of 2/127:
        // 0, 127, 76.2 -> 76, 31.75 -> 32
        assertTrue(json.contains("\"maps\":\"" + b64(38, -127, 32, 0, 0, 127, 76, 32) + "\""), json);
        assertTrue(json.contains("\"scales\":[" + (double) (1f / 127) + "," + (double) (2f / 127) + "]"), json);
        // what the maps add to the page: the codes' base64 and a few short fields
        int bytes = HtmlReport.attributionBytes(attribution());
        assertTrue(bytes > 12 && bytes < 400, bytes + " bytes");
        assertTrue(HtmlReport.attributionBytes(ExplorerAttribution.NONE) < 100);
    }

    @Test
    void quantisedMapsStayWithinHalfAStepAndKeepTheLargestPixel() {
        Random random = new Random(5);
        int size = 28 * 28;
        float[] maps = new float[3 * size];
        for (int p = 0; p < maps.length; p++) {
            // three maps of very different ranges: signed small, signed large, at least 0 (as Grad-CAM)
            double v = random.nextGaussian();
            maps[p] = (float) (p < size ? 1e-4 * v : p < 2 * size ? 30 * v : Math.abs(v));
        }
        QuantisedMaps quantised = QuantisedMaps.of(maps, size);
        assertEquals(3, quantised.scales().length);
        for (int m = 0; m < 3; m++) {
            double largest = 0;
            int at = -1;
            for (int p = m * size; p < (m + 1) * size; p++) {
                if (Math.abs(maps[p]) > largest) {
                    largest = Math.abs(maps[p]);
                    at = p;
                }
            }
            assertEquals(largest / 127, quantised.scales()[m], largest * 1e-7);
            assertEquals(127, Math.abs(quantised.q()[at]), "the largest pixel takes the last code");
            double worst = 0;
            for (int p = m * size; p < (m + 1) * size; p++) {
                worst = Math.max(worst, Math.abs(quantised.value(p, size) - maps[p]));
            }
            assertTrue(worst <= largest / 254 * 1.0001, "map " + m + ": " + worst + " > " + largest / 254);
            assertTrue(worst > largest / 254 * 0.5, "map " + m + ": a random map is not quantised exactly");
        }
        // Grad-CAM's map, at least 0, has no negative code
        for (int p = 2 * size; p < 3 * size; p++) {
            assertTrue(quantised.q()[p] >= 0);
        }
        // an empty map stays zero, with a zero scale
        QuantisedMaps zero = QuantisedMaps.of(new float[4], 4);
        assertEquals(0f, zero.scales()[0]);
        assertEquals(0.0, zero.value(3, 4));
    }

    @Test
    void explorerAttributionRefusesMismatchedMaps() {
        List<ExplorerAttribution.Method> one = List.of(new ExplorerAttribution.Method("saliency", true));
        ExplorerAttribution.Image seven = new ExplorerAttribution.Image(7, "hard negative", 0, 0.01);
        // one image by one method of 2x2 needs four values
        assertThrows(IllegalArgumentException.class, () -> new ExplorerAttribution(one, 2, 2, List.of(seven),
                new float[3]));
        // the page finds maps by test index: one image twice is refused
        assertThrows(IllegalArgumentException.class, () -> new ExplorerAttribution(one, 2, 2, List.of(seven, seven),
                new float[8]));
        assertThrows(IllegalArgumentException.class, () -> new ExplorerAttribution(one, 2, 2, List.of(seven),
                new float[] {0, Float.NaN, 0, 0}));
        assertEquals(4, new ExplorerAttribution(one, 2, 2, List.of(seven), new float[4]).mapSize());
    }

    @Test
    void thumbnailsAreHalvedAndQuantisedToSixteenLevels() {
        // one 3x3 image: the 2x2 block means, the odd row and column averaging what exists
        byte[] pixels = {(byte) 0, (byte) 255, (byte) 17,
            (byte) 255, (byte) 0, (byte) 34,
            (byte) 200, (byte) 100, (byte) 255};
        ImageSet images = new ImageSet(3, 3, pixels, new int[] {0});
        Thumbnails thumbs = Thumbnails.halved(new Thumbnails.Source(images, new int[] {0, 0}));
        assertEquals(2, thumbs.rows());
        assertEquals(2, thumbs.cols());
        assertEquals(2, thumbs.count());
        assertEquals(2, thumbs.bytesEach());
        // (0 + 255 + 255 + 0) / 4 = 127.5 -> 7.5 levels -> 8; (17 + 34) / 2 = 25.5 -> 1.5 -> 2;
        // (200 + 100) / 2 = 150 -> 8.82 -> 9; 255 -> 15
        for (int t = 0; t < 2; t++) {
            assertEquals(8, thumbs.level(t, 0, 0));
            assertEquals(2, thumbs.level(t, 0, 1));
            assertEquals(9, thumbs.level(t, 1, 0));
            assertEquals(15, thumbs.level(t, 1, 1));
        }
        assertEquals((byte) 0x82, thumbs.packed()[0]);
        assertEquals((byte) 0x9F, thumbs.packed()[1]);
    }

    @Test
    void explorerDataRefusesMismatchedArrays() {
        Thumbnails five = new Thumbnails(2, 2, new byte[10]);
        List<ExplorerData.ExplorerMap> none = List.of();
        // three test points of two classes need six probabilities
        assertThrows(IllegalArgumentException.class, () -> new ExplorerData(List.of("a", "b"), 2, new int[5],
                new int[5], new float[4], new float[0], five, none, ExplorerAttribution.NONE));
        assertThrows(IllegalArgumentException.class, () -> new ExplorerData(List.of("a", "b"), 2, new int[5],
                new int[5], new float[6], new float[0], new Thumbnails(2, 2, new byte[8]), none,
                ExplorerAttribution.NONE));
        assertThrows(IllegalArgumentException.class, () -> new ExplorerData(List.of("a", "b"), 6, new int[5],
                new int[5], new float[0], new float[0], five, none, ExplorerAttribution.NONE));
        assertThrows(IllegalArgumentException.class, () -> new ExplorerData(List.of("a", "b"), 2, new int[5],
                new int[5], new float[] {0, 1, 0, 1, 0, 1.5f}, new float[0], five, none, ExplorerAttribution.NONE));
        // two training points of two classes: four probabilities or none
        assertThrows(IllegalArgumentException.class, () -> new ExplorerData(List.of("a", "b"), 2, new int[5],
                new int[5], new float[6], new float[2], five, none, ExplorerAttribution.NONE));
        assertEquals(3, new ExplorerData(List.of("a", "b"), 2, new int[5], new int[5], new float[6], new float[4], five,
                none, ExplorerAttribution.NONE)
                .testCount());
    }

    private static String b64(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return Base64.getEncoder().encodeToString(out);
    }

    private static int indexOf(float[] xy, float value, int parity) {
        for (int i = parity; i < xy.length; i += 2) {
            if (xy[i] == value) {
                return i;
            }
        }
        throw new AssertionError(value + " is not among the coordinates");
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

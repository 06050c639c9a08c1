package dev.layerscope.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The inside panel in headless Chromium, on {@link SmallCnn}: three "hard negatives" of random pixels in a static
 * body as the report writes it (images with {@code data-test-index}), and a stand-in for the explorer that offers
 * point clicks and the pixels of one training image. The page's forward pass must give DL4J's feature maps, and a
 * click must show a tile per channel of each convolution and pooling layer, in the order of their mean activation.
 */
class InsideBrowserTest {

    private static final Path PAGE = Path.of("target/report-inside.html");
    private static final int[] TEST_INDICES = {7, 42, 99};
    /** conv1, conv2 and pool1: their channels. */
    private static final Map<String, Integer> SHOWN = orderedMap();
    /** Absolute tolerance: float32 in DL4J against double sums in JavaScript, over at most 36 products. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path maps;
    private static ChromeDriver driver;
    private static byte[] pixels;

    private WebDriverWait wait;

    private static Map<String, Integer> orderedMap() {
        Map<String, Integer> shown = new LinkedHashMap<>();
        shown.put("conv1", 4);
        shown.put("conv2", 5);
        shown.put("pool1", 5);
        return shown;
    }

    @BeforeAll
    static void writeThePageAndDl4jsMaps() throws IOException {
        driver = HeadlessChromium.start();
        MultiLayerNetwork network = SmallCnn.trained();
        InsideNetwork inside = InsideNetwork.of(network, SmallCnn.NAMES, SmallCnn.SIDE, SmallCnn.SIDE).orElseThrow();
        int size = SmallCnn.SIDE * SmallCnn.SIDE;
        pixels = SmallCnn.images(TEST_INDICES.length, 5);
        Map<Integer, byte[]> images = new LinkedHashMap<>();
        float[] scaled = new float[pixels.length];
        for (int i = 0; i < TEST_INDICES.length; i++) {
            images.put(TEST_INDICES[i], Arrays.copyOfRange(pixels, i * size, (i + 1) * size));
        }
        for (int p = 0; p < pixels.length; p++) {
            scaled[p] = (pixels[p] & 0xFF) / 255f;
        }
        inside.writeFeatureMaps(network, scaled, TEST_INDICES.length, maps);
        StringBuilder body = new StringBuilder("<h1>Inside</h1><table class=\"thumbnails\"><tr>");
        for (int index : TEST_INDICES) {
            body.append("<td><img src=\"data:,\" width=\"30\" height=\"30\" data-test-index=\"").append(index)
                    .append("\" alt=\"test ").append(index).append("\"></td>");
        }
        body.append("</tr></table>");
        // the explorer's side, as explorer.js offers it: point clicks, and a thumbnail (half size, RGBA) of point 5
        // alone, a training image all at grey 200
        int half = SmallCnn.SIDE / 2;
        String explorer = "<script>window.layerscope = {onPointClick: function (callback) { "
                + "window.explorerClick = callback; }, thumbnail: function (point) { "
                + "return point === 5 ? {width: " + half + ", height: " + half + ", data: new Uint8ClampedArray("
                + 4 * half * half + ").fill(200)} : null; }};</script>";
        Files.createDirectories(PAGE.getParent());
        Files.writeString(PAGE, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>inside"
                + "</title><link rel=\"icon\" href=\"data:,\"></head><body><main>" + body
                + InsidePanel.html(inside, images) + "</main>" + explorer + "</body></html>");
    }

    @AfterAll
    static void stopTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @BeforeEach
    void openThePage() {
        driver.get(PAGE.toAbsolutePath().toUri().toString());
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(d -> Boolean.TRUE.equals(driver.executeScript("return !!window.layerscopeInside")));
    }

    @AfterEach
    void theConsoleHasNoErrors() {
        assertEquals(List.of(), HeadlessChromium.consoleErrors(driver), "the browser console has errors");
    }

    @Test
    void thePagesForwardPassGivesDl4jsFeatureMaps() throws IOException {
        for (int i = 0; i < TEST_INDICES.length; i++) {
            @SuppressWarnings("unchecked")
            List<List<Number>> fromPage = (List<List<Number>>) driver.executeScript("const inside = "
                    + "window.layerscopeInside; return inside.forward(inside.pixels('test', " + TEST_INDICES[i]
                    + ")).filter(o => o.shown).map(o => Array.from(o.data));");
            assertEquals(SHOWN.size(), fromPage.size());
            int layer = 0;
            for (String name : SHOWN.keySet()) {
                Npy.Floats dl4j = Npy.readFloats(maps.resolve(name + ".npy"));
                int perImage = dl4j.values().length / TEST_INDICES.length;
                List<Number> page = fromPage.get(layer++);
                assertEquals(perImage, page.size(), name);
                double worst = 0;
                for (int v = 0; v < perImage; v++) {
                    worst = Math.max(worst, Math.abs(page.get(v).doubleValue() - dl4j.values()[i * perImage + v]));
                }
                assertTrue(worst < TOLERANCE, name + " of test image " + TEST_INDICES[i] + " differs by " + worst);
            }
        }
    }

    @Test
    void clickingAHardNegativeShowsATilePerChannelOfEachLayerOrderedByResponse() throws IOException {
        driver.findElement(By.cssSelector("img[data-test-index='42']")).click();
        wait.until(d -> driver.findElements(By.cssSelector("#ls-inside-layers .ls-inside-layer")).size()
                == SHOWN.size());
        assertEquals("Test image 42", driver.findElement(By.id("ls-inside-chosen")).getText());
        List<WebElement> blocks = driver.findElements(By.cssSelector("#ls-inside-layers .ls-inside-layer"));
        int layer = 0;
        for (Map.Entry<String, Integer> shown : SHOWN.entrySet()) {
            WebElement block = blocks.get(layer++);
            assertEquals(shown.getKey(), block.getAttribute("data-layer"));
            List<Integer> channels = block.findElements(By.cssSelector(".ls-inside-tile")).stream()
                    .map(tile -> Integer.parseInt(tile.getAttribute("data-channel"))).toList();
            assertEquals(shown.getValue(), channels.size(), "a tile per channel of " + shown.getKey());
            assertEquals(byMeanFromDl4j(shown.getKey(), 1, shown.getValue()), channels,
                    shown.getKey() + "'s channels, the largest mean activation first");
        }
    }

    @Test
    void aPointClickedInTheExplorerShowsItsMapsOrSaysThePageHasNoPixels() {
        driver.executeScript("window.explorerClick({point: 5, split: 'train', sourceIndex: 5});");
        wait.until(d -> driver.findElements(By.cssSelector("#ls-inside-layers .ls-inside-tile")).size()
                == SHOWN.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals("Training image 5", driver.findElement(By.id("ls-inside-chosen")).getText());

        driver.executeScript("window.explorerClick({point: 8, split: 'test', sourceIndex: 8});");
        wait.until(d -> driver.findElements(By.cssSelector("#ls-inside-layers .ls-inside-tile")).isEmpty());
        assertEquals("The page holds no pixels of test image 8.",
                driver.findElement(By.id("ls-inside-chosen")).getText());
    }

    /** Channels of image {@code image}'s map in DL4J's file, by mean activation, largest first. */
    private static List<Integer> byMeanFromDl4j(String layer, int image, int channels) throws IOException {
        Npy.Floats dl4j = Npy.readFloats(maps.resolve(layer + ".npy"));
        int perImage = dl4j.values().length / TEST_INDICES.length;
        int perChannel = perImage / channels;
        double[] means = new double[channels];
        for (int c = 0; c < channels; c++) {
            for (int v = 0; v < perChannel; v++) {
                means[c] += dl4j.values()[image * perImage + c * perChannel + v] / perChannel;
            }
        }
        List<Integer> order = new ArrayList<>(IntStream.range(0, channels).boxed().toList());
        order.sort(Comparator.comparingDouble((Integer c) -> -means[c]).thenComparing(Comparator.naturalOrder()));
        return order;
    }
}

package dev.layerscope.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The report page in headless Chromium, driven through the system's chromedriver: a synthetic run of 10,000 test
 * points in 10 classes on three maps, and two runs to compare. CI (.ci/run) installs Chromium and sets
 * {@code CI_REQUIRE_BROWSER}, so there a missing browser fails the test; elsewhere it skips it.
 */
class ReportBrowserTest {

    private static final Path PAGE = Path.of("target/report-explorer.html");
    private static final Path SCREENSHOT = Path.of("target/report-explorer.png");

    private static final int N = 10_000;
    private static final int CLASSES = 10;
    private static final int THUMB = 4;
    /** A point every map puts alone in the middle, away from every cluster, so hovering it is unambiguous. */
    private static final int LONE = 4242;
    /** A class name that would break the page if it were inserted unescaped. */
    private static final String HOSTILE = "</script><b>bold</b> & \"quoted\"";
    /** Every class but the hostile one is "class c"; the hostile one is class 1. */
    private static final List<String> CLASS_NAMES = classNames();

    private static ChromeDriver driver;
    private static int[] labels;

    private WebDriverWait wait;

    @BeforeAll
    static void startTheBrowser() throws IOException {
        driver = HeadlessChromium.start();
        ExplorerData explorer = explorer();
        labels = explorer.labels();
        Files.createDirectories(PAGE.getParent());
        Files.writeString(PAGE, HtmlReport.page("Synthetic report", "<h1>Synthetic report</h1>"
                + "<p>A static body as the report stage writes it.</p>", explorer, runs()));
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
        wait.until(d -> number("return window.layerscope && window.layerscope.frames() > 0"
                + " && window.layerscope.spriteLoaded() ? 1 : 0") == 1);
    }

    @AfterEach
    void theConsoleHasNoErrors() {
        assertEquals(List.of(), HeadlessChromium.consoleErrors(driver), "the browser console has errors");
    }

    @Test
    void theExplorerDrawsEveryPointAndRedrawsWhenTheMapChanges() {
        assertEquals(N, number("return window.layerscope.pointsDrawn()"));
        assertEquals(0, number("return window.layerscope.drawnMap()"));
        assertEquals("kNN accuracy 91.25 %", driver.findElement(By.id("ls-knn")).getText());
        String before = canvasImage();
        long frames = number("return window.layerscope.frames()");

        new Select(driver.findElement(By.id("ls-map"))).selectByVisibleText("layer2 \u00b7 umap");
        wait.until(d -> number("return window.layerscope.drawnMap()") == 1);
        assertTrue(number("return window.layerscope.frames()") > frames);
        assertEquals(N, number("return window.layerscope.pointsDrawn()"));
        assertNotEquals(before, canvasImage(), "the canvas shows the same picture for another map");
        assertEquals("kNN accuracy 64.00 %", driver.findElement(By.id("ls-knn")).getText());

        new Select(driver.findElement(By.id("ls-map"))).selectByIndex(2);
        wait.until(d -> number("return window.layerscope.drawnMap()") == 2);
        assertEquals("", driver.findElement(By.id("ls-knn")).getText(), "the third map has no kNN accuracy");
    }

    @Test
    void theLegendHidesAndShowsAClass() {
        WebElement legend = driver.findElement(By.cssSelector("#ls-legend button[data-class='3']"));
        long ofClass = Arrays.stream(labels).filter(l -> l == 3).count();
        legend.click();
        wait.until(d -> number("return window.layerscope.pointsDrawn()") == N - ofClass);
        assertEquals("false", legend.getAttribute("aria-pressed"));
        legend.click();
        wait.until(d -> number("return window.layerscope.pointsDrawn()") == N);
        assertEquals("true", legend.getAttribute("aria-pressed"));
        // the hostile class name is shown as text, with its count beside it
        WebElement hostile = driver.findElement(By.cssSelector("#ls-legend button[data-class='1']"));
        assertEquals(HOSTILE + "1000", hostile.getText().replace("\n", ""));
    }

    @Test
    void hoveringAPointShowsItsThumbnailAndClasses() throws IOException {
        WebElement tooltip = driver.findElement(By.id("ls-tooltip"));
        assertFalse(tooltip.isDisplayed());
        moveOnto(LONE);
        wait.until(d -> tooltip.isDisplayed());
        assertEquals(LONE, number("return window.layerscope.hovered()"));
        assertEquals("True: class 2", driver.findElement(By.id("ls-tip-true")).getText());
        assertEquals("Predicted: class 5", driver.findElement(By.id("ls-tip-predicted")).getText());
        assertEquals("ls-wrong", driver.findElement(By.id("ls-tip-predicted")).getAttribute("class"));
        // the thumbnail is the lone point's cell of the sprite: its colour encodes its index
        @SuppressWarnings("unchecked")
        List<Long> pixel = (List<Long>) driver.executeScript("const t = document.getElementById('ls-thumb');"
                + "return Array.from(t.getContext('2d').getImageData(1, 1, 1, 1).data);");
        int colour = thumbColour(LONE);
        assertEquals(List.of((long) (colour >> 16 & 0xFF), (long) (colour >> 8 & 0xFF), (long) (colour & 0xFF),
                255L), pixel);
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void dragPansAndTheWheelZoomsAroundTheCursor() {
        List<Double> lone = screenOf(LONE);
        List<Double> origin = canvasOrigin();
        int x = (int) Math.round(origin.get(0) + lone.get(0)), y = (int) Math.round(origin.get(1) + lone.get(1));
        new Actions(driver).moveToLocation(x, y).clickAndHold().moveByOffset(60, -40).release().perform();
        List<Double> panned = screenOf(LONE);
        assertEquals(lone.get(0) + 60, panned.get(0), 1.0);
        assertEquals(lone.get(1) - 40, panned.get(1), 1.0);

        List<Double> otherBefore = screenOf(0);
        new Actions(driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromViewport(x + 60, y - 40), 0, -300)
                .perform();
        wait.until(d -> !screenOf(0).equals(otherBefore));
        List<Double> zoomed = screenOf(LONE);
        assertEquals(panned.get(0), zoomed.get(0), 1.0, "the point under the cursor moved while zooming");
        assertEquals(panned.get(1), zoomed.get(1), 1.0, "the point under the cursor moved while zooming");
        assertTrue(distance(screenOf(0), zoomed) > distance(otherBefore, panned), "zooming in spread no points");
    }

    @Test
    void theComparePanelListsBothRunsKnnSideBySide() {
        assertEquals("this run", driver.findElement(By.id("ls-current")).getText());
        assertEquals("earlier run", new Select(driver.findElement(By.id("ls-run"))).getFirstSelectedOption()
                .getText());
        List<String> head = driver.findElements(By.cssSelector("#ls-knn-table thead th")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("Input", "Method", "k", "this run", "earlier run", "Difference"), head);
        List<List<String>> rows = driver.findElements(By.cssSelector("#ls-knn-table tbody tr")).stream()
                .map(r -> r.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
        assertEquals(List.of(
                List.of("layer1", "pca", "5", "91.25 %", "90.00 %", "+1.25 pp"),
                List.of("layer2", "umap", "5", "64.00 %", "66.50 %", "\u22122.50 pp"),
                List.of("layer2", "tsne", "5", "70.00 %", "\u2014", "\u2014"),
                List.of("layer3", "pca", "5", "\u2014", "50.00 %", "\u2014")), rows);
        // the chart drew something: not every pixel of it is transparent
        assertTrue(number("const c = document.getElementById('ls-curves');"
                + "return c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
                + ".filter((v, i) => i % 4 === 3 && v > 0).length") > 1000);
    }

    private static List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            names.add(c == 1 ? HOSTILE : "class " + c);
        }
        return names;
    }

    /** The colour of thumbnail i: its index in red and green, so a tooltip's thumbnail tells which cell it is. */
    private static int thumbColour(int i) {
        return (i & 0xFF) << 16 | (i >> 8 & 0xFF) << 8 | 0x80;
    }

    private static ExplorerData explorer() {
        Random random = new Random(7);
        int[] labels = new int[N];
        int[] predicted = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % CLASSES;
            predicted[i] = i % 7 == 0 ? (labels[i] + 1) % CLASSES : labels[i];
        }
        predicted[LONE] = 5;
        int perRow = ExplorerData.spritePerRow(N);
        BufferedImage sprite = new BufferedImage(perRow * THUMB, (N + perRow - 1) / perRow * THUMB,
                BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < N; i++) {
            for (int y = 0; y < THUMB; y++) {
                for (int x = 0; x < THUMB; x++) {
                    sprite.setRGB(i % perRow * THUMB + x, i / perRow * THUMB + y, thumbColour(i));
                }
            }
        }
        // three layouts: classes on a ring, on a wider ellipse, in a row; the lone point in the empty middle
        List<ExplorerData.ExplorerMap> maps = List.of(
                new ExplorerData.ExplorerMap("layer1", "pca", clusters(random, labels, 10, 10, false), 0.9125),
                new ExplorerData.ExplorerMap("layer2", "umap", clusters(random, labels, 16, 6, false), 0.64),
                new ExplorerData.ExplorerMap("layer3", "tsne", clusters(random, labels, 20, 0, true), null));
        return new ExplorerData(CLASS_NAMES, labels, predicted, sprite, THUMB, THUMB, maps);
    }

    private static float[] clusters(Random random, int[] labels, double rx, double ry, boolean row) {
        float[] xy = new float[2 * N];
        for (int i = 0; i < N; i++) {
            double angle = 2 * Math.PI * labels[i] / CLASSES;
            double cx = row ? (labels[i] - 4.5) * 4 + (labels[i] >= 5 ? 4 : -4) : rx * Math.cos(angle);
            double cy = row ? 0 : ry * Math.sin(angle);
            xy[2 * i] = (float) (cx + random.nextGaussian());
            xy[2 * i + 1] = (float) (cy + random.nextGaussian());
        }
        xy[2 * LONE] = 0;
        xy[2 * LONE + 1] = 0;
        return xy;
    }

    private static List<RunSummary> runs() {
        List<double[]> now = new ArrayList<>();
        List<double[]> before = new ArrayList<>();
        for (int epoch = 1; epoch <= 8; epoch++) {
            now.add(new double[] {epoch, 1.2 / epoch, 1.3 / epoch + 0.1, 1 - 0.4 / epoch, 0.95 - 0.4 / epoch});
            before.add(new double[] {epoch, 1.5 / epoch, 1.6 / epoch + 0.15, 0.95 - 0.4 / epoch,
                    0.9 - 0.4 / epoch});
        }
        return List.of(
                new RunSummary("this run", now, List.of(
                        new RunSummary.KnnLine("layer1", "pca", 5, 0.9125),
                        new RunSummary.KnnLine("layer2", "umap", 5, 0.64),
                        new RunSummary.KnnLine("layer2", "tsne", 5, 0.70))),
                new RunSummary("earlier run", before, List.of(
                        new RunSummary.KnnLine("layer1", "pca", 5, 0.90),
                        new RunSummary.KnnLine("layer2", "umap", 5, 0.665),
                        new RunSummary.KnnLine("layer3", "pca", 5, 0.50))));
    }

    private void moveOnto(int point) {
        List<Double> at = screenOf(point);
        List<Double> origin = canvasOrigin();
        new Actions(driver).moveToLocation((int) Math.round(origin.get(0) + at.get(0)),
                (int) Math.round(origin.get(1) + at.get(1))).perform();
    }

    /** The canvas's top-left corner in the viewport, after scrolling it into view. */
    @SuppressWarnings("unchecked")
    private List<Double> canvasOrigin() {
        List<Number> r = (List<Number>) driver.executeScript("const c = document.getElementById('ls-canvas');"
                + "c.scrollIntoView({block: 'center'}); const r = c.getBoundingClientRect(); return [r.left, r.top];");
        return r.stream().map(Number::doubleValue).toList();
    }

    @SuppressWarnings("unchecked")
    private List<Double> screenOf(int point) {
        List<Number> at = (List<Number>) driver.executeScript("return window.layerscope.screenOf(arguments[0]);",
                point);
        return at.stream().map(Number::doubleValue).toList();
    }

    private static double distance(List<Double> a, List<Double> b) {
        return Math.hypot(a.get(0) - b.get(0), a.get(1) - b.get(1));
    }

    private String canvasImage() {
        return (String) driver.executeScript("return document.getElementById('ls-canvas').toDataURL();");
    }

    private long number(String script) {
        return ((Number) ((JavascriptExecutor) driver).executeScript(script)).longValue();
    }
}

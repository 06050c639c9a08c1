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
 * The report page in headless Chromium, driven through the system's chromedriver: a synthetic run of 50,000 training
 * and 10,000 test points in 10 classes on three maps, and two runs to compare. The frame time of a pan and zoom and the
 * page's load time are printed (not asserted: a timed unit test would fail on a busy machine). CI (.ci/run) installs Chromium and sets
 * {@code CI_REQUIRE_BROWSER}, so there a missing browser fails the test; elsewhere it skips it.
 */
class ReportBrowserTest {

    private static final Path PAGE = Path.of("target/report-explorer.html");
    private static final Path SCREENSHOT = Path.of("target/report-explorer.png");

    private static final int TRAIN = 50_000;
    private static final int TEST = 10_000;
    private static final int N = TRAIN + TEST;
    private static final int CLASSES = 10;
    private static final int THUMB = 4;
    /** The test index of a point every map puts alone in the middle, away from every cluster, to hover it. */
    private static final int LONE_TEST_INDEX = 4242;
    /** The lone point among the explorer's points: the training points come first. */
    private static final int LONE = TRAIN + LONE_TEST_INDEX;
    /** A class name that would break the page if it were inserted unescaped. */
    private static final String HOSTILE = "</script><b>bold</b> & \"quoted\"";
    /** Every class but the hostile one is "class c"; the hostile one is class 1. */
    private static final List<String> CLASS_NAMES = classNames();

    private static ChromeDriver driver;
    private static int[] labels;
    private static int[] predicted;
    private static float[] probabilities;

    private WebDriverWait wait;

    @BeforeAll
    static void startTheBrowser() throws IOException {
        driver = HeadlessChromium.start();
        ExplorerData explorer = explorer();
        labels = explorer.labels();
        Files.createDirectories(PAGE.getParent());
        Files.writeString(PAGE, HtmlReport.page("Synthetic report", "<h1>Synthetic report</h1>"
                + "<p>A static body as the report stage writes it.</p><table class=\"thumbnails\"><tr><td>"
                + "<img id=\"hard\" src=\""
                + HtmlReport.dataUri(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY)) + "\" alt=\"class 5 0.630\" data-test-index=\"" + LONE_TEST_INDEX
                + "\" width=\"28\" height=\"28\"></td></tr></table>", explorer, runs()));
        System.out.printf("explorer page of %,d points on 3 maps: %,d bytes%n", N, Files.size(PAGE));
    }

    @AfterAll
    static void stopTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @BeforeEach
    void openThePage() {
        wait = HeadlessChromium.openExplorer(driver, PAGE, Duration.ofSeconds(30));
    }

    @AfterEach
    void theConsoleHasNoErrors() {
        assertEquals(List.of(), HeadlessChromium.consoleErrors(driver), "the browser console has errors");
    }

    @Test
    void theExplorerDrawsEveryPointAndRedrawsWhenTheMapChanges() {
        assertEquals(N, number("return window.layerscope.pointsDrawn()"));
        assertEquals("60,000 points: 50,000 train, 10,000 test", driver.findElement(By.id("ls-count")).getText());
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
    void theSplitToggleShowsTrainTestOrBothAndSaysHowMany() {
        Select split = new Select(driver.findElement(By.id("ls-split")));
        split.selectByValue("train");
        wait.until(d -> number("return window.layerscope.pointsDrawn()") == TRAIN);
        assertEquals(TRAIN, number("return window.layerscope.counts().train"));
        assertEquals("50,000 points: 50,000 train, 0 test", driver.findElement(By.id("ls-count")).getText());
        split.selectByValue("test");
        wait.until(d -> number("return window.layerscope.pointsDrawn()") == TEST);
        assertEquals("10,000 points: 0 train, 10,000 test", driver.findElement(By.id("ls-count")).getText());
        // a hidden class leaves the count too
        driver.findElement(By.cssSelector("#ls-legend button[data-class='3']")).click();
        long testOfClass3 = java.util.stream.IntStream.range(TRAIN, N).filter(i -> labels[i] == 3).count();
        wait.until(d -> number("return window.layerscope.pointsDrawn()") == TEST - testOfClass3);
        assertEquals(String.format(java.util.Locale.ROOT, "%,d points: 0 train, %,d test", TEST - testOfClass3,
                TEST - testOfClass3), driver.findElement(By.id("ls-count")).getText());
        split.selectByValue("both");
        wait.until(d -> number("return window.layerscope.pointsDrawn()") == N - N / CLASSES);
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
        assertEquals(HOSTILE + "6000", hostile.getText().replace("\n", ""));
    }

    @Test
    void hoveringAPointShowsItsThumbnailClassesAndTopThreeProbabilities() throws IOException {
        WebElement tooltip = driver.findElement(By.id("ls-tooltip"));
        assertFalse(tooltip.isDisplayed());
        moveOnto(LONE);
        wait.until(d -> tooltip.isDisplayed());
        assertEquals(LONE, number("return window.layerscope.hovered()"));
        assertEquals("True: class 2", driver.findElement(By.id("ls-tip-true")).getText());
        assertEquals("Predicted: class 5", driver.findElement(By.id("ls-tip-predicted")).getText());
        assertEquals("ls-wrong", driver.findElement(By.id("ls-tip-predicted")).getAttribute("class"));
        // class 5 at 0.55 + 0.04 * (4242 % 10) = 0.63, then the others tied at 0.37 / 9, the lower class first
        assertEquals("class 5 0.630, class 0 0.041, " + HOSTILE + " 0.041",
                driver.findElement(By.id("ls-tip-top")).getText());
        assertEquals("test image #4242", driver.findElement(By.id("ls-tip-index")).getText());
        // a page without attribution maps shows no box for them
        assertFalse(driver.findElement(By.id("ls-tip-maps")).isDisplayed());
        // the thumbnail is the lone point's: its first four pixels are the nibbles of its index, 17 grey steps each
        @SuppressWarnings("unchecked")
        List<Long> grey = (List<Long>) driver.executeScript("const t = document.getElementById('ls-thumb');"
                + "const d = t.getContext('2d').getImageData(0, 0, 4, 1).data; return [d[0], d[4], d[8], d[12]];");
        long decoded = 0;
        for (long g : grey) {
            assertEquals(0, g % 17, "grey " + g + " is not one of 16 levels");
            decoded = decoded * 16 + g / 17;
        }
        assertEquals(LONE, decoded);
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aColourModeByTheNetworksOutputShowsItsScale() {
        assertFalse(driver.findElement(By.id("ls-scale")).isDisplayed(), "class colours need no scale");
        String byClass = canvasImage();
        Select colour = new Select(driver.findElement(By.id("ls-colour")));
        colour.selectByValue("confidence");
        wait.until(d -> d.findElement(By.id("ls-scale")).isDisplayed());
        assertEquals("confidence (top probability)", driver.findElement(By.id("ls-scale-label")).getText());
        assertEquals("0.00", driver.findElement(By.id("ls-scale-min")).getText());
        assertEquals("1.00", driver.findElement(By.id("ls-scale-max")).getText());
        assertTrue(driver.findElement(By.id("ls-scale-note")).getText().startsWith("grey: training points"));
        wait.until(d -> !canvasImage().equals(byClass));

        colour.selectByValue("loss");
        wait.until(d -> d.findElement(By.id("ls-scale-label")).getText().startsWith("loss"));
        double most = 0;
        for (int j = 0; j < TEST; j++) {
            double p = Math.round(probabilities[j * CLASSES + labels[TRAIN + j]] * 65535.0) / 65535.0;
            most = Math.max(most, -Math.log(Math.max(0.5 / 65535, p)));
        }
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", most),
                driver.findElement(By.id("ls-scale-max")).getText());

        colour.selectByValue("correct");
        wait.until(d -> d.findElement(By.id("ls-scale-label")).getText().startsWith("correct"));
        assertEquals(N, number("return window.layerscope.pointsDrawn()"));
    }

    @Test
    void aConfusionCellSelectsItsImagesInEveryMap() throws IOException {
        int truth = 3;
        int guess = 4;
        long expected = java.util.stream.IntStream.range(0, TEST)
                .filter(j -> labels[TRAIN + j] == truth && predicted[j] == guess).count();
        assertTrue(expected > 0);
        WebElement cell = driver.findElement(By.cssSelector(
                "#ls-confusion td[data-true='" + truth + "'][data-predicted='" + guess + "']"));
        assertEquals(Long.toString(expected), cell.getText());
        long diagonal = java.util.stream.IntStream.range(0, TEST)
                .filter(j -> labels[TRAIN + j] == 0 && predicted[j] == 0).count();
        assertEquals(Long.toString(diagonal), driver.findElement(By.cssSelector(
                "#ls-confusion td[data-true='0'][data-predicted='0']")).getText());
        cell.click();
        wait.until(d -> number("return window.layerscope.selected().length") == expected);
        assertEquals(expected + " selected (0 train, " + expected + " test): true class 3, predicted class 4",
                driver.findElement(By.id("ls-selection-count")).getText());
        List<WebElement> bars = driver.findElements(By.cssSelector("#ls-histogram .ls-bar"));
        assertEquals(1, bars.size(), "every selected image is of class 3");
        assertEquals("3", bars.getFirst().getAttribute("data-class"));
        assertEquals(Math.min(60, expected), driver.findElements(By.cssSelector("#ls-thumbs canvas")).size());
        assertEquals(3, driver.findElements(By.cssSelector("#ls-multiples canvas")).size());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/report-explorer-confusion.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aLassoSelectsThePointsInsideIt() {
        driver.findElement(By.id("ls-lasso")).click();
        // a rectangle around the cluster of class 0, on the right of the ring
        List<Double> centre = screenOf(labelledPoint(0));
        List<Double> origin = canvasOrigin();
        double x0 = centre.get(0) - 40, x1 = centre.get(0) + 30, y0 = centre.get(1) - 35, y1 = centre.get(1) + 25;
        new Actions(driver).moveToLocation((int) Math.round(origin.get(0) + x0), (int) Math.round(origin.get(1) + y0))
                .clickAndHold().moveByOffset((int) Math.round(x1 - x0), 0).moveByOffset(0, (int) Math.round(y1 - y0))
                .moveByOffset((int) -Math.round(x1 - x0), 0).release().perform();
        wait.until(d -> number("return window.layerscope.selected().length") > 0);
        // every selected point is inside the rectangle grown by a pixel and a half, every point inside it shrunk so
        // is selected (the pointer's path is whole pixels)
        String inRect = "const [x0, y0, x1, y1] = arguments; const out = [];"
                + "for (let i = 0; i < %d; i++) { const [x, y] = window.layerscope.screenOf(i);"
                + " if (x > x0 && x < x1 && y > y0 && y < y1) out.push(i); } return out;";
        List<Long> selected = longs(driver.executeScript("return window.layerscope.selected();"));
        List<Long> grown = longs(driver.executeScript(inRect.formatted(N), x0 - 1.5, y0 - 1.5, x1 + 1.5, y1 + 1.5));
        List<Long> shrunk = longs(driver.executeScript(inRect.formatted(N), x0 + 1.5, y0 + 1.5, x1 - 1.5, y1 - 1.5));
        assertTrue(shrunk.size() > 100, "the rectangle holds " + shrunk.size() + " points");
        assertTrue(new java.util.HashSet<>(grown).containsAll(selected), "a point outside the lasso is selected");
        assertTrue(new java.util.HashSet<>(selected).containsAll(shrunk), "a point inside the lasso is not selected");
        assertTrue(driver.findElement(By.id("ls-selection-count")).getText()
                .startsWith(String.format(java.util.Locale.ROOT, "%,d selected", selected.size())));
    }

    @Test
    void searchingATestIndexSelectsItsPoint() {
        WebElement search = driver.findElement(By.id("ls-search"));
        search.sendKeys(Integer.toString(LONE_TEST_INDEX), org.openqa.selenium.Keys.ENTER);
        wait.until(d -> number("return window.layerscope.selected().length") == 1);
        assertEquals(List.of((long) LONE), longs(driver.executeScript("return window.layerscope.selected();")));
        assertEquals("1 selected (0 train, 1 test): test image #4242",
                driver.findElement(By.id("ls-selection-count")).getText());
        search.clear();
        search.sendKeys("123456", org.openqa.selenium.Keys.ENTER);
        wait.until(d -> number("return window.layerscope.selected().length") == 0);
        assertEquals("no test image #123456 among the points: nothing selected.",
                driver.findElement(By.id("ls-selection-count")).getText());
    }

    @Test
    void aHardNegativeOfTheReportSelectsItsPoint() {
        driver.findElement(By.id("hard")).click();
        wait.until(d -> number("return window.layerscope.selected().length") == 1);
        assertEquals(List.of((long) LONE), longs(driver.executeScript("return window.layerscope.selected();")));
        assertEquals("1 selected (0 train, 1 test): hard negative, test image #4242",
                driver.findElement(By.id("ls-selection-count")).getText());
    }

    @Test
    void otherPanelsHangOnClicksAndSelectThroughTheHook() {
        driver.executeScript("window.clicked = []; window.layerscope.onPointClick(p => window.clicked.push(p));");
        List<Double> at = screenOf(LONE);
        List<Double> origin = canvasOrigin();
        new Actions(driver).moveToLocation((int) Math.round(origin.get(0) + at.get(0)),
                (int) Math.round(origin.get(1) + at.get(1))).click().perform();
        wait.until(d -> number("return window.clicked.length") == 1);
        assertEquals(LONE_TEST_INDEX, number("return window.clicked[0].sourceIndex"));
        assertEquals("test", driver.executeScript("return window.clicked[0].split"));
        assertEquals(5, number("return window.clicked[0].predicted"));
        assertEquals(List.of((long) LONE), longs(driver.executeScript("return window.layerscope.selected();")));
        driver.executeScript("window.layerscope.select([0, 1, 2, " + LONE + "], 'a panel');");
        assertEquals("4 selected (3 train, 1 test): a panel", driver.findElement(By.id("ls-selection-count"))
                .getText());
    }

    @Test
    void frameAndLoadTimesAreMeasured() {
        List<Double> frames = doubles(driver.executeScript("return window.layerscope.benchmarkDraw(40);"));
        assertEquals(N, number("return window.layerscope.pointsDrawn()"));
        List<Double> sorted = frames.stream().sorted().toList();
        double load = ((Number) driver.executeScript("return window.layerscope.loadMs();")).doubleValue();
        double setup = ((Number) driver.executeScript("return window.layerscope.setupMs();")).doubleValue();
        double onload = ((Number) driver.executeScript("const t = performance.getEntriesByType('navigation')[0];"
                + "return t.loadEventEnd;")).doubleValue();
        System.out.printf(java.util.Locale.ROOT, "pan/zoom redraw of %,d points (script + raster): median %.1f ms,"
                + " 90th percentile %.1f ms, max %.1f ms%n", N, sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() * 9 / 10), sorted.getLast());
        System.out.printf(java.util.Locale.ROOT, "page load: first frame %.0f ms after navigation start (explorer "
                + "setup %.0f ms), load event %.0f ms%n", load, setup, onload);
        assertTrue(load > 0 && setup > 0);
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

    /** Point i's thumbnail, 4x4 at 4 bits: its first four pixels the nibbles of i, highest first, so a tooltip's
     * thumbnail tells whose it is. */
    private static Thumbnails thumbnails() {
        int each = THUMB * THUMB / 2;
        byte[] packed = new byte[N * each];
        for (int i = 0; i < N; i++) {
            packed[i * each] = (byte) (i >> 8);
            packed[i * each + 1] = (byte) i;
        }
        return new Thumbnails(THUMB, THUMB, packed);
    }

    private static ExplorerData explorer() {
        Random random = new Random(7);
        int[] labels = new int[N];
        int[] sourceIndex = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % CLASSES;
            sourceIndex[i] = i < TRAIN ? i : i - TRAIN;
        }
        // one test image in seven is wrong, taken for the next class; the chosen class's probability 0.55 to 0.91
        predicted = new int[TEST];
        probabilities = new float[TEST * CLASSES];
        for (int j = 0; j < TEST; j++) {
            int label = labels[TRAIN + j];
            predicted[j] = j % 7 == 0 ? (label + 1) % CLASSES : label;
        }
        predicted[LONE_TEST_INDEX] = 5;
        for (int j = 0; j < TEST; j++) {
            float top = 0.55f + 0.04f * (j % 10);
            for (int c = 0; c < CLASSES; c++) {
                probabilities[j * CLASSES + c] = c == predicted[j] ? top : (1 - top) / (CLASSES - 1);
            }
        }
        // three layouts: classes on a ring, on a wider ellipse, in a row; the lone point in the empty middle
        List<ExplorerData.ExplorerMap> maps = List.of(
                new ExplorerData.ExplorerMap("layer1", "pca", clusters(random, labels, 10, 10, false), 0.9125),
                new ExplorerData.ExplorerMap("layer2", "umap", clusters(random, labels, 16, 6, false), 0.64),
                new ExplorerData.ExplorerMap("layer3", "tsne", clusters(random, labels, 20, 0, true), null));
        return new ExplorerData(CLASS_NAMES, TRAIN, labels, sourceIndex, probabilities, new float[0], thumbnails(),
                maps, ExplorerAttribution.NONE);
    }

    /** A point of class c nearest its cluster's centre on the first map (the ring of radius 10). */
    private static int labelledPoint(int c) {
        return TRAIN + c + 10 * 37;
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

    @SuppressWarnings("unchecked")
    private static List<Long> longs(Object array) {
        return ((List<Number>) array).stream().map(Number::longValue).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Double> doubles(Object array) {
        return ((List<Number>) array).stream().map(Number::doubleValue).toList();
    }

    private long number(String script) {
        return ((Number) ((JavascriptExecutor) driver).executeScript(script)).longValue();
    }
}

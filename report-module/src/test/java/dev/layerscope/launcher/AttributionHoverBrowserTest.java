package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.report.html.HeadlessChromium;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer's hover box on a real run with the attribution stage: a small CNN on synthetic 8x8 images, barely
 * trained so that every class has hard negatives, its report opened in headless Chromium. Hovering a hard negative's
 * point shows a heatmap per method, named, whose values are the stage's maps.npy within the page's quantisation
 * (half a step of 1/127 of the map's largest absolute value); hovering a point the stage did not map shows none;
 * clicking the point, or the hard negative in the report's list, keeps its maps beside the selection.
 */
class AttributionHoverBrowserTest {

    private static final String EXPERIMENT = """
            pipeline = [synthetic, train, hardneg, attribution, capture, reduce, knn, report]
            synthetic { classes = 3, per-class = 40, rows = 8, cols = 8 }
            model {
              layers = [{ type = conv2d, filters = 3 }, { type = maxpool }, { type = dense, units = 8 },
                        { type = output }]
              epochs = 1
              batch-size = 16
              # barely trained, so that there are mistakes to mine
              updater.learning-rate = 0.0001
            }
            capture.epochs.images = 0
            reduce.methods = [pca]
            hardneg.per-class = 2
            attribution { steps = 20, correct-per-class = 1, sanity.images = 0 }
            """;

    @TempDir
    static Path folder;
    private static ChromeDriver driver;
    private static Path run;
    /** The stage's methods, in the maps' order. */
    private static List<String> methods;
    /** The mapped images: test index to row of maps.npy, and which are hard negatives. */
    private static Map<Integer, Integer> rowOf;
    private static List<Integer> hardNegatives;
    private static Npy.Floats maps;

    private WebDriverWait wait;

    @BeforeAll
    static void runThePipelineAndStartTheBrowser() throws IOException {
        driver = HeadlessChromium.start();
        Path file = folder.resolve("hover.conf");
        Files.writeString(file, "runs.dir = \"" + folder.resolve("runs") + "\"\n" + EXPERIMENT);
        Map<String, String> properties = new HashMap<>();
        properties.put(Launcher.EXPERIMENT_PROPERTY, file.toString());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = new Launcher(Main.STAGE_MODULES).run(properties, Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        assertEquals(Launcher.OK, exit, errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(folder.resolve("runs/hover"))) {
            run = runs.filter(dir -> Files.exists(dir.resolve("run.json"))).findFirst().orElseThrow();
        }
        Config results = ConfigFactory.parseFile(run.resolve("attribution/attribution.json").toFile());
        methods = results.getStringList("methods");
        rowOf = new HashMap<>();
        hardNegatives = new ArrayList<>();
        for (Config image : results.getConfigList("images")) {
            rowOf.put(image.getInt("test-index"), image.getInt("row"));
            if (image.getString("kind").equals("hard-negatives")) {
                hardNegatives.add(image.getInt("test-index"));
            }
        }
        maps = Npy.readFloats(run.resolve("attribution/maps.npy"));
        assertEquals(List.of("saliency", "integrated-gradients", "grad-cam"), methods, "a CNN gets every method");
        assertTrue(hardNegatives.size() >= 2, "a barely trained network has hard negatives: " + hardNegatives);
    }

    @AfterAll
    static void stopTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @BeforeEach
    void openTheReport() {
        wait = HeadlessChromium.openExplorer(driver, run.resolve("report/report.html"), Duration.ofSeconds(30));
    }

    @AfterEach
    void theConsoleHasNoErrors() {
        assertEquals(List.of(), HeadlessChromium.consoleErrors(driver), "the browser console has errors");
    }

    @Test
    void hoveringAHardNegativeShowsAHeatmapPerMethodDecodingToTheStoredMaps() throws IOException {
        int point = loneTestPoint(t -> hardNegatives.contains(t));
        int testIndex = testIndexOf(point);
        hover(point);
        List<WebElement> figures = driver.findElements(By.cssSelector("#ls-tip-maps figure"));
        assertEquals(methods.size(), figures.size(), "a heatmap per method");
        assertEquals(methods, figures.stream().map(f -> f.getAttribute("data-method")).toList());
        assertEquals(methods, driver.findElements(By.cssSelector("#ls-tip-maps .ls-map-name")).stream()
                .map(WebElement::getText).toList());
        assertEquals(methods.size(), driver.findElements(By.cssSelector("#ls-tip-maps canvas")).size());
        assertTrue(driver.findElement(By.id("ls-tip-maps")).getText().contains("hard negative"));
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/report-attribution-hover.png"),
                StandardCopyOption.REPLACE_EXISTING);

        int size = (int) (maps.shape()[2] * maps.shape()[3]);
        int row = rowOf.get(testIndex);
        for (int m = 0; m < methods.size(); m++) {
            @SuppressWarnings("unchecked")
            List<Number> decoded = (List<Number>) driver.executeScript("return window.layerscope.attribution("
                    + testIndex + ").maps[" + m + "].values;");
            assertEquals(size, decoded.size());
            int from = (row * methods.size() + m) * size;
            double largest = 0;
            int at = 0;
            for (int p = 0; p < size; p++) {
                if (Math.abs(maps.values()[from + p]) > largest) {
                    largest = Math.abs(maps.values()[from + p]);
                    at = p;
                }
            }
            double worst = 0;
            for (int p = 0; p < size; p++) {
                worst = Math.max(worst, Math.abs(decoded.get(p).doubleValue() - maps.values()[from + p]));
            }
            assertTrue(worst <= largest / 254 * 1.0001 + 1e-12, methods.get(m) + " of test image " + testIndex
                    + " decodes " + worst + " away from maps.npy, more than half a step (" + largest / 254 + ")");
            if (largest == 0) {
                // Grad-CAM clipped at zero everywhere: nothing to colour (the decoded zeros are checked above)
                assertEquals("grad-cam", methods.get(m), "a signed map of the trained network is all zero");
                continue;
            }
            // the drawn canvas: the map's largest pixel in full red where it raises the score, full blue where it
            // lowers it (Grad-CAM, at least 0, red over the image)
            @SuppressWarnings("unchecked")
            List<Number> rgb = (List<Number>) driver.executeScript("const c = document.querySelector("
                    + "\"#ls-tip-maps figure[data-method='" + methods.get(m) + "'] canvas\");"
                    + "const d = c.getContext('2d').getImageData(arguments[0] % c.width, "
                    + "Math.floor(arguments[0] / c.width), 1, 1).data; return [d[0], d[1], d[2]];", at);
            boolean positive = maps.values()[from + at] > 0;
            assertEquals(positive ? List.of(255L, 0L, 0L) : List.of(0L, 0L, 255L),
                    rgb.stream().map(Number::longValue).toList(), methods.get(m) + "'s largest pixel");
        }
    }

    @Test
    void hoveringAPointWithoutMapsShowsNone() {
        int mapped = loneTestPoint(t -> rowOf.containsKey(t));
        hover(mapped);
        assertEquals(methods.size(), driver.findElements(By.cssSelector("#ls-tip-maps canvas")).size());
        int unmapped = loneTestPoint(t -> !rowOf.containsKey(t));
        hover(unmapped);
        assertEquals(0, driver.findElements(By.cssSelector("#ls-tip-maps canvas")).size());
        assertFalse(driver.findElement(By.id("ls-tip-maps")).isDisplayed(), "an empty box is shown");
        assertNull(driver.executeScript("return window.layerscope.attribution(" + testIndexOf(unmapped)
                + ");"));
    }

    @Test
    void clickingAHardNegativeOrPickingItInTheReportKeepsItsMapsBesideTheSelection() {
        assertFalse(driver.findElement(By.id("ls-attribution")).isDisplayed());
        int point = loneTestPoint(t -> hardNegatives.contains(t));
        int testIndex = testIndexOf(point);
        hover(point);
        new Actions(driver).click().perform();
        wait.until(d -> number("return window.layerscope.selected().length") == 1);
        assertEquals(methods.size(), driver.findElements(By.cssSelector("#ls-attribution figure")).size());
        assertTrue(driver.findElement(By.id("ls-attribution")).getText()
                .contains("Test image #" + testIndex + ","));

        int other = hardNegatives.stream().filter(t -> t != testIndex).findFirst().orElseThrow();
        driver.findElement(By.cssSelector("img[data-test-index='" + other + "']")).click();
        wait.until(d -> d.findElement(By.id("ls-attribution")).getText().contains("Test image #" + other + ","));
        assertEquals(methods.size(), driver.findElements(By.cssSelector("#ls-attribution figure")).size());

        driver.findElement(By.id("ls-clear")).click();
        wait.until(d -> number("return window.layerscope.selected().length") == 0);
        assertEquals(0, driver.findElements(By.cssSelector("#ls-attribution figure")).size());
        assertFalse(driver.findElement(By.id("ls-attribution")).isDisplayed());
    }

    /**
     * Of the test points whose test index passes {@code wanted}, the one farthest on screen from every other point,
     * so the pointer finds it whatever the rounding of its position; at least three pixels from the next.
     */
    private int loneTestPoint(Predicate<Integer> wanted) {
        @SuppressWarnings("unchecked")
        List<List<Number>> points = (List<List<Number>>) driver.executeScript("const ls = window.layerscope;"
                + "const out = []; for (let i = 0; i < ls.pointsDrawn(); i++) { const at = ls.screenOf(i);"
                + " out.push([i, at[0], at[1], ls.testIndexOf(i)]); } return out;");
        int best = -1;
        double bestDistance = 0;
        for (List<Number> p : points) {
            int testIndex = p.get(3).intValue();
            if (testIndex < 0 || !wanted.test(testIndex)) {
                continue;
            }
            double nearest = Double.POSITIVE_INFINITY;
            for (List<Number> q : points) {
                if (q != p) {
                    nearest = Math.min(nearest, Math.hypot(p.get(1).doubleValue() - q.get(1).doubleValue(),
                            p.get(2).doubleValue() - q.get(2).doubleValue()));
                }
            }
            if (nearest > bestDistance) {
                bestDistance = nearest;
                best = p.get(0).intValue();
            }
        }
        assertTrue(best >= 0 && bestDistance > 3, "no wanted test point stands alone: " + bestDistance + " px");
        return best;
    }

    private int testIndexOf(int point) {
        return (int) number("return window.layerscope.testIndexOf(" + point + ");");
    }

    /** Moves the pointer onto the point and waits for its hover box. */
    private void hover(int point) {
        @SuppressWarnings("unchecked")
        List<Number> at = (List<Number>) driver.executeScript("const c = document.getElementById('ls-canvas');"
                + "c.scrollIntoView({block: 'center'}); const r = c.getBoundingClientRect();"
                + "const [x, y] = window.layerscope.screenOf(arguments[0]); return [r.left + x, r.top + y];", point);
        new Actions(driver).moveToLocation((int) Math.round(at.get(0).doubleValue()),
                (int) Math.round(at.get(1).doubleValue())).perform();
        wait.until(d -> number("return window.layerscope.hovered()") == point);
        wait.until(d -> d.findElement(By.id("ls-tooltip")).isDisplayed());
    }

    private long number(String script) {
        return ((Number) driver.executeScript(script)).longValue();
    }
}

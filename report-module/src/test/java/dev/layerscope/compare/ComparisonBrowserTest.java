package dev.layerscope.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.report.html.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The comparison report of the four small runs ({@link ComparedRuns}) in headless Chromium: every section is there
 * and shown, every image decodes, nothing is fetched from anywhere and the console stays clean. CI (.ci/run)
 * installs Chromium and sets {@code CI_REQUIRE_BROWSER}, so there a missing browser fails the test; elsewhere it
 * skips it.
 */
class ComparisonBrowserTest {

    private static final Path OUT = Path.of("target/compare-browser");
    private static final List<String> SECTIONS = List.of("settings", "metrics", "seeds", "curves", "right-wrong",
            "maps", "cka");

    @Test
    void everySectionRendersWithItsImagesAndNoConsoleError() throws IOException {
        ChromeDriver driver = HeadlessChromium.start();
        try {
            Path page = ComparisonReport.write(ComparedRuns.runs(), OUT);
            String html = Files.readString(page);
            assertFalse(html.contains("src=\"http") || html.contains("href=\"http") || html.contains("url(http"),
                    "the page is self-contained: it names nothing on a network");
            driver.get(page.toAbsolutePath().toUri().toString());
            for (String id : SECTIONS) {
                WebElement section = driver.findElement(By.id(id));
                assertTrue(section.isDisplayed(), id);
                assertFalse(section.findElement(By.cssSelector("h1, h2")).getText().isBlank(), id + " has a title");
            }
            List<WebElement> images = driver.findElements(By.tagName("img"));
            assertTrue(images.size() >= 10, "figures of every section: " + images.size());
            for (WebElement image : images) {
                Number width = (Number) driver.executeScript("return arguments[0].complete ? arguments[0]"
                        + ".naturalWidth : -1", image);
                assertTrue(width.intValue() > 0, "an image that did not decode: " + image.getAttribute("alt"));
            }
            assertTrue(driver.findElement(By.id("settings")).getText().contains("model.epochs"));
            assertTrue(driver.findElement(By.id("seeds")).getText().contains("model.epochs=2"));
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), OUT.resolve("screenshot.png"),
                    StandardCopyOption.REPLACE_EXISTING);
            assertEquals(List.of(), HeadlessChromium.consoleErrors(driver), "the browser console has errors");
        } finally {
            driver.quit();
        }
    }
}

package dev.layerscope.report.html;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium and chromedriver, headless, for the tests that open a report as a person would. CI (.ci/run)
 * installs them and sets {@code CI_REQUIRE_BROWSER}, so there a missing browser fails the test; elsewhere
 * the test is skipped with a message saying what to install.
 */
public final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** A new browser with a 1280 x 1500 window whose console is logged; or the test is skipped or failed. */
    public static ChromeDriver start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI_REQUIRE_BROWSER") != null) {
            assertTrue(present, "the browser test is required but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, () -> "no headless browser: " + CHROMIUM + " or " + CHROMEDRIVER
                + " is missing (apt-get install chromium chromium-driver); the browser test is skipped");
        ChromeOptions options = new ChromeOptions();
        // the system's Chromium and chromedriver, named explicitly so Selenium Manager downloads nothing
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1500", "--force-device-scale-factor=1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * Opens {@code page} and waits until its explorer has drawn its first frame.
     *
     * @return a wait of {@code timeout} for the test's further conditions
     */
    public static WebDriverWait openExplorer(ChromeDriver driver, Path page, Duration timeout) {
        driver.get(page.toAbsolutePath().toUri().toString());
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.until(d -> Boolean.TRUE.equals(driver.executeScript(
                "return !!(window.layerscope && window.layerscope.frames() > 0)")));
        return wait;
    }

    /** The console messages of level SEVERE since the last call. */
    public static List<String> consoleErrors(ChromeDriver driver) {
        List<String> severe = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(entry.getMessage());
            }
        }
        return severe;
    }
}

package dev.layerscope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.data.Npy;
import dev.layerscope.kernel.Hashes;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.report.figures.Pictures;
import dev.layerscope.report.html.HeadlessChromium;
import dev.layerscope.report.html.HtmlReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The shipped experiments in conf/, run through the launcher with every stage module LayerScope has. */
class ExperimentsTest {

    private static final Path CONF = Path.of("../conf");

    @TempDir
    Path runs;

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    static Stream<Path> experiments() throws IOException {
        try (Stream<Path> files = Files.list(CONF)) {
            return files.filter(f -> f.toString().endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("experiments")
    void everyShippedExperimentIsValid(Path experiment) throws IOException {
        // runs no stage: an empty data folder with downloads off makes load fail after validation passed
        int exit = launch(experiment, Map.of("data.dir", runs.resolve("no-data").toString(),
                "data.download.enabled", "false"));
        assertEquals(Launcher.STAGE_FAILED, exit, errors.toString(StandardCharsets.UTF_8));
        Config json = ConfigFactory.parseFile(onlyRunFolder().resolve("run.json").toFile());
        assertEquals("failed", json.getString("status"));
        assertTrue(json.getConfigList("stages").get(0).getString("error").contains("is not complete in"));
        assertEquals("load", json.getString("stopped.stage"));
        assertTrue(json.getString("stopped.reason").contains("is not complete in"),
                "run.json says why the run stopped");
    }

    @Test
    void theSmokeExperimentRunsEveryStageOnTheRealDataIntoARunFolder() throws IOException {
        Path data = realData();
        int exit = launch(CONF.resolve("smoke.conf"), Map.of("data.dir", data.toString()));
        assertEquals(Launcher.OK, exit, errors.toString(StandardCharsets.UTF_8));

        Path run = onlyRunFolder();
        for (String file : List.of("experiment.conf", "run.json", "log.txt", "load/dataset.json", "load/summary.txt",
                "train/model.zip", "train/history.csv", "train/predictions.npy", "train/evaluation.json",
                "train/trajectory.npy", "capture/input-train.npy", "capture/dense2-test.npy",
                "capture/train-outputs.npy",
                "reduce/embeddings.csv", "reduce/dense1-tsne.csv", "reduce/input-umap-test.npy",
                "reduce/dense2-trimap-train.npy", "reduce/projector/projector_config.pbtxt",
                "hardneg/hard_negatives.csv", "hardneg/confusion_counts.csv", "hardneg/per_class.csv",
                "attribution/maps.npy", "attribution/maps.csv", "attribution/sanity.csv",
                "knn/knn.csv", "knn/knn_per_class.csv", "knn/quality.csv", "probe/probes.csv", "cka/cka.csv", "cka/subset.npy",
                "intrinsic/intrinsic_dimension.csv", "collapse/collapse.csv", "collapse/last_layer_W.npy",
                "validation-grid/predictions.csv", "report/figures/validation-epoch-3.png",
                "report/report.md", "report/report.html",
                "report/figures/training-loss.png", "report/figures/confusion.png",
                "report/figures/embeddings-umap.png", "report/figures/bottleneck.gif",
                "report/figures/first-layer-weights.png")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file + " is missing from " + run);
        }
        Config json = ConfigFactory.parseFile(run.resolve("run.json").toFile());
        assertEquals("succeeded", json.getString("status"));
        List<? extends Config> stages = json.getConfigList("stages");
        assertEquals(List.of("load", "train", "hardneg", "attribution", "capture", "reduce", "knn", "probe", "cka",
                "intrinsic", "collapse", "validation-grid", "report"),
                stages.stream().map(s -> s.getString("name")).toList(), "the stages of the pipeline ran in order");
        // 100 per class, of which round(100 / 6) = 17 are held out for validation
        assertEquals(830, stages.get(0).getInt("metrics.train"));
        assertEquals(170, stages.get(0).getInt("metrics.validation"));
        assertEquals(1000, stages.get(0).getInt("metrics.test"));
        assertTrue(Files.readString(run.resolve("load/summary.txt")).contains("Ankle boot"));
        assertEquals(3, stages.get(1).getConfigList("metrics.history").size());
        assertTrue(stages.get(1).getDouble("metrics.test-accuracy") > 0.5,
                "three epochs on 830 images already beat chance (0.1) by far");
        assertEquals(1000, stages.get(2).getInt("metrics.test-images"));
        assertEquals(stages.get(1).getDouble("metrics.test-accuracy"), stages.get(2).getDouble("metrics.accuracy"),
                1e-9, "hardneg ranks the train stage's own predictions");
        assertEquals(12, stages.get(5).getConfigList("metrics.embeddings").size(),
                "three inputs (input, dense1, dense2) by four methods");
        // per input: the high-dimensional reference and its four maps, each for k = 3, 5 and 10
        assertEquals(3 * 5 * 3, Files.readAllLines(run.resolve("knn/knn.csv")).size() - 1);
        // per layer: a validation line for each of the three strengths, then the chosen one on train and test; then
        // per recorded (hidden) layer a line for each of epochs 0 to 3
        assertEquals(3 * (3 + 2) + 2 * 4, Files.readAllLines(run.resolve("probe/probes.csv")).size() - 1);
        String markdown = Files.readString(run.resolve("report/report.md"));
        for (String section : List.of("## Training", "## Confusion", "## Embeddings", "## Layers",
                "## Information bottleneck", "## Hard negatives", "## Weights", "## Where this ran")) {
            assertTrue(markdown.contains(section), section + " is missing from report.md");
        }
        // the Layers section: a row per captured layer with its intrinsic dimension, the CKA heatmap, the collapse
        String layers = markdown.substring(markdown.indexOf("## Layers"), markdown.indexOf("## Information"));
        for (String part : List.of("| `input` | 784 |", "| `dense1` | 256 |", "| `dense2` | 64 |",
                "The intrinsic dimension (TwoNN)", "A linear probe reads the class",
                "![linear CKA (linear-biased) on 1,000 test images](figures/cka.png)",
                "| `dense2` | 3 |")) {
            assertTrue(layers.contains(part), part + " is missing from the Layers section:\n" + layers);
        }
        // per epoch, on the 1,000 recorded test images: how each hidden layer settles and NC1 from epoch 0 to 3, in
        // words and as curves
        assertTrue(layers.matches("(?s).*The layers (do not )?settle bottom-up, .* each layer's CKA with its own "
                + "final state reaches 0\\.9 in `dense1` (at epoch [0-2]|not before the end), in `dense2` .*"), layers);
        assertTrue(layers.matches("(?s).*NC1 of `dense2` \\(on the per-epoch record's test images\\) (falls|rises) "
                + "from [0-9.e+-]+ after epoch 0 to [0-9.e+-]+ "
                + "after epoch 3.*"), layers);
        assertTrue(layers.matches("(?s).*Over training the intrinsic dimension moves in `dense1` from [0-9.]+ after "
                + "epoch 0 to [0-9.]+ after epoch 3.*; in `dense2` .*"), layers);
        for (String figure : List.of("layers-cka-by-epoch", "layers-probe-by-epoch", "layers-id-by-epoch",
                "layers-nc1-by-epoch")) {
            assertTrue(layers.contains("(figures/" + figure + ".png)"), figure + " is missing:\n" + layers);
        }
        Map<String, Config> byName = stages.stream().collect(Collectors.toMap(s -> s.getString("name"), s -> s));
        Config cka = byName.get("cka");
        assertEquals(List.of(3, 3), List.of(cka.getList("metrics.settling.dense1").size(),
                cka.getList("metrics.settling.dense2").size()), "epochs 0, 1 and 2 against epoch 3");
        assertEquals(4, byName.get("intrinsic").getList("metrics.by-epoch.dense1").size(), "epochs 0 to 3");
        assertEquals(4, byName.get("collapse").getList("metrics.nc1-by-epoch").size(), "epochs 0 to 3");
        List<Double> probes = byName.get("probe").getDoubleList("metrics.by-epoch.dense2");
        assertEquals(4, probes.size(), "epochs 0 to 3");
        assertTrue(probes.getLast() > 0.5, "after 3 epochs a probe of dense2 on 500 images beats chance: " + probes);
        assertTrue(Files.readString(run.resolve("log.txt")).contains(run.resolve("report/report.html").toString()),
                "the end of the run names the reports");
        everyFigureShowsSomething(run.resolve("report/figures"), 3);
        openTheReportAsAPersonWould(run.resolve("report/report.html"), 830, 1000);
    }

    /** Every PNG of the report decodes and is not blank; the bottleneck GIF has a frame per epoch and epoch 0. */
    private static void everyFigureShowsSomething(Path figures, int epochs) throws IOException {
        List<Path> pngs;
        try (Stream<Path> files = Files.walk(figures)) {
            pngs = files.filter(file -> file.toString().endsWith(".png")).toList();
        }
        assertTrue(pngs.size() >= 12, "figures: " + pngs);
        for (Path png : pngs) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " does not decode");
            Pictures.assertNotBlank(image, png.toString());
        }
        BufferedImage curves = ImageIO.read(figures.resolve("training-loss.png").toFile());
        assertEquals(List.of(900, 600), List.of(curves.getWidth(), curves.getHeight()));
        try (ImageInputStream in = ImageIO.createImageInputStream(figures.resolve("bottleneck.gif").toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(epochs + 1, reader.getNumImages(true), "a frame before training and after every epoch");
            Pictures.assertNotBlank(reader.read(epochs), "the last frame of the bottleneck GIF");
        }
    }

    /**
     * Opens a report in headless Chromium: no console errors, the explorer draws every training and test point and
     * says how many, and hovering a point shows its thumbnail and classes. Leaves a screenshot in
     * target/report-smoke.png.
     */
    private static void openTheReportAsAPersonWould(Path html, int trainPoints, int testPoints) throws IOException {
        ChromeDriver driver = HeadlessChromium.start();
        try {
            WebDriverWait wait = HeadlessChromium.openExplorer(driver, html, Duration.ofSeconds(30));
            assertEquals(trainPoints + testPoints, ((Number) driver.executeScript(
                    "return window.layerscope.pointsDrawn()")).intValue());
            assertEquals(String.format(Locale.ROOT, "%,d points: %,d train, %,d test", trainPoints + testPoints,
                    trainPoints, testPoints), driver.findElement(By.id("ls-count")).getText());
            @SuppressWarnings("unchecked")
            List<Number> at = (List<Number>) driver.executeScript("const c = document.getElementById('ls-canvas');"
                    + "c.scrollIntoView({block: 'center'}); const r = c.getBoundingClientRect();"
                    + "const p = window.layerscope.screenOf(0); return [r.left + p[0], r.top + p[1]];");
            new Actions(driver).moveToLocation(at.get(0).intValue(), at.get(1).intValue()).perform();
            WebElement tooltip = driver.findElement(By.id("ls-tooltip"));
            wait.until(d -> tooltip.isDisplayed());
            assertTrue(((Number) driver.executeScript("return window.layerscope.hovered()")).intValue() >= 0);
            assertTrue(driver.findElement(By.id("ls-thumb")).isDisplayed(), "the hovered point shows its image");
            assertTrue(!driver.findElement(By.id("ls-tip-true")).getText().isBlank()
                    && !driver.findElement(By.id("ls-tip-predicted")).getText().isBlank());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/report-smoke.png"),
                    StandardCopyOption.REPLACE_EXISTING);
            assertEquals(List.of(), HeadlessChromium.consoleErrors(driver), "the browser console has errors");
        } finally {
            driver.quit();
        }
    }

    /**
     * The default experiment on synthetic images, run twice: the second run reuses every stored stage and computes
     * the same hard negatives, the same figures and the same report.md but for the run's name and where it ran
     * (docs/reproducibility.md); the report says where the run ran, as run.json records it; the explorer of both has
     * the network's output of every training point (capture.outputs, on by default), the second's restored.
     */
    @Test
    void aRunAgainWritesTheSameReportAndTheReportSaysWhereItRan() throws IOException {
        Map<String, String> synthetic = Map.of("pipeline",
                "[synthetic, train, hardneg, attribution, capture, reduce, knn, collapse, report]",
                "synthetic.classes", "10", "synthetic.per-class", "30", "synthetic.rows", "28", "synthetic.cols", "28",
                "model.epochs", "2", "reduce.tsne.perplexity", "10", "capture.epochs.images", "20");
        assertEquals(Launcher.OK, launch(CONF.resolve("fashion-mlp.conf"), synthetic),
                errors.toString(StandardCharsets.UTF_8));
        assertEquals(Launcher.OK, launch(CONF.resolve("fashion-mlp.conf"), synthetic),
                errors.toString(StandardCharsets.UTF_8));
        List<Path> twoRuns = runFolders();
        Path first = twoRuns.get(0);
        Path second = twoRuns.get(1);
        Config json = ConfigFactory.parseFile(second.resolve("run.json").toFile());
        assertEquals(List.of("succeeded", "reused", "succeeded", "reused", "reused", "reused", "reused", "reused",
                "succeeded"),
                json.getConfigList("stages").stream().map(s -> s.getString("status")).toList());
        for (String folder : List.of("hardneg", "report/figures")) {
            assertEquals(contents(first.resolve(folder)), contents(second.resolve(folder)), folder);
        }
        String markdown = Files.readString(second.resolve("report/report.md"));
        assertEquals(results(Files.readString(first.resolve("report/report.md")), first),
                results(markdown, second));

        Config environment = json.getConfig("environment");
        String html = Files.readString(second.resolve("report/report.html"));
        assertTrue(markdown.contains("## Where this ran") && html.contains("Where this ran"));
        assertTrue(markdown.contains("## Attribution") && markdown.contains("figures/attribution/")
                && markdown.contains("Sanity check (Adebayo et al. 2018)"), "the attribution section is missing");
        for (String fact : List.of("layerscope.commit", "java.version", "os.arch", "cpu.model", "nd4j.backend",
                "nd4j.onednn", "smile.blas", "libraries.nd4j-api")) {
            String row = "| " + fact + " | " + environment.getAnyRef(fact) + " |";
            assertTrue(markdown.contains(row), row + " is not in report.md");
            assertTrue(html.contains(HtmlReport.escapeHtml(String.valueOf(environment.getAnyRef(fact)))),
                    fact + " is not in report.html");
        }
        // the training points' probabilities in the page: the capture's output of the training split, computed in
        // the first run and restored from the store in the second (240 training images: of 10 classes of 30, the first
        // fifth is held out for validation)
        for (Path run : twoRuns) {
            float[] outputs = Npy.readFloats(run.resolve("capture/train-outputs.npy")).values();
            int[] quantised = trainProbabilities(Files.readString(run.resolve("report/report.html")));
            assertEquals(240 * 10, quantised.length, run + ": ten probabilities for every training point");
            for (int i = 0; i < outputs.length; i++) {
                assertEquals(Math.round(Math.min(1.0, outputs[i]) * 65535.0), quantised[i], run + ": value " + i);
            }
        }
        // last, as it is skipped without a browser
        theTrainingPointsShowTheNetworksOutput(second.resolve("report/report.html"));
    }

    /** The page's training probabilities, in 16-bit steps of 1/65535 (see HtmlReport.json). */
    private static int[] trainProbabilities(String html) {
        Matcher encoded = Pattern.compile("\"trainProbabilities\":\"([^\"]*)\"").matcher(html);
        assertTrue(encoded.find(), "the page has no trainProbabilities");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.group(1)))
                .order(ByteOrder.LITTLE_ENDIAN);
        int[] steps = new int[bytes.remaining() / 2];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = Short.toUnsignedInt(bytes.getShort());
        }
        return steps;
    }

    /**
     * A report whose training points have the network's output, in headless Chromium: coloured correct / wrong and
     * showing the training points alone, the map has green and red points and none of the grey of a point without
     * output, and a training point's tooltip has its predicted class and its top three probabilities.
     */
    private static void theTrainingPointsShowTheNetworksOutput(Path html) {
        ChromeDriver driver = HeadlessChromium.start();
        try {
            WebDriverWait wait = HeadlessChromium.openExplorer(driver, html, Duration.ofSeconds(30));
            new Select(driver.findElement(By.id("ls-split"))).selectByValue("train");
            long frames = ((Number) driver.executeScript("return window.layerscope.frames()")).longValue();
            new Select(driver.findElement(By.id("ls-colour"))).selectByValue("correct");
            wait.until(d -> ((Number) driver.executeScript("return window.layerscope.frames()")).longValue() > frames);
            long trainPoints = ((Number) driver.executeScript("return window.layerscope.counts().train")).longValue();
            assertEquals(240, trainPoints);
            assertEquals(0, ((Number) driver.executeScript("return window.layerscope.counts().test")).longValue());
            assertEquals("", driver.findElement(By.id("ls-scale-note")).getText(), "no note of grey training points");
            // each drawn pixel by the nearest of the three colours: correct, wrong, no output (alpha blends a little)
            @SuppressWarnings("unchecked")
            List<Number> counts = (List<Number>) driver.executeScript("const c = document.getElementById('ls-canvas');"
                    + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "const colours = [[0x1a, 0x7f, 0x37], [0xcf, 0x22, 0x2e], [0xc8, 0xcc, 0xd1]];"
                    + "const counts = [0, 0, 0];"
                    + "for (let p = 0; p < d.length; p += 4) { if (d[p + 3] === 0) continue;"
                    + "  let best = 0, far = Infinity;"
                    + "  colours.forEach((k, j) => { const e = Math.abs(d[p] - k[0]) + Math.abs(d[p + 1] - k[1])"
                    + "    + Math.abs(d[p + 2] - k[2]); if (e < far) { far = e; best = j; } });"
                    + "  counts[best]++; }"
                    + "return counts;");
            assertTrue(counts.get(0).longValue() + counts.get(1).longValue() > 0, "no point drawn: " + counts);
            assertEquals(0, counts.get(2).longValue(), "grey training points: " + counts);

            @SuppressWarnings("unchecked")
            List<Number> at = (List<Number>) driver.executeScript("const c = document.getElementById('ls-canvas');"
                    + "c.scrollIntoView({block: 'center'}); const r = c.getBoundingClientRect();"
                    + "const p = window.layerscope.screenOf(0); return [r.left + p[0], r.top + p[1]];");
            new Actions(driver).moveToLocation(at.get(0).intValue(), at.get(1).intValue()).perform();
            wait.until(d -> d.findElement(By.id("ls-tooltip")).isDisplayed());
            long hovered = ((Number) driver.executeScript("return window.layerscope.hovered()")).longValue();
            assertTrue(hovered >= 0 && hovered < trainPoints, "a training point is hovered: " + hovered);
            assertTrue(driver.findElement(By.id("ls-tip-index")).getText().startsWith("training image #"));
            String predicted = driver.findElement(By.id("ls-tip-predicted")).getText();
            assertTrue(predicted.startsWith("Predicted: ") && !predicted.contains("kept no output"), predicted);
            String top = driver.findElement(By.id("ls-tip-top")).getText();
            assertTrue(top.matches("[^,]+ [01]\\.\\d{3}, [^,]+ [01]\\.\\d{3}, [^,]+ [01]\\.\\d{3}"),
                    "three probabilities: " + top);
            assertEquals(List.of(), HeadlessChromium.consoleErrors(driver), "the browser console has errors");
        } finally {
            driver.quit();
        }
    }

    /**
     * A report.md without what tells one run from another: its folder's name, and where it ran (in a test's JVM
     * the thread counts differ between its first run and the next, as a run's own JVM starts with them set).
     */
    private static String results(String markdown, Path run) {
        return markdown.substring(0, markdown.indexOf("## Where this ran")).replace(run.getFileName().toString(), "RUN");
    }

    /** Every file under {@code folder}, by relative path, as its SHA-256. */
    private static Map<String, String> contents(Path folder) throws IOException {
        Map<String, String> contents = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                contents.put(folder.relativize(file).toString(), Hashes.sha256(file));
            }
        }
        assertFalse(contents.isEmpty(), folder + " is empty");
        return contents;
    }

    @Test
    void aMissingExperimentFilePrintsUsage() {
        int exit = launch(Path.of("conf/no-such-experiment.conf"), Map.of());
        String output = errors.toString(StandardCharsets.UTF_8);
        assertEquals(Launcher.INVALID_EXPERIMENT, exit);
        assertTrue(output.contains("No experiment file at conf/no-such-experiment.conf")
                && output.contains("Usage: ./mvnw -q compile exec:java"), output);
    }

    @Test
    void aBadOverrideStopsBeforeAnyStageRuns() {
        int exit = launch(CONF.resolve("smoke.conf"), Map.of("data.validation-fraction", "1.5",
                "data.limit-per-clas", "3"));
        String output = errors.toString(StandardCharsets.UTF_8);
        assertEquals(Launcher.INVALID_EXPERIMENT, exit, output);
        assertTrue(output.contains("-Ddata.validation-fraction: data.validation-fraction: 1.5 is out of range")
                && output.contains("data.limit-per-clas: is not a known key; did you mean `limit-per-class`?"),
                output);
        assertTrue(Files.notExists(runs.resolve("smoke")));
    }

    /** The one run folder under runs/, whatever the experiment's name. */
    private Path onlyRunFolder() throws IOException {
        List<Path> found = runFolders();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    /** The run folders under runs/, oldest first. */
    private List<Path> runFolders() throws IOException {
        try (Stream<Path> runFolders = Files.walk(runs, 2)) {
            // runs/<experiment>/<run>, not the stored stage folders in runs/.store/<stage>/<fingerprint>
            return runFolders.filter(p -> runs.relativize(p).getNameCount() == 2
                    && !runs.relativize(p).startsWith(".store")).sorted().toList();
        }
    }

    private int launch(Path experiment, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, experiment.toString());
        properties.put("runs.dir", runs.toString());
        return new Launcher(Main.STAGE_MODULES).run(properties, Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    /** The real Fashion-MNIST files, or the test is skipped (failed where CI_REQUIRE_REAL_DATA is set). */
    static Path realData() {
        String fromEnv = System.getenv("LAYERSCOPE_DATA_DIR");
        Path dir = fromEnv != null ? Path.of(fromEnv) : Path.of("../../shared/data/fashion-mnist");
        if (System.getenv("CI_REQUIRE_REAL_DATA") != null) {
            assertTrue(Files.isDirectory(dir), "the real data set is required but " + dir + " does not exist");
        }
        assumeTrue(Files.isDirectory(dir), "no real data at " + dir.toAbsolutePath());
        return dir;
    }
}

package dev.layerscope.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.layerscope.data.Idx;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A measurement, not a unit test: the explorer of a finished run rebuilt from its folder (every map's training and test
 * points from reduce/, the test predictions from train/, the training points' from capture/ when it recorded them, the
 * images from the data folder, the run's own static body from its report.html), its size printed by part, then
 * opened in headless Chromium for its load and frame times.
 * Skipped unless {@code -Dexplorer.run=<run folder>} (and {@code -Dexplorer.data=<data folder>}, default the shared
 * Fashion-MNIST) are given; {@code -Dexplorer.own-page=true} opens the run's own report.html rather than the rebuilt
 * page; see docs/performance.md.
 */
class ExplorerOfARunMeasured {

    @Test
    void measureTheExplorerOfARun() throws IOException {
        String runProperty = System.getProperty("explorer.run");
        assumeTrue(runProperty != null, "no -Dexplorer.run=<run folder>: nothing to measure");
        Path run = Path.of(runProperty);
        Path data = Path.of(System.getProperty("explorer.data", "../../shared/data/fashion-mnist"));
        ImageSet trainImages = images(data, "train");
        ImageSet testImages = images(data, "t10k");

        List<Path> csvs;
        try (Stream<Path> files = Files.list(run.resolve("reduce"))) {
            csvs = files.filter(f -> f.getFileName().toString().endsWith(".csv")
                    && !f.getFileName().toString().equals("embeddings.csv")).sorted().toList();
        }
        int[] labels = null;
        int[] sourceIndex = null;
        int trainCount = 0;
        List<ExplorerData.ExplorerMap> maps = new ArrayList<>();
        for (Path csv : csvs) {
            List<String> lines = Files.readAllLines(csv);
            int n = lines.size() - 1;
            float[] xy = new float[2 * n];
            int[] mapLabels = new int[n];
            int[] mapIndex = new int[n];
            int mapTrain = 0;
            for (int i = 0; i < n; i++) {
                String[] f = lines.get(i + 1).split(",");
                xy[2 * i] = Float.parseFloat(f[0]);
                xy[2 * i + 1] = Float.parseFloat(f[1]);
                mapLabels[i] = Integer.parseInt(f[2]);
                mapIndex[i] = Integer.parseInt(f[4]);
                if (f[3].equals("train")) {
                    assertEquals(mapTrain, i, "the training rows come first");
                    mapTrain++;
                }
            }
            if (labels == null) {
                labels = mapLabels;
                sourceIndex = mapIndex;
                trainCount = mapTrain;
            }
            String name = csv.getFileName().toString().replace(".csv", "");
            int dash = name.lastIndexOf('-');
            maps.add(new ExplorerData.ExplorerMap(name.substring(0, dash), name.substring(dash + 1), xy, null));
        }
        int testCount = labels.length - trainCount;
        float[] predictions = Npy.readFloats(run.resolve("train/predictions.npy")).values();
        int[] testIndex = Npy.readInts(run.resolve("train/test_index.npy")).values();
        int classes = predictions.length / testIndex.length;
        Map<Integer, Integer> rowOf = new HashMap<>();
        for (int row = 0; row < testIndex.length; row++) {
            rowOf.put(testIndex[row], row);
        }
        float[] probabilities = new float[testCount * classes];
        for (int j = 0; j < testCount; j++) {
            System.arraycopy(predictions, rowOf.get(sourceIndex[trainCount + j]) * classes, probabilities,
                    j * classes, classes);
        }
        // the training points' output, when the run's capture recorded it (capture.outputs)
        float[] trainProbabilities = new float[0];
        Path trainOutputs = run.resolve("capture/train-outputs.npy");
        if (Files.exists(trainOutputs)) {
            float[] outputs = Npy.readFloats(trainOutputs).values();
            int[] captured = Npy.readInts(run.resolve("capture/train-index.npy")).values();
            Map<Integer, Integer> capturedRow = new HashMap<>();
            for (int row = 0; row < captured.length; row++) {
                capturedRow.put(captured[row], row);
            }
            trainProbabilities = new float[trainCount * classes];
            for (int i = 0; i < trainCount; i++) {
                System.arraycopy(outputs, capturedRow.get(sourceIndex[i]) * classes, trainProbabilities,
                        i * classes, classes);
            }
        }
        Thumbnails thumbnails = Thumbnails.halved(
                new Thumbnails.Source(trainImages, java.util.Arrays.copyOfRange(sourceIndex, 0, trainCount)),
                new Thumbnails.Source(testImages, java.util.Arrays.copyOfRange(sourceIndex, trainCount,
                        labels.length)));
        List<String> classNames = com.typesafe.config.ConfigFactory.parseFile(run.resolve("load/dataset.json")
                .toFile()).getStringList("class-names");
        ExplorerData explorer = new ExplorerData(classNames, trainCount, labels, sourceIndex, probabilities,
                trainProbabilities, thumbnails, maps, ExplorerAttribution.NONE);

        String old = Files.readString(run.resolve("report/report.html"));
        String body = old.substring(old.indexOf("<main>") + "<main>".length(), old.indexOf("<section id=\"explorer\""));
        String page = HtmlReport.page("LayerScope: measured", body,
                explorer, List.of(new RunSummary("this run", List.of(), List.of())));
        // -Dexplorer.own-page=true opens the run's own report.html instead (a run made by this code, which carries
        // what the rebuilt page leaves out: the attribution maps of the hover); the sizes printed are still the parts'
        Path out = Boolean.getBoolean("explorer.own-page") ? run.resolve("report/report.html")
                : Path.of("target/explorer-of-a-run.html");
        if (!Boolean.getBoolean("explorer.own-page")) {
            Files.writeString(out, page);
        }
        String json = HtmlReport.json(explorer, List.of(new RunSummary("this run", List.of(), List.of())));
        System.out.printf(Locale.ROOT, "%,d points (%,d train, %,d test), %d maps: report.html %,d bytes (before: %,d);"
                        + " static body %,d, explorer data %,d of which thumbnails %,d, coordinates %,d and the"
                        + " training points' probabilities %,d%n",
                labels.length, trainCount, testCount, maps.size(), Files.size(out), old.length(), body.length(),
                json.length(), 4 * ((thumbnails.packed().length + 2) / 3),
                maps.size() * 4L * ((4L * labels.length + 2) / 3), 4L * ((2L * trainProbabilities.length + 2) / 3));

        ChromeDriver driver = HeadlessChromium.start();
        try {
            for (int load = 0; load < 3; load++) {
                long start = System.nanoTime();
                HeadlessChromium.openExplorer(driver, out, Duration.ofSeconds(60));
                double wall = (System.nanoTime() - start) / 1e6;
                System.out.printf(Locale.ROOT, "load %d: first frame %.0f ms after navigation start (explorer setup"
                                + " %.0f ms); %.0f ms from driver.get to the first frame seen%n", load + 1,
                        ((Number) driver.executeScript("return window.layerscope.loadMs()")).doubleValue(),
                        ((Number) driver.executeScript("return window.layerscope.setupMs()")).doubleValue(), wall);
            }
            @SuppressWarnings("unchecked")
            List<Number> frames = (List<Number>) driver.executeScript(
                    "return window.layerscope.benchmarkDraw(40);");
            List<Double> sorted = frames.stream().map(Number::doubleValue).sorted().toList();
            System.out.printf(Locale.ROOT, "pan/zoom redraw of %,d points (script + raster): median %.1f ms, 90th"
                            + " percentile %.1f ms, max %.1f ms%n", labels.length, sorted.get(sorted.size() / 2),
                    sorted.get(sorted.size() * 9 / 10), sorted.getLast());
            // the most confused pair's cell selected, for docs/: the explorer as a reader sees it
            driver.executeScript("const s = document.getElementById('ls-map'); for (const o of s.options)"
                    + " if (o.text.startsWith('dense2') && o.text.endsWith('umap')) { s.value = o.value;"
                    + " s.dispatchEvent(new Event('change')); }");
            driver.executeScript("let best = null; document.querySelectorAll('#ls-confusion td').forEach(td => {"
                    + " if (td.dataset.true !== td.dataset.predicted && (!best || +td.textContent > +best.textContent))"
                    + " best = td; }); best.click();"
                    + " document.getElementById('explorer').scrollIntoView({block: 'start'});");
            Thread.sleep(500);
            java.nio.file.Files.copy(driver.getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath(),
                    Path.of("target/explorer-of-a-run-confusion.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            driver.quit();
        }
    }

    private static ImageSet images(Path data, String prefix) throws IOException {
        Idx.Images images = Idx.readImages(data.resolve(prefix + "-images-idx3-ubyte.gz"));
        return new ImageSet(images.rows(), images.cols(), images.pixels(),
                Idx.readLabels(data.resolve(prefix + "-labels-idx1-ubyte.gz")));
    }
}

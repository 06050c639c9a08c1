package dev.layerscope.hardneg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.capture.CaptureModule;
import dev.layerscope.cka.CkaModule;
import dev.layerscope.collapse.CollapseModule;
import dev.layerscope.intrinsic.IntrinsicModule;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.knn.KnnModule;
import dev.layerscope.load.LoadModule;
import dev.layerscope.probe.ProbeModule;
import dev.layerscope.reduce.ReduceModule;
import dev.layerscope.synthetic.SyntheticModule;
import dev.layerscope.train.TrainModule;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hardneg stage in real pipelines: after planted predictions with known answers, after a real (tiny) train
 * stage, and with inputs it must refuse. Three classes of 5x7 images, four per class in the test split, which
 * holds test indices 0-2, 6-8, 12-14 and 18-20 of the test file as rows 0 to 11; row j is labelled j mod 3.
 */
class HardNegativeStageTest {

    private static final String EXPERIMENT = """
            pipeline = [dev.layerscope.hardneg.PatternDataStage, dev.layerscope.hardneg.PlantedPredictionsStage,
                        hardneg]
            pattern { class-names = ["T-shirt/top", "Ankle boot", Bag], rows = 5, cols = 7, per-class = 4 }
            planted.fault = none
            hardneg { per-class = 10, image-scale = 3 }
            """;
    private static final String HEADER =
            "kind,true_class,rank,test_index,predicted_class,confidence,true_class_probability,image";

    @TempDir
    Path dir;

    /**
     * Rows 0, 1 and 2 (test indices 0, 1 and 2) are the first of classes 0, 1 and 2 and so planted as the next
     * class with probability 0.9; every other image is predicted right with confidence 0.5 + 0.4 row / 12.
     */
    @Test
    void writesTheRankingsTheirImagesAndTheConfusion() throws IOException {
        Path run = run(EXPERIMENT, Map.of());
        Path out = run.resolve("hardneg");
        List<String> csv = Files.readAllLines(out.resolve("hard_negatives.csv"));
        assertEquals(HEADER, csv.get(0));
        assertEquals(List.of(
                "hard-negatives,T-shirt/top,1,0,Ankle boot,0.900000,0.050000,"
                        + "hard-negatives/T-shirt-top/01-test0-as-Ankle-boot-0.900.png",
                "hard-negatives,Ankle boot,1,1,Bag,0.900000,0.050000,"
                        + "hard-negatives/Ankle-boot/01-test1-as-Bag-0.900.png",
                "hard-negatives,Bag,1,2,T-shirt/top,0.900000,0.050000,"
                        + "hard-negatives/Bag/01-test2-as-T-shirt-top-0.900.png"),
                csv.stream().filter(line -> line.startsWith("hard-negatives,")).toList());
        // rows 3, 6, 9 of class 0 are test indices 6, 12, 18; fewer correct images than per-class
        assertEquals(List.of("18", "12", "6"), testIndices(csv, "most-confident-correct", "T-shirt/top"));
        assertEquals(List.of("19", "13", "7"), testIndices(csv, "most-confident-correct", "Ankle boot"));
        assertEquals(List.of("8", "14", "20", "2"), testIndices(csv, "least-confident", "Bag"));
        assertEquals(1 + 3 * (1 + 3 + 4), csv.size());
        assertTrue(csv.contains("least-confident,T-shirt/top,4,0,Ankle boot,0.900000,0.050000,"
                + "least-confident/T-shirt-top/04-test0-as-Ankle-boot-0.900.png"),
                "the planted image is the most confident of its class, so the last of the least confident");

        for (String line : csv.subList(1, csv.size())) {
            String[] fields = line.split(",");
            BufferedImage png = ImageIO.read(out.resolve(fields[7]).toFile());
            assertEquals(7 * 3, png.getWidth(), fields[7]);
            assertEquals(5 * 3, png.getHeight(), fields[7]);
            int index = Integer.parseInt(fields[3]);
            for (int y = 0; y < png.getHeight(); y++) {
                for (int x = 0; x < png.getWidth(); x++) {
                    assertEquals(PatternDataStage.pixel(index, y / 3, x / 3), png.getRaster().getSample(x, y, 0),
                            fields[7] + " at " + x + "," + y);
                }
            }
        }
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(csv.size() - 1, files.filter(f -> f.toString().endsWith(".png")).count(),
                    "one PNG per line");
        }

        assertEquals(List.of("true\\predicted,T-shirt/top,Ankle boot,Bag", "T-shirt/top,3,1,0", "Ankle boot,0,3,1",
                "Bag,1,0,3"), Files.readAllLines(out.resolve("confusion_counts.csv")));
        assertEquals("T-shirt/top,0.750000,0.250000,0.000000",
                Files.readAllLines(out.resolve("confusion_normalised.csv")).get(1));
        assertEquals(List.of("class,images,correct,predicted,precision,recall,f1",
                "T-shirt/top,4,3,4,0.750000,0.750000,0.750000", "Ankle boot,4,3,4,0.750000,0.750000,0.750000",
                "Bag,4,3,4,0.750000,0.750000,0.750000"), Files.readAllLines(out.resolve("per_class.csv")));
        assertEquals(List.of("true_class,predicted_class,count,share", "T-shirt/top,Ankle boot,1,0.250000",
                "Ankle boot,Bag,1,0.250000", "Bag,T-shirt/top,1,0.250000"),
                Files.readAllLines(out.resolve("confused_pairs.csv")));

        Config metrics = stageJson(run, "hardneg").getConfig("metrics");
        assertEquals(12, metrics.getInt("test-images"));
        assertEquals(0.75, metrics.getDouble("accuracy"));
        assertEquals(3, metrics.getInt("misclassified"));
        assertEquals(0.75, metrics.getDouble("macro-f1"), 1e-12);
        assertEquals(csv.size() - 1, metrics.getInt("ranked-images"));
        Config first = metrics.getConfigList("most-confused").get(0);
        assertEquals(List.of("T-shirt/top", "Ankle boot", "1", "0.25"), List.of(first.getString("true"),
                first.getString("predicted"), first.getString("count"), first.getString("share")));
    }

    /** A real train stage's predictions: the same confusion as the train stage's own, and an image per line. */
    @Test
    void afterATrainStageItAgreesWithTheTrainStagesEvaluation() throws IOException {
        String experiment = """
                pipeline = [dev.layerscope.hardneg.PatternDataStage, train, hardneg]
                pattern { class-names = [a, b, c, d], rows = 6, cols = 6, per-class = 10 }
                model {
                  layers = [{ type = dense, units = 8 }, { type = output }]
                  epochs = 2
                  batch-size = 16
                  bottleneck.per-class = 2
                }
                hardneg { per-class = 3, image-scale = 2 }
                """;
        Path run = run(experiment, Map.of());
        assertEquals(Files.readAllLines(run.resolve("train/confusion.csv")),
                Files.readAllLines(run.resolve("hardneg/confusion_counts.csv")));
        Config metrics = stageJson(run, "hardneg").getConfig("metrics");
        assertEquals(stageJson(run, "train").getDouble("metrics.test-accuracy"), metrics.getDouble("accuracy"));
        assertEquals(40, metrics.getInt("test-images"));
        List<String> csv = Files.readAllLines(run.resolve("hardneg/hard_negatives.csv"));
        assertEquals(metrics.getInt("ranked-images"), csv.size() - 1);
        assertEquals(4 * 3, csv.stream().filter(line -> line.startsWith("least-confident,")).count(),
                "ten images per class: three least confident of each of the four classes");
        List<String> confusion = Files.readAllLines(run.resolve("train/confusion.csv"));
        for (int c = 0; c < 4; c++) {
            long[] counts = Arrays.stream(confusion.get(1 + c).split(",")).skip(1).mapToLong(Long::parseLong)
                    .toArray();
            long wrong = Arrays.stream(counts).sum() - counts[c];
            String name = List.of("a", "b", "c", "d").get(c);
            assertEquals(Math.min(3, wrong), testIndices(csv, "hard-negatives", name).size(), name);
            assertEquals(Math.min(3, counts[c]), testIndices(csv, "most-confident-correct", name).size(), name);
        }
        for (String line : csv.subList(1, csv.size())) {
            String image = line.split(",")[7];
            assertTrue(Files.isRegularFile(run.resolve("hardneg").resolve(image)), image);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "nan           | row 11 (test index 20) gives class 2 (Bag) the probability NaN",
            "extra-class   | they score 4 classes but the dataset Pattern has 3 (T-shirt/top, Ankle boot, Bag)",
            "unknown-index | row 0 is test index 24, which is not in the test split of Pattern"})
    void badPredictionsStopTheRunBeforeHardnegStarts(String fault, String expected) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.STAGE_FAILED, launch(EXPERIMENT, Map.of("planted.fault", fault), errors));
        Path run = onlyRun();
        String log = Files.readString(run.resolve("log.txt"));
        assertTrue(log.contains("Run stopped before stage hardneg could start: hardneg cannot rank these "
                + "predictions: " + expected), log);
        assertTrue(Files.isDirectory(run.resolve("dev.layerscope.hardneg.PlantedPredictionsStage")));
        assertFalse(Files.exists(run.resolve("hardneg")));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"per-class, 0", "image-scale, 0", "image-scale, 65"})
    void impossibleSettingsAreRejectedBeforeAnythingRuns(String key, String value) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.INVALID_EXPERIMENT, launch(EXPERIMENT, Map.of("hardneg." + key, value), errors));
        String message = errors.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("hardneg." + key + ": "), message);
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    private static List<String> testIndices(List<String> csv, String kind, String trueClass) {
        return csv.stream().map(line -> line.split(",")).filter(f -> f[0].equals(kind) && f[1].equals(trueClass))
                .map(f -> f[3]).toList();
    }

    /** Runs the experiment with overrides into this test's runs folder; returns the run folder. */
    private Path run(String experiment, Map<String, String> overrides) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(Launcher.OK, launch(experiment, overrides, errors), errors.toString(StandardCharsets.UTF_8));
        return onlyRun();
    }

    private Path onlyRun() throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("runs/tiny"))) {
            List<Path> all = runs.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private int launch(String experiment, Map<String, String> overrides, ByteArrayOutputStream errors)
            throws IOException {
        Path file = dir.resolve("tiny.conf");
        Files.writeString(file, "runs.dir = \"" + dir.resolve("runs") + "\"\n" + experiment);
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put(Launcher.EXPERIMENT_PROPERTY, file.toString());
        // every module whose reference.conf is on the classpath, or its section is an unknown key
        return new Launcher(List.of(new LoadModule(), new SyntheticModule(), new TrainModule(), new CaptureModule(),
                new ReduceModule(), new KnnModule(), new HardNegativeModule(), new ProbeModule(), new CkaModule(), new IntrinsicModule(),
                new CollapseModule()))
                .run(properties, Map.of(), new PrintStream(errors, true,
                StandardCharsets.UTF_8));
    }

    private static Config stageJson(Path run, String stage) {
        return ConfigFactory.parseFile(run.resolve("run.json").toFile()).getConfigList("stages").stream()
                .filter(entry -> entry.getString("name").equals(stage)).findFirst().orElseThrow();
    }
}

package dev.layerscope.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison report of four small real runs ({@link ComparedRuns}: seeds 1 and 2 by 2 and 3 epochs), every
 * figure checked against the runs' own files.
 */
class ComparisonReportTest {

    private static final double EXACT = 1e-12;
    private static final String GROUP = "model.epochs=2";

    @TempDir
    Path dir;

    @Test
    void onlyTheDifferingSettingsAreListed() throws IOException {
        Path out = dir.resolve("report");
        Path html = ComparisonReport.write(ComparedRuns.runs(), out);
        assertEquals(out.resolve("compare.html"), html);
        for (String file : List.of("compare.html", "compare.md", "settings.csv", "metrics.csv", "seeds.csv",
                "claims.csv", "cka.csv", "right-wrong.csv", "procrustes.csv")) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        }
        List<List<String>> settings = CsvTable.read(out.resolve("settings.csv")).rows();
        assertEquals(List.of("model.epochs", "model.seed"), settings.stream().map(List::getFirst).toList());
        assertEquals(List.of("model.epochs", "2", "2", "3", "3"), settings.get(0));
        assertEquals(List.of("model.seed", "1", "2", "1", "2"), settings.get(1));
    }

    @Test
    void aSeedGroupsMeanAndStandardDeviationAreThoseOfItsRunsKnnFiles() throws IOException {
        Path out = dir.resolve("report");
        ComparisonReport.write(ComparedRuns.runs(), out);
        Map<String, List<String>> spreads = new HashMap<>();
        for (List<String> row : CsvTable.read(out.resolve("seeds.csv")).rows()) {
            spreads.put(row.get(0) + "|" + row.get(1), row);
        }
        List<Map<String, Double>> first = List.of(knn(ComparedRuns.runs().get(0)), knn(ComparedRuns.runs().get(1)));
        assertFalse(first.getFirst().isEmpty());
        for (String figure : first.getFirst().keySet()) {
            double a = first.get(0).get(figure);
            double b = first.get(1).get(figure);
            List<String> spread = spreads.get(GROUP + "|" + figure);
            assertEquals((a + b) / 2, Double.parseDouble(spread.get(2)), EXACT, figure);
            // the sample standard deviation of two values is their distance over sqrt(2)
            assertEquals(Math.abs(a - b) / Math.sqrt(2), Double.parseDouble(spread.get(3)), EXACT, figure);
            assertEquals("2", spread.get(4));
        }
    }

    /**
     * The group's claims of layer against layer (kNN accuracy in the layers themselves, intrinsic dimension) and of
     * UMAP against PCA (trustworthiness), tested by hand on the runs' own files: with two seeds the paired t statistic
     * has one degree of freedom, a Cauchy distribution, so the two-sided p-value is 1 - 2 atan(|t|) / pi.
     */
    @Test
    void thePairedTestsPValueIsTheHandComputedOne() throws IOException {
        Path out = dir.resolve("report");
        ComparisonReport.write(ComparedRuns.runs(), out);
        List<Map<String, Double>> runs = List.of(figures(ComparedRuns.runs().get(0)),
                figures(ComparedRuns.runs().get(1)));
        List<List<String>> claims = CsvTable.read(out.resolve("claims.csv")).rows();
        List<String> layers = List.of("input", "dense1", "dense2");
        int tested = 0;
        for (int l = 0; l + 1 < layers.size(); l++) {
            String earlier = layers.get(l);
            String later = layers.get(l + 1);
            tested += check(claims, runs, "kNN accuracy " + later + " high-dimensional k=5",
                    "kNN accuracy " + earlier + " high-dimensional k=5", later + "'s", earlier + "'s",
                    "high-dimensional kNN accuracy (k=5) is higher than");
            tested += check(claims, runs, "intrinsic dimension " + later, "intrinsic dimension " + earlier,
                    later + "'s", earlier + "'s", "intrinsic dimension is higher than");
        }
        for (String layer : layers) {
            tested += check(claims, runs, "trustworthiness " + layer + " pca", "trustworthiness " + layer + " umap",
                    "pca's", "umap's", "trustworthiness on " + layer + " is higher than");
        }
        assertTrue(tested > 0, "at least one claim had a spread to test against");
    }

    /**
     * Checks the one claim of {@link #GROUP} comparing figure {@code first} ({@code firstLabel} in the claim) with
     * {@code second}, in whichever direction the claim states.
     *
     * @return 1 when the differences had a spread, so the p-value was compared with the hand computation
     */
    private static int check(List<List<String>> claims, List<Map<String, Double>> runs, String first, String second,
                             String firstLabel, String secondLabel, String what) {
        List<List<String>> matching = claims.stream().filter(c -> c.getFirst().startsWith(GROUP + ": ")
                && c.getFirst().contains(what) && c.getFirst().contains(firstLabel)
                && c.getFirst().contains(secondLabel)).toList();
        assertEquals(1, matching.size(), first + " against " + second + ": " + claims);
        List<String> claim = matching.getFirst();
        double[] d = new double[2];
        for (int s = 0; s < 2; s++) {
            d[s] = runs.get(s).get(first) - runs.get(s).get(second);
        }
        double mean = (d[0] + d[1]) / 2;
        double sd = Math.abs(d[0] - d[1]) / Math.sqrt(2);
        assertEquals(mean >= 0, claim.getFirst().startsWith(GROUP + ": " + firstLabel),
                "the claim states the direction of the mean: " + claim);
        assertEquals(Math.abs(mean), Double.parseDouble(claim.get(1)), EXACT);
        assertEquals("2", claim.get(6));
        double p = Double.parseDouble(claim.get(3));
        double holm = Double.parseDouble(claim.get(4));
        assertEquals(Boolean.toString(p < SeedGroups.LEVEL), claim.get(8));
        assertEquals(Boolean.toString(holm < SeedGroups.LEVEL), claim.get(7));
        if (sd <= SeedGroups.NO_SPREAD * Math.max(1, Math.abs(mean))) {
            assertTrue(Double.isNaN(p), "no spread, no test: " + claim);
            return 0;
        }
        double t = mean / (sd / Math.sqrt(2));
        assertEquals(Math.abs(t), Double.parseDouble(claim.get(2)), 1e-9);
        // with 2 seeds the t distribution has 1 degree of freedom, whose two-sided p is exactly this; Smile's TTest
        // takes it from the regularised incomplete beta function, which agrees to about 1e-9 (2e-9 seen), not to
        // the last bits
        assertEquals(1 - 2 * Math.atan(Math.abs(t)) / Math.PI, p, 1e-8, claim.toString());
        return 1;
    }

    @Test
    void theRightWrongCountsAreThoseOfThePredictions() throws IOException {
        Path out = dir.resolve("report");
        List<Path> runs = ComparedRuns.runs();
        ComparisonReport.write(runs, out);
        List<List<String>> lines = CsvTable.read(out.resolve("right-wrong.csv")).rows();
        String markdown = Files.readString(out.resolve("compare.md"));
        int pairs = 0;
        for (Path right : runs) {
            for (Path wrong : runs) {
                if (right.equals(wrong)) {
                    continue;
                }
                int[][] a = predictions(right);
                int[][] b = predictions(wrong);
                int expected = 0;
                for (int i = 0; i < a[0].length; i++) {
                    // the same test rows in the same order: the runs share their data and its split
                    assertEquals(a[0][i], b[0][i]);
                    if (a[1][i] == a[2][i] && b[1][i] != b[2][i]) {
                        expected++;
                    }
                }
                String rightName = name(right);
                String wrongName = name(wrong);
                List<List<String>> pair = lines.stream().filter(l -> l.get(0).equals(rightName)
                        && l.get(1).equals(wrongName)).toList();
                assertEquals(expected, pair.size(), rightName + " right, " + wrongName + " wrong");
                assertEquals(Math.min(expected, ComparisonReport.THUMBNAILS),
                        pair.stream().filter(l -> l.get(5).equals("true")).count());
                assertTrue(markdown.contains("`" + rightName + "` right, `" + wrongName + "` wrong: " + expected
                        + " images"), "the report gives the total");
                pairs++;
            }
        }
        assertEquals(12, pairs);
    }

    @Test
    void aRunComparedWithItselfHasCkaOneOnEveryCounterpartAndAlignsExactly() throws IOException {
        Path run = ComparedRuns.runs().getFirst();
        Path out = dir.resolve("self");
        ComparisonReport.write(List.of(run, run), out);
        List<List<String>> cka = CsvTable.read(out.resolve("cka.csv")).rows();
        List<List<String>> counterparts = cka.stream().filter(l -> l.get(1).equals(l.get(3))).toList();
        assertEquals(3, counterparts.size(), "input, dense1 and dense2: " + cka);
        for (List<String> line : counterparts) {
            assertEquals(1, Double.parseDouble(line.get(5)), 1e-6, line.toString());
            assertEquals("linear-biased", line.get(6));
        }
        assertEquals(9, cka.size(), "every layer of one against every layer of the other");
        List<List<String>> procrustes = CsvTable.read(out.resolve("procrustes.csv")).rows();
        assertEquals(6, procrustes.size(), "three inputs by two methods");
        for (List<String> line : procrustes) {
            assertEquals(0, Double.parseDouble(line.get(5)), 1e-9, line.toString());
        }
        assertEquals(1, Files.readAllLines(out.resolve("right-wrong.csv")).size(), "only the header");
        assertEquals(1, Files.readAllLines(out.resolve("settings.csv")).size(), "only the header");
        assertTrue(Files.readString(out.resolve("compare.md")).contains("The runs' settings are all the same."));
        for (List<String> claim : CsvTable.read(out.resolve("claims.csv")).rows()) {
            assertEquals("NaN", claim.get(3), "a run against itself: the same difference twice, no test");
            assertEquals("NaN", claim.get(4));
            assertEquals("false", claim.get(7));
        }
    }

    @Test
    void badInputsAreNamedBeforeAnythingIsWritten() throws IOException {
        Path run = ComparedRuns.runs().getFirst();
        Path out = dir.resolve("never");
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> ComparisonReport.write(List.of(run), out));
        assertTrue(one.getMessage().contains("at least two run folders, got 1"), one.getMessage());

        Path missing = dir.resolve("no-such-run");
        Path notARun = Files.createDirectories(dir.resolve("just-a-folder"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ComparisonReport.write(List.of(run, missing, notARun), out));
        assertTrue(bad.getMessage().contains("`" + missing + "` is not a run folder: there is no folder"),
                bad.getMessage());
        assertTrue(bad.getMessage().contains("`" + notARun + "` is not a run folder: it has no run.json"),
                bad.getMessage());

        Path stopped = Files.createDirectories(dir.resolve("stopped"));
        Files.copy(run.resolve("experiment.conf"), stopped.resolve("experiment.conf"));
        Files.writeString(stopped.resolve("run.json"), "{\"status\": \"failed\", \"stopped\": {\"stage\": \"train\","
                + " \"reason\": \"out of memory\"}}");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ComparisonReport.write(List.of(run, stopped), out));
        assertTrue(empty.getMessage().contains("`" + stopped + "` has none of the files the comparison reads"),
                empty.getMessage());
        assertTrue(empty.getMessage().contains("status is failed (stopped in train: out of memory)"),
                empty.getMessage());
        assertFalse(Files.exists(out), "nothing is written when the input is bad");
    }

    /** A run without the analysis stages' folders: its sections say so, and the rest of the report is written. */
    @Test
    void aRunLackingASectionsFilesIsLeftOutOfThatSection() throws IOException {
        Path run = ComparedRuns.runs().getFirst();
        Path partial = Files.createDirectories(dir.resolve("tiny").resolve("partial"));
        Files.copy(run.resolve("experiment.conf"), partial.resolve("experiment.conf"));
        Files.copy(run.resolve("run.json"), partial.resolve("run.json"));
        Files.createSymbolicLink(partial.resolve("train"), run.resolve("train").toRealPath());
        Path out = dir.resolve("report");
        ComparisonReport.write(List.of(run, partial), out);
        String markdown = Files.readString(out.resolve("compare.md"));
        assertTrue(markdown.contains("`tiny/partial` has no `knn/knn.csv`, `knn/quality.csv`, `probe/probes.csv`, "
                + "`intrinsic/intrinsic_dimension.csv`, `collapse/collapse.csv`: its figures from those files are "
                + "left out."), markdown);
        assertTrue(markdown.contains("share no captured test images"), markdown);
        List<List<String>> metrics = CsvTable.read(out.resolve("metrics.csv")).rows();
        assertEquals(List.of("test accuracy"), metrics.stream().filter(l -> l.getFirst().equals("tiny/partial"))
                .map(l -> l.get(1)).toList());
    }

    /** A run on other data: no shared images, so no CKA, thumbnails or aligned maps between them, said in words. */
    @Test
    void runsOnDifferentDataSetsShareNoImages() throws IOException {
        Path run = ComparedRuns.runs().getFirst();
        Path other = Files.createDirectories(dir.resolve("tiny").resolve("other-data"));
        try (Stream<Path> files = Files.list(ComparedRuns.runs().get(1))) {
            for (Path file : files.toList()) {
                if (Files.isDirectory(file)) {
                    Files.createSymbolicLink(other.resolve(file.getFileName()), file.toRealPath());
                }
            }
        }
        Files.copy(ComparedRuns.runs().get(1).resolve("run.json"), other.resolve("run.json"));
        Files.writeString(other.resolve("experiment.conf"),
                Files.readString(ComparedRuns.runs().get(1).resolve("experiment.conf")) + "\nsynthetic.seed = 4\n");
        Path out = dir.resolve("report");
        ComparisonReport.write(List.of(run, other), out);
        assertEquals(List.of("model.seed", "synthetic.seed"), CsvTable.read(out.resolve("settings.csv")).rows()
                .stream().map(List::getFirst).toList());
        String markdown = Files.readString(out.resolve("compare.md"));
        assertTrue(markdown.contains("ran on different data sets (synthetic, synthetic): no shared images to "
                + "compare on."), markdown);
        assertEquals(1, Files.readAllLines(out.resolve("cka.csv")).size());
        assertEquals(1, Files.readAllLines(out.resolve("right-wrong.csv")).size());
        assertEquals(1, Files.readAllLines(out.resolve("procrustes.csv")).size());
    }

    /** {@code kNN accuracy <input> <method> k=<k>} to accuracy, from the run's own knn.csv. */
    private static Map<String, Double> knn(Path run) throws IOException {
        Map<String, Double> accuracy = new HashMap<>();
        List<String> lines = Files.readAllLines(run.resolve("knn/knn.csv"));
        List<String> header = List.of(lines.getFirst().split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            accuracy.put("kNN accuracy " + f[header.indexOf("input")] + " " + f[header.indexOf("method")] + " k="
                    + f[header.indexOf("k")], Double.parseDouble(f[header.indexOf("accuracy")]));
        }
        return accuracy;
    }

    /**
     * {@link #knn}'s figures, {@code trustworthiness <input> <method>} from quality.csv and {@code intrinsic
     * dimension <layer>} from the first line of each layer in intrinsic_dimension.csv (the trained network's).
     */
    private static Map<String, Double> figures(Path run) throws IOException {
        Map<String, Double> figures = knn(run);
        List<String> quality = Files.readAllLines(run.resolve("knn/quality.csv"));
        List<String> header = List.of(quality.getFirst().split(","));
        for (String line : quality.subList(1, quality.size())) {
            String[] f = line.split(",", -1);
            figures.put("trustworthiness " + f[header.indexOf("input")] + " " + f[header.indexOf("method")],
                    Double.parseDouble(f[header.indexOf("trustworthiness")]));
        }
        for (String line : Files.readAllLines(run.resolve("intrinsic/intrinsic_dimension.csv")).reversed()) {
            String[] f = line.split(",", -1);
            if (!f[0].equals("layer")) {
                // read bottom up, so that each layer's first line is the one kept
                figures.put("intrinsic dimension " + f[0], Double.parseDouble(f[2]));
            }
        }
        return figures;
    }

    /** The run's test rows: position in the test file, true class, predicted class (the softmax's largest). */
    private static int[][] predictions(Path run) throws IOException {
        Npy.Floats softmax = Npy.readFloats(run.resolve("train/predictions.npy"));
        int[] index = Npy.readInts(run.resolve("train/test_index.npy")).values();
        int[] labels = Npy.readInts(run.resolve("train/test_labels.npy")).values();
        int classes = (int) softmax.shape()[1];
        int[] predicted = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            for (int c = 1; c < classes; c++) {
                if (softmax.values()[i * classes + c] > softmax.values()[i * classes + predicted[i]]) {
                    predicted[i] = c;
                }
            }
        }
        return new int[][] {index, labels, predicted};
    }

    private static String name(Path run) {
        Path absolute = run.toAbsolutePath().normalize();
        return absolute.getParent().getFileName() + "/" + absolute.getFileName();
    }

}

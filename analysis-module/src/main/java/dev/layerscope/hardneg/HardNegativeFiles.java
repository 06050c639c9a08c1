package dev.layerscope.hardneg;

import dev.layerscope.data.ImageSet;
import dev.layerscope.hardneg.HardNegatives.ConfusedPair;
import dev.layerscope.hardneg.HardNegatives.Ranked;
import dev.layerscope.kernel.Csv;
import dev.layerscope.train.ClassificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * The hardneg stage's files:
 * <pre>
 * hard_negatives.csv          kind,true_class,rank,test_index,predicted_class,confidence,true_class_probability,image
 *                             one line per ranked image; kind is hard-negatives, most-confident-correct or
 *                             least-confident; confidence is the predicted class's probability; image is the PNG's
 *                             path in this folder
 * &lt;kind&gt;/&lt;true class&gt;/&lt;rank&gt;-test&lt;index&gt;-as-&lt;predicted class&gt;-&lt;confidence&gt;.png
 *                             each ranked image, every pixel an image-scale x image-scale block
 * confusion_counts.csv        the confusion matrix, rows the true class, columns the predicted class (as the train
 *                             stage's confusion.csv)
 * confusion_normalised.csv    each row divided by its sum: the share of the true class predicted as each class
 * per_class.csv               class,images,correct,predicted,precision,recall,f1
 * confused_pairs.csv          true_class,predicted_class,count,share, most confused first
 * </pre>
 * Class names in folder and file names keep letters, digits, dots, underscores and hyphens; other runs of
 * characters become a hyphen. If that leaves a name empty or makes two names equal (ignoring case, as some file
 * systems do), every class name is prefixed with its class number (and an empty one is just the number).
 */
final class HardNegativeFiles {

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");
    private static final Pattern EDGE = Pattern.compile("^[-.]+|[-.]+$");

    private HardNegativeFiles() {
    }

    /**
     * @param images the test file's images, which the test indices point into
     * @param scale  the side of the block each pixel becomes
     */
    static void write(Path dir, HardNegatives mined, ImageSet images, int perClass, int scale) throws IOException {
        writeRankings(dir, mined, images, perClass, scale);
        List<String> names = mined.classNames();
        long[][] confusion = mined.report().confusion();
        Files.write(dir.resolve("confusion_counts.csv"), Csv.matrix("true\\predicted", names,
                (actual, predicted) -> Long.toString(confusion[actual][predicted])));
        Files.write(dir.resolve("confusion_normalised.csv"), Csv.matrix("true\\predicted", names,
                (actual, predicted) -> number(mined.normalisedConfusion()[actual][predicted])));
        writePerClass(dir, names, mined.report());
        List<String> pairs = new ArrayList<>(List.of("true_class,predicted_class,count,share"));
        for (ConfusedPair pair : mined.confusedPairs()) {
            pairs.add(String.join(",", Csv.field(names.get(pair.trueClass())), Csv.field(names.get(pair.predicted())),
                    Long.toString(pair.count()), number(pair.share())));
        }
        Files.write(dir.resolve("confused_pairs.csv"), pairs);
    }

    private static void writeRankings(Path dir, HardNegatives mined, ImageSet images, int perClass, int scale)
            throws IOException {
        List<String> names = mined.classNames();
        List<String> fileNames = fileNames(names);
        int rankDigits = Integer.toString(perClass).length(); // so that a folder lists its images in rank order
        List<String> lines = new ArrayList<>(List.of(
                "kind,true_class,rank,test_index,predicted_class,confidence,true_class_probability,image"));
        for (Ranked entry : mined.ranked()) {
            String image = entry.kind().label() + "/" + fileNames.get(entry.trueClass()) + "/"
                    + String.format(Locale.ROOT, "%0" + rankDigits + "d-test%d-as-%s-%.3f.png", entry.rank(),
                    entry.testIndex(), fileNames.get(entry.predicted()), entry.confidence());
            writePng(dir.resolve(image), images, entry.testIndex(), scale);
            lines.add(String.join(",", entry.kind().label(), Csv.field(names.get(entry.trueClass())),
                    Integer.toString(entry.rank()), Integer.toString(entry.testIndex()),
                    Csv.field(names.get(entry.predicted())), number(entry.confidence()),
                    number(entry.trueProbability()), Csv.field(image)));
        }
        Files.write(dir.resolve("hard_negatives.csv"), lines);
    }

    private static void writePerClass(Path dir, List<String> names, ClassificationReport report) throws IOException {
        long[][] confusion = report.confusion();
        List<String> lines = new ArrayList<>(List.of("class,images,correct,predicted,precision,recall,f1"));
        for (int c = 0; c < names.size(); c++) {
            long images = 0;
            long predictedAs = 0;
            for (int other = 0; other < names.size(); other++) {
                images += confusion[c][other];
                predictedAs += confusion[other][c];
            }
            lines.add(String.join(",", Csv.field(names.get(c)), Long.toString(images), Long.toString(confusion[c][c]),
                    Long.toString(predictedAs), number(report.precision()[c]), number(report.recall()[c]),
                    number(report.f1()[c])));
        }
        Files.write(dir.resolve("per_class.csv"), lines);
    }

    /** The class names as folder and file names, unique whatever the names are (see the class comment). */
    static List<String> fileNames(List<String> classNames) {
        List<String> safe = classNames.stream()
                .map(name -> EDGE.matcher(UNSAFE.matcher(name).replaceAll("-")).replaceAll(""))
                .toList();
        Set<String> seen = new HashSet<>();
        boolean distinct = safe.stream().allMatch(name -> !name.isEmpty() && seen.add(name.toLowerCase(Locale.ROOT)));
        // "<class number>-" makes names unique: the number ends at the first hyphen and no two classes share it
        return distinct ? safe : IntStream.range(0, safe.size())
                .mapToObj(c -> safe.get(c).isEmpty() ? Integer.toString(c) : c + "-" + safe.get(c)).toList();
    }

    private static void writePng(Path file, ImageSet images, int index, int scale) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(images.image(index, scale), "png", file.toFile());
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }
}

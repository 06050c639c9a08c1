package dev.layerscope.report;

import dev.layerscope.attribution.Attribution;
import dev.layerscope.attribution.AttributionFiles;
import dev.layerscope.attribution.AttributionResults;
import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.attribution.CascadingRandomisation;
import dev.layerscope.data.ImageSet;
import dev.layerscope.hardneg.HardNegatives;
import dev.layerscope.report.ReportDocument.Heading;
import dev.layerscope.report.ReportDocument.ImageTable;
import dev.layerscope.report.ReportDocument.Paragraph;
import dev.layerscope.report.ReportDocument.Table;
import dev.layerscope.report.figures.Figures;
import dev.layerscope.report.html.ExplorerAttribution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The report's "Attribution" section, when the attribution stage ran: each hard negative beside its maps (and the
 * most confident correct images, for contrast), integrated gradients' completeness, and the sanity check's table
 * with the methods it flags.
 */
final class AttributionSection {

    private AttributionSection() {
    }

    static void add(ReportDocument document, Path dir, String figures, AttributionResults results, ImageSet test,
                    List<String> classNames, int scale) throws IOException {
        Path folder = dir.resolve(figures).resolve("attribution");
        Files.createDirectories(folder);
        List<String> header = new ArrayList<>(List.of("true class as predicted", "image"));
        results.methods().forEach(method -> header.add(method.key()));
        document.add(new Heading(2, "Attribution"))
                .add(new Paragraph("Which pixels drove the network's score (the logit, before softmax) of the class "
                        + "it chose, by saliency (the score's gradient by the pixels), integrated gradients (from a "
                        + "black image) and, for a convolutional network, Grad-CAM on the last convolution. Red "
                        + "raises the score, blue lowers it, the more opaque the more. "
                        + (results.gradCam().isEmpty() ? "" : "Grad-CAM: " + results.gradCam() + ". ")
                        + completeness(results)));
        for (HardNegatives.Kind kind : List.of(HardNegatives.Kind.HARD_NEGATIVE,
                HardNegatives.Kind.MOST_CONFIDENT_CORRECT)) {
            List<String> labels = new ArrayList<>();
            List<List<ImageTable.Cell>> cells = new ArrayList<>();
            for (AttributionResults.Image image : results.images()) {
                if (image.kind() != kind) {
                    continue;
                }
                labels.add(String.format(Locale.ROOT, "%s as %s (test %d)", classNames.get(image.trueClass()),
                        classNames.get(image.predicted()), image.testIndex()));
                List<ImageTable.Cell> row = new ArrayList<>();
                String original = kind.label() + "-" + image.testIndex() + ".png";
                Figures.writePng(test.image(image.testIndex(), scale), folder.resolve(original));
                row.add(new ImageTable.Cell(figures + "/attribution/" + original, "test " + image.testIndex(),
                        image.testIndex()));
                for (int m = 0; m < results.methods().size(); m++) {
                    Figures.writePng(AttributionFiles.heatmap(test, image.testIndex(),
                            results.maps().map(image.row(), m), scale), folder.resolve(image.pngs().get(m)));
                    row.add(new ImageTable.Cell(figures + "/attribution/" + image.pngs().get(m),
                            results.methods().get(m).key(), null));
                }
                cells.add(row);
            }
            if (!cells.isEmpty()) {
                document.add(new Paragraph(kind == HardNegatives.Kind.HARD_NEGATIVE
                        ? "The hard negatives, each beside its maps:"
                        : "For contrast, the most confident correct images:"))
                        .add(new ImageTable(header, labels, cells));
            }
        }
        if (!results.sanity().isEmpty()) {
            document.add(new Paragraph(sanityText(results))).add(sanityTable(results));
        }
    }

    /**
     * The maps as the explorer shows them on hover, keyed by test index: each image's kind in words, the target
     * class, integrated gradients' completeness error; Grad-CAM's maps (at least 0) drawn over the image, the
     * others in diverging colours.
     */
    static ExplorerAttribution forExplorer(AttributionResults results) {
        List<ExplorerAttribution.Method> methods = results.methods().stream()
                .map(method -> new ExplorerAttribution.Method(method.key(), method != Method.GRAD_CAM)).toList();
        List<ExplorerAttribution.Image> images = new ArrayList<>();
        Attribution.Maps maps = results.maps();
        int size = methods.size() * maps.rows() * maps.cols();
        float[] values = new float[results.images().size() * size];
        for (int i = 0; i < results.images().size(); i++) {
            AttributionResults.Image image = results.images().get(i);
            images.add(new ExplorerAttribution.Image(image.testIndex(), image.kind() == HardNegatives.Kind.HARD_NEGATIVE
                    ? "hard negative" : "most confident correct image", image.targetClass(),
                    image.completenessError()));
            System.arraycopy(maps.values(), image.row() * size, values, i * size, size);
        }
        return new ExplorerAttribution(methods, maps.rows(), maps.cols(), images, values);
    }

    private static String completeness(AttributionResults results) {
        double[] errors = results.images().stream().mapToDouble(AttributionResults.Image::completenessError)
                .filter(Double::isFinite).toArray();
        return errors.length == 0 ? "" : String.format(Locale.ROOT, "Integrated gradients sum to the score's "
                + "change from the black image within %.2f%% on average, %.2f%% at most.",
                100 * Arrays.stream(errors).average().orElseThrow(), 100 * Arrays.stream(errors).max().orElseThrow());
    }

    private static String sanityText(AttributionResults results) {
        String flagged = results.flagged().isEmpty() ? "No method is flagged."
                : "Flagged, their maps showing the image more than the network: "
                        + results.flagged().stream().map(Method::key).collect(Collectors.joining(", ")) + ".";
        return String.format(Locale.ROOT, "Sanity check (Adebayo et al. 2018): the layers re-initialised one more "
                + "at a time from the output down, each map made again and compared with the trained network's by "
                + "the rank correlation of their absolute values (mean over the images). A method whose correlation "
                + "stays above %.2f throughout is flagged. %s", results.threshold(), flagged);
    }

    private static Table sanityTable(AttributionResults results) {
        TreeMap<Integer, String> layers = new TreeMap<>();
        results.sanity().forEach(line -> layers.put(line.layersRandomised(), line.layer()));
        List<String> header = new ArrayList<>(List.of("method"));
        layers.values().forEach(layer -> header.add("down to " + layer));
        header.add("flagged");
        List<List<String>> rows = new ArrayList<>();
        for (Method method : results.methods()) {
            List<String> row = new ArrayList<>(List.of(method.key()));
            for (int step : layers.keySet()) {
                row.add(results.sanity().stream().filter(line -> line.method() == method
                        && line.layersRandomised() == step).map(CascadingRandomisation.Line::meanSpearman)
                        .map(value -> String.format(Locale.ROOT, "%.3f", value)).findFirst().orElse(""));
            }
            row.add(results.flagged().contains(method) ? "yes" : "");
            rows.add(row);
        }
        return new Table(header, rows);
    }
}

package dev.layerscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.report.ReportDocument.Code;
import dev.layerscope.report.ReportDocument.Heading;
import dev.layerscope.report.ReportDocument.Image;
import dev.layerscope.report.ReportDocument.ImageTable;
import dev.layerscope.report.ReportDocument.Paragraph;
import dev.layerscope.report.ReportDocument.Table;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDocumentTest {

    @TempDir
    Path dir;

    private ReportDocument document() throws IOException {
        Files.createDirectories(dir.resolve("figures"));
        ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY), "png",
                dir.resolve("figures/a.png").toFile());
        return new ReportDocument()
                .add(new Heading(2, "Training <1>"))
                .add(new Paragraph("see `knn.csv` & more"))
                .add(new Code("a | b\n<c>"))
                .add(new Image("figures/a.png", "a \"figure\""))
                .add(new Table(List.of("class", "F1"), List.of(List.of("T-shirt|top", "0.5"))))
                .add(new ImageTable(List.of("class", "#1"), List.of("Bag"),
                        List.of(List.of(new ImageTable.Cell("figures/a.png", "Shirt 0.990", 17)))));
    }

    /** The attribution table once had a header one column short, so every method's name sat over the wrong image. */
    @Test
    void anImageTablesHeaderNamesTheLabelColumnAndEveryImageColumn() {
        ImageTable.Cell cell = new ImageTable.Cell("figures/a.png", "a");
        new ImageTable(List.of("class", "#1", "#2"), List.of("Bag", "Coat"), List.of(List.of(cell, cell),
                List.of(cell)));
        IllegalArgumentException shortHeader = assertThrows(
                IllegalArgumentException.class, () -> new ImageTable(List.of("image", "saliency"), List.of("Bag"),
                        List.of(List.of(cell, cell))));
        assertTrue(shortHeader.getMessage().contains("2 image columns"), shortHeader.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ImageTable(List.of("class", "#1"), List.of("Bag", "Coat"), List.of(List.of(cell))));
    }

    @Test
    void markdownLinksImagesRelativelyAndEscapesTableBars() throws IOException {
        String markdown = document().markdown();
        assertTrue(markdown.startsWith("## Training <1>\n\nsee `knn.csv` & more\n\n```\na | b\n<c>\n```\n"));
        assertTrue(markdown.contains("![a \"figure\"](figures/a.png)"));
        assertTrue(markdown.contains("| class | F1 |\n| --- | --- |\n| T-shirt\\|top | 0.5 |"));
        assertTrue(markdown.contains("| Bag | ![Shirt 0.990](figures/a.png)<br>Shirt 0.990 |"));
    }

    @Test
    void htmlEscapesTextAndInlinesEveryImage() throws IOException {
        String html = document().html(dir);
        assertTrue(html.contains("<h2>Training &lt;1&gt;</h2>"));
        assertTrue(html.contains("<p>see <code>knn.csv</code> &amp; more</p>"));
        assertTrue(html.contains("<pre>a | b\n&lt;c&gt;</pre>"));
        assertFalse(html.contains("figures/a.png"), "an image is linked instead of inlined");
        assertTrue(html.contains("alt=\"Shirt 0.990\" data-test-index=\"17\"><br>Shirt 0.990"),
                "a hard negative names its test image, for the explorer");
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(
                Files.readAllBytes(dir.resolve("figures/a.png")));
        assertEquals(2, html.split(java.util.regex.Pattern.quote(uri), -1).length - 1, "both images inlined");
        assertTrue(html.contains("alt=\"a &quot;figure&quot;\""));
        assertTrue(html.contains("<td>T-shirt|top</td>"));
    }
}

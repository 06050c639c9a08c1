package dev.layerscope.report;

import static dev.layerscope.report.html.HtmlReport.escapeHtml;

import dev.layerscope.report.html.HtmlReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The report's content, written once and rendered twice: as Markdown with images linked relatively (readable on a
 * code host) and as the static body of the HTML page with every image inlined as a data URI (one file that needs
 * nothing else). Image paths are relative to the report's folder. The comparison report across runs
 * ({@code dev.layerscope.compare}) writes its pages with it too.
 */
public final class ReportDocument {

    /** A part of the report. */
    public sealed interface Block permits Heading, Paragraph, Code, Image, Table, ImageTable {
    }

    public record Heading(int level, String text) implements Block {
    }

    /** Plain text; Markdown's inline code (`...`) is the only markup, kept in both renderings. */
    public record Paragraph(String text) implements Block {
    }

    /** Preformatted text, as printed. */
    public record Code(String text) implements Block {
    }

    public record Image(String path, String caption) implements Block {
    }

    public record Table(List<String> header, List<List<String>> rows) implements Block {
    }

    /** A table of images with a caption under each: one row per label. */
    public record ImageTable(List<String> header, List<String> rowLabels, List<List<Cell>> cells) implements Block {
        /** The header names the label column and every image column: a row may be shorter, never wider. */
        public ImageTable {
            if (rowLabels.size() != cells.size()) {
                throw new IllegalArgumentException(rowLabels.size() + " row labels for " + cells.size() + " rows");
            }
            int widest = cells.stream().mapToInt(List::size).max().orElse(0);
            if (header.size() != 1 + widest) {
                throw new IllegalArgumentException("a header of " + header.size() + " columns over a label column and "
                        + widest + " image columns: " + header);
            }
        }

        /**
         * One image; {@code testIndex}, when not null, is the test image it shows: the HTML page marks it
         * ({@code data-test-index}) so a click selects it in the explorer.
         */
        public record Cell(String path, String caption, Integer testIndex) {
            /** An image that shows no test image. */
            public Cell(String path, String caption) {
                this(path, caption, null);
            }
        }
    }

    private final List<Block> blocks = new ArrayList<>();

    public ReportDocument add(Block block) {
        blocks.add(block);
        return this;
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        for (Block block : blocks) {
            switch (block) {
                case Heading h -> out.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
                case Paragraph p -> out.append(p.text()).append("\n\n");
                case Code c -> out.append("```\n").append(c.text().strip()).append("\n```\n\n");
                case Image i -> out.append("![").append(i.caption()).append("](").append(i.path()).append(")\n\n");
                case Table t -> {
                    markdownRow(out, t.header());
                    markdownRow(out, t.header().stream().map(cell -> "---").toList());
                    t.rows().forEach(row -> markdownRow(out, row));
                    out.append('\n');
                }
                case ImageTable t -> {
                    markdownRow(out, t.header());
                    markdownRow(out, t.header().stream().map(cell -> "---").toList());
                    for (int r = 0; r < t.rowLabels().size(); r++) {
                        List<String> row = new ArrayList<>(List.of(t.rowLabels().get(r)));
                        t.cells().get(r).forEach(cell -> row.add("![" + cell.caption() + "](" + cell.path() + ")<br>"
                                + cell.caption()));
                        markdownRow(out, row);
                    }
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    /** The HTML body; {@code dir} is the report's folder, where the images are read from to be inlined. */
    public String html(Path dir) {
        StringBuilder out = new StringBuilder();
        for (Block block : blocks) {
            switch (block) {
                case Heading h -> out.append("<h").append(h.level()).append('>').append(inline(h.text()))
                        .append("</h").append(h.level()).append(">\n");
                case Paragraph p -> out.append("<p>").append(inline(p.text())).append("</p>\n");
                case Code c -> out.append("<pre>").append(escapeHtml(c.text().strip())).append("</pre>\n");
                case Image i -> out.append("<figure><img src=\"").append(dataUri(dir.resolve(i.path())))
                        .append("\" alt=\"").append(escapeHtml(i.caption())).append("\"><figcaption>")
                        .append(escapeHtml(i.caption())).append("</figcaption></figure>\n");
                case Table t -> {
                    out.append("<table>\n");
                    htmlRow(out, "th", t.header().stream().map(ReportDocument::inline).toList());
                    t.rows().forEach(row -> htmlRow(out, "td", row.stream().map(ReportDocument::inline).toList()));
                    out.append("</table>\n");
                }
                case ImageTable t -> {
                    out.append("<table class=\"thumbnails\">\n");
                    htmlRow(out, "th", t.header().stream().map(HtmlReport::escapeHtml).toList());
                    for (int r = 0; r < t.rowLabels().size(); r++) {
                        List<String> row = new ArrayList<>(List.of(escapeHtml(t.rowLabels().get(r))));
                        t.cells().get(r).forEach(cell -> row.add("<img src=\"" + dataUri(dir.resolve(cell.path()))
                                + "\" alt=\"" + escapeHtml(cell.caption()) + "\""
                                + (cell.testIndex() == null ? "" : " data-test-index=\"" + cell.testIndex() + "\"")
                                + "><br>" + escapeHtml(cell.caption())));
                        htmlRow(out, "td", row);
                    }
                    out.append("</table>\n");
                }
            }
        }
        return out.toString();
    }

    private static void markdownRow(StringBuilder out, List<String> cells) {
        out.append("| ").append(String.join(" | ", cells.stream().map(cell -> cell.replace("|", "\\|")).toList()))
                .append(" |\n");
    }

    private static void htmlRow(StringBuilder out, String tag, List<String> cells) {
        out.append("<tr>");
        cells.forEach(cell -> out.append('<').append(tag).append('>').append(cell).append("</").append(tag).append('>'));
        out.append("</tr>\n");
    }

    /** Escaped text with Markdown's `code` spans as {@code <code>}. */
    private static String inline(String text) {
        String[] parts = escapeHtml(text).split("`", -1);
        StringBuilder out = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            out.append(i % 2 == 1 ? "<code>" : "</code>").append(parts[i]);
        }
        return out.toString();
    }

    private static String dataUri(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".gif") ? "image/gif" : "image/png";
        try {
            return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inline " + file, e);
        }
    }
}

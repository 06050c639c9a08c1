package dev.layerscope.report.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import smile.plot.swing.Figure;
import smile.plot.swing.Projection;
import smile.plot.swing.Renderer;

/**
 * What every figure shares: PNG writing, the class palette, rendering a smile-plot {@link Figure} off-screen and the
 * legend of class names.
 */
public final class Figures {

    /** Tableau 10: distinct for the 10 Fashion-MNIST classes and readable for colour-blind viewers. */
    private static final Color[] TABLEAU_10 = {
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
            new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
            new Color(0x9C755F), new Color(0xBAB0AC)};
    /** The golden-ratio step of hue: classes beyond the tenth get hues spread as far from each other as possible. */
    private static final float GOLDEN = 0.618034f;
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font TEXT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final int LEGEND_SWATCH = 12;
    private static final int LEGEND_LINE = 20;

    static {
        // every figure is drawn off-screen; must be set before AWT starts, so here, before any figure class draws
        System.setProperty("java.awt.headless", "true");
    }

    private Figures() {
    }

    /** Writes {@code image} as a PNG, creating the parent directories. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer for a " + image.getType() + " image");
        }
    }

    /** The colour of class {@code c}: Tableau 10, then further hues for class 10 and above. */
    public static Color classColor(int c) {
        if (c < 0) {
            throw new IllegalArgumentException("class " + c);
        }
        if (c < TABLEAU_10.length) {
            return TABLEAU_10[c];
        }
        float hue = ((c - TABLEAU_10.length) * GOLDEN + 0.1f) % 1f;
        return Color.getHSBColor(hue, 0.65f, c % 2 == 0 ? 0.85f : 0.65f);
    }

    /** {@link #classColor} with an alpha, for markers that overlap. */
    static Color classColor(int c, int alpha) {
        Color color = classColor(c);
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), alpha);
    }

    /** A figure drawn into an image, with the projection that maps its data coordinates to the image's pixels. */
    record Rendered(BufferedImage image, Projection projection) {

        /** The pixel of a point in data coordinates. */
        int[] pixel(double x, double y) {
            return projection.screenProjection(x, y);
        }
    }

    /**
     * Draws {@code figure} into a new {@code width x height} RGB image. As {@link Figure#toBufferedImage}, but
     * keeping the projection, so that Java2D can draw at data coordinates afterwards.
     */
    static Rendered render(Figure figure, int width, int height) {
        Projection projection = figure.projection(width, height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(image);
        Renderer renderer = new Renderer(projection);
        renderer.setGraphics(g);
        figure.paint(renderer);
        g.dispose();
        return new Rendered(image, projection);
    }

    /** Graphics of an image with anti-aliased shapes and text. */
    static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    /** The width a legend of {@code classNames} takes. */
    static int legendWidth(List<String> classNames) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        FontMetrics metrics = g.getFontMetrics(TEXT_FONT);
        int widest = classNames.stream().mapToInt(metrics::stringWidth).max().orElse(0);
        g.dispose();
        return LEGEND_SWATCH + 8 + widest + 16;
    }

    /**
     * {@code figure} drawn {@code plotWidth x height} on a white image, with the legend of {@code names} to its
     * right from {@code (legendLeft, legendTop)}: a single plot whose legend smile-plot would cut or crowd.
     */
    static BufferedImage withLegend(Figure figure, int plotWidth, int height, List<String> names, int legendLeft,
                                    int legendTop) {
        int width = legendLeft + legendWidth(names);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(image);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.drawImage(render(figure, plotWidth, height).image(), 0, 0, null);
        drawLegend(g, names, legendLeft, legendTop);
        g.dispose();
        return image;
    }

    /** The top-left corner of the swatch of class {@code c} in a legend drawn at {@code (left, top)}. */
    static int[] legendSwatch(int left, int top, int c) {
        return new int[] {left, top + c * LEGEND_LINE};
    }

    /**
     * Draws the legend of class names: one swatch of the class colour and the name per line, from {@code (left,
     * top)} down.
     */
    static void drawLegend(Graphics2D g, List<String> classNames, int left, int top) {
        g.setFont(TEXT_FONT);
        FontMetrics metrics = g.getFontMetrics();
        for (int c = 0; c < classNames.size(); c++) {
            int[] swatch = legendSwatch(left, top, c);
            g.setColor(classColor(c));
            g.fillRect(swatch[0], swatch[1], LEGEND_SWATCH, LEGEND_SWATCH);
            g.setColor(Color.BLACK);
            g.drawString(classNames.get(c), swatch[0] + LEGEND_SWATCH + 8,
                    swatch[1] + (LEGEND_SWATCH + metrics.getAscent() - metrics.getDescent()) / 2);
        }
    }

    /** The colour a share {@code t} in [0, 1] of the way from {@code from} to {@code to}: the colour scales. */
    static Color mix(Color from, Color to, double t) {
        return new Color(channel(from.getRed(), to.getRed(), t), channel(from.getGreen(), to.getGreen(), t),
                channel(from.getBlue(), to.getBlue(), t));
    }

    private static int channel(int from, int to, double t) {
        return (int) Math.round(from + (to - from) * t);
    }

    /** Draws {@code text} centred horizontally on {@code centreX} with its baseline at {@code baseline}. */
    static void drawCentred(Graphics2D g, String text, int centreX, int baseline) {
        g.drawString(text, centreX - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}

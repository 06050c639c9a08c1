package dev.layerscope.report.figures;

import dev.layerscope.data.ImageSet;
import dev.layerscope.validation.ValidationGrid;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * One epoch of the validation grid: a tile per sampled validation image, the image above its true class and the
 * predicted class with that class's probability; a wrong prediction framed and written in red.
 */
public final class ValidationGridFigure {

    /** The frame and text of a wrong prediction. */
    public static final Color WRONG = new Color(214, 39, 40);
    /** Tiles per row. */
    public static final int COLUMNS = 8;
    /** The frame's width around a wrong tile's image, in pixels. */
    public static final int FRAME = 3;
    private static final Font CAPTION = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final int PAD = 6;
    private static final int TITLE_HEIGHT = 30;
    private static final int CAPTION_LINE = 13;

    private ValidationGridFigure() {
    }

    /** Where tile {@code i}'s image sits: its top-left corner. */
    public static int[] imageCorner(int i, int imageWidth, int imageHeight) {
        int tileWidth = tileWidth(imageWidth);
        int tileHeight = imageHeight + 2 * FRAME + 2 * CAPTION_LINE + 2 * PAD;
        return new int[] {PAD + (i % COLUMNS) * tileWidth + (tileWidth - imageWidth) / 2,
            TITLE_HEIGHT + (i / COLUMNS) * tileHeight + PAD + FRAME};
    }

    private static int tileWidth(int imageWidth) {
        return Math.max(imageWidth + 2 * FRAME + 2 * PAD, 124);
    }

    /**
     * @param grid       the sample and its predictions
     * @param e          the epoch's position in {@link ValidationGrid#epochs}
     * @param images     the file the validation split was drawn from ({@link ValidationGrid#sourceIndex} points in)
     * @param classNames the class names by number
     * @param scale      each pixel becomes a {@code scale x scale} block
     */
    public static BufferedImage of(ValidationGrid grid, int e, ImageSet images, List<String> classNames, int scale) {
        int imageWidth = images.cols() * scale;
        int imageHeight = images.rows() * scale;
        int rows = (grid.size() + COLUMNS - 1) / COLUMNS;
        int tileWidth = tileWidth(imageWidth);
        int tileHeight = imageHeight + 2 * FRAME + 2 * CAPTION_LINE + 2 * PAD;
        BufferedImage figure = new BufferedImage(2 * PAD + Math.min(COLUMNS, grid.size()) * tileWidth,
                TITLE_HEIGHT + rows * tileHeight + PAD, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Figures.graphics(figure);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, figure.getWidth(), figure.getHeight());
        int epoch = grid.epochs().get(e);
        g.setColor(Color.BLACK);
        g.setFont(Figures.TITLE_FONT);
        g.drawString(String.format(Locale.ROOT, "Epoch %d%s: %d of %d wrong", epoch,
                epoch == grid.keptEpoch() ? " (the trained model)" : "", grid.wrong(e), grid.size()), PAD, 20);
        g.setFont(CAPTION);
        FontMetrics metrics = g.getFontMetrics();
        for (int i = 0; i < grid.size(); i++) {
            int[] corner = imageCorner(i, imageWidth, imageHeight);
            boolean wrong = grid.predicted()[e][i] != grid.labels()[i];
            if (wrong) {
                g.setColor(WRONG);
                // the image covers all of it but the frame
                g.fillRect(corner[0] - FRAME, corner[1] - FRAME, imageWidth + 2 * FRAME, imageHeight + 2 * FRAME);
            }
            paintGrey(figure, images, grid.sourceIndex()[i], corner, scale);
            int centre = corner[0] + imageWidth / 2;
            int baseline = corner[1] + imageHeight + FRAME + CAPTION_LINE;
            g.setColor(Color.DARK_GRAY);
            Figures.drawCentred(g, fit(classNames.get(grid.labels()[i]), metrics, tileWidth - 4), centre, baseline);
            g.setColor(wrong ? WRONG : Color.BLACK);
            String predicted = String.format(Locale.ROOT, " %.2f", grid.probability()[e][i]);
            Figures.drawCentred(g, fit(classNames.get(grid.predicted()[e][i]), metrics,
                    tileWidth - 4 - metrics.stringWidth(predicted)) + predicted, centre, baseline + CAPTION_LINE);
        }
        g.dispose();
        return figure;
    }

    /**
     * Paints image {@code index} with each pixel a {@code scale x scale} block of grey of its own value: drawing the
     * {@link ImageSet#image} (a linear grey colour space) into sRGB would lighten its mid-tones.
     */
    private static void paintGrey(BufferedImage figure, ImageSet images, int index, int[] corner, int scale) {
        int start = index * images.pixelsPerImage();
        for (int y = 0; y < images.rows() * scale; y++) {
            for (int x = 0; x < images.cols() * scale; x++) {
                int value = images.pixels()[start + (y / scale) * images.cols() + x / scale] & 0xFF;
                figure.setRGB(corner[0] + x, corner[1] + y, 0xFF000000 | value << 16 | value << 8 | value);
            }
        }
    }

    /** {@code text}, cut short with an ellipsis where it is wider than {@code width}. */
    private static String fit(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}

package dev.layerscope.report.figures;

import dev.layerscope.linalg.FloatMatrix;
import dev.layerscope.reduce.pca.Pca;
import dev.layerscope.train.Trajectory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import smile.plot.swing.Figure;
import smile.plot.swing.Line;
import smile.plot.swing.Point;
import smile.plot.swing.ScatterPlot;

/**
 * The information-bottleneck trajectory as an animated GIF: a frame per snapshot of {@value #PLOT} x {@value #PLOT}
 * plot plus a legend column. smile-plot draws each frame's points, trails, axes and title (with the epoch); Java2D
 * adds the legend of class names; the JDK's GIF writer writes the frames, looping forever.
 */
public final class BottleneckGif {

    static final int PLOT = 600;
    /** Frame delay in hundredths of a second; the last frame holds longer, so the trained state can be read. */
    static final int FRAME_DELAY = 50;
    static final int LAST_FRAME_DELAY = 200;
    private static final int POINT_ALPHA = 200;
    private static final int TRAIL_ALPHA = 40;

    private BottleneckGif() {
    }

    /**
     * Writes the GIF of {@code trajectory}: 2 units are plotted as they are, a wider layer is projected onto the 2
     * principal components of its last snapshot (where the classes separate), the same projection for every frame;
     * the axes span every frame's points.
     */
    public static void write(Trajectory trajectory, List<String> classNames, Path file) throws IOException {
        double[][][] xy = plane(trajectory);
        List<BufferedImage> frames = frames(trajectory, xy, classNames);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.deleteIfExists(file);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int s = 0; s < frames.size(); s++) {
                BufferedImage frame = frames.get(s);
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata = writer.getDefaultImageMetadata(
                        ImageTypeSpecifier.createFromRenderedImage(frame), param);
                frameMetadata(metadata, s == frames.size() - 1 ? LAST_FRAME_DELAY : FRAME_DELAY, s == 0);
                writer.writeToSequence(new IIOImage(frame, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    /** Each snapshot's points in the plane: {@code [snapshot][sample] = {x, y}}. */
    static double[][][] plane(Trajectory trajectory) {
        int snapshots = trajectory.snapshots();
        int samples = trajectory.samples();
        int units = trajectory.units();
        if (units < 2) {
            throw new IllegalArgumentException("a trajectory of " + units + " unit cannot be drawn in the plane");
        }
        double[][][] xy = new double[snapshots][samples][2];
        Pca pca = units == 2 ? null : Pca.fit(snapshot(trajectory, snapshots - 1), 2);
        for (int s = 0; s < snapshots; s++) {
            FloatMatrix points = pca == null ? snapshot(trajectory, s) : pca.transform(snapshot(trajectory, s));
            for (int i = 0; i < samples; i++) {
                xy[s][i][0] = points.get(i, 0);
                xy[s][i][1] = points.get(i, 1);
            }
        }
        return xy;
    }

    private static FloatMatrix snapshot(Trajectory trajectory, int s) {
        int size = trajectory.samples() * trajectory.units();
        float[] values = new float[size];
        System.arraycopy(trajectory.points(), s * size, values, 0, size);
        return new FloatMatrix(trajectory.samples(), trajectory.units(), values);
    }

    private static List<BufferedImage> frames(Trajectory trajectory, double[][][] xy, List<String> classNames) {
        double[] lower = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] upper = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[][] snapshot : xy) {
            for (double[] point : snapshot) {
                for (int d = 0; d < 2; d++) {
                    lower[d] = Math.min(lower[d], point[d]);
                    upper[d] = Math.max(upper[d], point[d]);
                }
            }
        }
        boolean projected = trajectory.units() > 2;
        String space = projected ? "PCA of the last epoch" : "units 1 and 2";
        String[] axes = projected ? new String[] {"PC 1", "PC 2"} : new String[] {"unit 1", "unit 2"};
        List<BufferedImage> frames = new ArrayList<>();
        int[] labels = trajectory.labels();
        for (int s = 0; s < xy.length; s++) {
            // fixed bounds, padded by smile once: every frame shares the axes
            Figure figure = new Figure(lower.clone(), upper.clone());
            for (int i = 0; s > 0 && i < labels.length; i++) {
                double[][] path = new double[s + 1][];
                for (int t = 0; t <= s; t++) {
                    path[t] = xy[t][i];
                }
                figure.add(new Line(path, Line.Style.SOLID, ' ', Figures.classColor(labels[i], TRAIL_ALPHA)));
            }
            List<Point> points = new ArrayList<>();
            for (int c = 0; c < classNames.size(); c++) {
                List<double[]> members = new ArrayList<>();
                for (int i = 0; i < labels.length; i++) {
                    if (labels[i] == c) {
                        members.add(xy[s][i]);
                    }
                }
                if (!members.isEmpty()) {
                    points.add(new Point(members.toArray(double[][]::new), '@',
                            Figures.classColor(c, POINT_ALPHA)));
                }
            }
            figure.add(new ScatterPlot(points.toArray(Point[]::new)));
            figure.setTitle(trajectory.layer() + " (" + space + "), epoch " + s + " of " + (xy.length - 1))
                    .setTitleFont(Figures.TITLE_FONT).setLegendVisible(false).setMargin(0.12).setAxisLabels(axes);
            frames.add(Figures.withLegend(figure, PLOT, PLOT, classNames, PLOT + 10, 60));
        }
        return frames;
    }

    /**
     * Sets a frame's delay and, on the first frame, the NETSCAPE2.0 application extension that makes viewers loop
     * the animation forever (loop count 0).
     */
    private static void frameMetadata(IIOMetadata metadata, int delay, boolean first) throws IOException {
        String format = metadata.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delay));
        control.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode extension = new IIOMetadataNode("ApplicationExtension");
            extension.setAttribute("applicationID", "NETSCAPE");
            extension.setAttribute("authenticationCode", "2.0");
            // sub-block 1, then the loop count as a little-endian short: 0 loops forever
            extension.setUserObject(new byte[] {1, 0, 0});
            child(root, "ApplicationExtensions").appendChild(extension);
        }
        metadata.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}

package dev.layerscope.attribution;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.attribution.AttributionResults.Image;
import dev.layerscope.attribution.AttributionSettings.Method;
import dev.layerscope.data.ImageSet;
import dev.layerscope.data.Npy;
import dev.layerscope.hardneg.HardNegatives;
import dev.layerscope.kernel.Csv;
import dev.layerscope.kernel.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The attribution stage's files:
 * <pre>
 * maps.npy                           float32, images x methods x rows x cols: the maps, in maps.csv's row order and
 *                                    the methods' order of its lines (saliency and integrated gradients signed,
 *                                    Grad-CAM at least 0)
 * maps.csv                           row,kind,test_index,true_class,predicted_class,target_class,method,
 *                                    completeness_error,image: a line per image and method; row is the image's
 *                                    row in maps.npy, completeness_error is integrated gradients' (empty for the
 *                                    other methods), image the heatmap's file name
 * &lt;kind&gt;-&lt;test index&gt;-&lt;method&gt;.png   the image in grey with its map over it: red where the map is
 *                                    positive, blue where negative, the more opaque the larger, against the map's
 *                                    largest absolute value; each pixel an image-scale block
 * sanity.csv                         method,layers_randomised,layer,mean_spearman,flagged: the cascading
 *                                    randomisation, layer the lowest one randomised; flagged is true on every line
 *                                    of a flagged method
 * attribution.json                   the results whole, for {@link #read}; says why Grad-CAM is missing
 * </pre>
 */
public final class AttributionFiles {

    static final String MAPS = "maps.npy";
    static final String TABLE = "maps.csv";
    static final String SANITY = "sanity.csv";
    private static final String RESULTS = "attribution.json";

    private AttributionFiles() {
    }

    /** The heatmap's file name. */
    static String png(HardNegatives.Kind kind, int testIndex, Method method) {
        return kind.label() + "-" + testIndex + "-" + method.key() + ".png";
    }

    static void write(Path dir, AttributionResults results, ImageSet test, List<String> classNames, int scale)
            throws IOException {
        Attribution.Maps maps = results.maps();
        Npy.writeFloats(dir.resolve(MAPS), maps.values(), maps.images(), maps.methods().size(), maps.rows(),
                maps.cols());
        List<String> table = new ArrayList<>(List.of("row,kind,test_index,true_class,predicted_class,target_class,"
                + "method,completeness_error,image"));
        for (Image image : results.images()) {
            for (int m = 0; m < results.methods().size(); m++) {
                Method method = results.methods().get(m);
                table.add(String.join(",", Integer.toString(image.row()), image.kind().label(),
                        Integer.toString(image.testIndex()), Csv.field(classNames.get(image.trueClass())),
                        Csv.field(classNames.get(image.predicted())), Csv.field(classNames.get(image.targetClass())),
                        method.key(), method == Method.INTEGRATED_GRADIENTS
                                ? String.format(Locale.ROOT, "%.6g", image.completenessError()) : "",
                        image.pngs().get(m)));
                ImageIO.write(heatmap(test, image.testIndex(), maps.map(image.row(), m), scale), "png",
                        dir.resolve(image.pngs().get(m)).toFile());
            }
        }
        Files.write(dir.resolve(TABLE), table);
        List<String> sanity = new ArrayList<>(List.of("method,layers_randomised,layer,mean_spearman,flagged"));
        for (CascadingRandomisation.Line line : results.sanity()) {
            sanity.add(String.format(Locale.ROOT, "%s,%d,%s,%.6f,%b", line.method().key(), line.layersRandomised(),
                    Csv.field(line.layer()), line.meanSpearman(), results.flagged().contains(line.method())));
        }
        Files.write(dir.resolve(SANITY), sanity);
        Json.write(dir.resolve(RESULTS), toJson(results));
    }

    /**
     * Image {@code index} in grey with {@code map} over it, each pixel a {@code scale x scale} block: red where the
     * map is positive, blue where negative, with opacity |value| / max |value|.
     */
    public static BufferedImage heatmap(ImageSet images, int index, float[] map, int scale) {
        int rows = images.rows();
        int cols = images.cols();
        double largest = 0;
        for (float value : map) {
            largest = Math.max(largest, Math.abs(value));
        }
        BufferedImage out = new BufferedImage(cols * scale, rows * scale, BufferedImage.TYPE_INT_RGB);
        int start = index * images.pixelsPerImage();
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                int grey = images.pixels()[start + y * cols + x] & 0xFF;
                double value = largest == 0 ? 0 : map[y * cols + x] / largest;
                double alpha = Math.abs(value);
                int red = blend(grey, value > 0 ? 255 : 0, alpha);
                int green = blend(grey, 0, alpha);
                int blue = blend(grey, value < 0 ? 255 : 0, alpha);
                int rgb = (red << 16) | (green << 8) | blue;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return out;
    }

    private static int blend(int grey, int colour, double alpha) {
        return (int) Math.round(grey * (1 - alpha) + colour * alpha);
    }

    private static Map<String, Object> toJson(AttributionResults results) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("methods", results.methods().stream().map(Method::key).toList());
        json.put("grad-cam", results.gradCam());
        json.put("threshold", results.threshold());
        json.put("flagged", results.flagged().stream().map(Method::key).toList());
        json.put("images", results.images().stream().map(image -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("row", image.row());
            line.put("kind", image.kind().label());
            line.put("true-class", image.trueClass());
            line.put("test-index", image.testIndex());
            line.put("predicted", image.predicted());
            line.put("target-class", image.targetClass());
            line.put("completeness-error", Double.isFinite(image.completenessError())
                    ? image.completenessError() : null);
            line.put("pngs", image.pngs());
            return line;
        }).toList());
        json.put("sanity", results.sanity().stream().map(line -> Map.of("method", line.method().key(),
                "layers-randomised", line.layersRandomised(), "layer", line.layer(),
                "mean-spearman", Double.isFinite(line.meanSpearman()) ? line.meanSpearman() : "NaN")).toList());
        return json;
    }

    /** The results {@link #write} wrote into {@code dir}. */
    static AttributionResults read(Path dir) throws IOException {
        Path file = dir.resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": the attribution stage's results cannot be read back without it");
        }
        Config root = ConfigFactory.parseFile(file.toFile());
        List<Image> images = root.getConfigList("images").stream().map(json -> new Image(json.getInt("row"),
                kind(json.getString("kind")), json.getInt("true-class"), json.getInt("test-index"),
                json.getInt("predicted"), json.getInt("target-class"), json.getIsNull("completeness-error")
                        ? Double.NaN : json.getDouble("completeness-error"), json.getStringList("pngs"))).toList();
        List<CascadingRandomisation.Line> sanity = root.getConfigList("sanity").stream()
                .map(json -> new CascadingRandomisation.Line(method(json.getString("method")),
                        json.getInt("layers-randomised"), json.getString("layer"),
                        json.getString("mean-spearman").equals("NaN") ? Double.NaN
                                : json.getDouble("mean-spearman"))).toList();
        List<Method> methods = root.getStringList("methods").stream().map(AttributionFiles::method).toList();
        Npy.Floats values = Npy.readFloats(dir.resolve(MAPS));
        Attribution.Maps maps = new Attribution.Maps(methods, images.size(), (int) values.shape()[2],
                (int) values.shape()[3], values.values(), images.stream()
                .mapToDouble(Image::completenessError).toArray());
        return new AttributionResults(methods, root.getString("grad-cam"), images, maps, sanity,
                root.getStringList("flagged").stream().map(AttributionFiles::method).toList(),
                root.getDouble("threshold"));
    }

    private static Method method(String key) {
        return Arrays.stream(Method.values()).filter(method -> method.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no attribution method `" + key + "`"));
    }

    private static HardNegatives.Kind kind(String label) {
        return Arrays.stream(HardNegatives.Kind.values()).filter(kind -> kind.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no hardneg ranking `" + label + "`"));
    }
}

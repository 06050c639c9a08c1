package dev.layerscope.collapse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The collapse stage's tables:
 * <pre>
 * collapse.csv   layer,epoch,images,nc1,nc2_norm_cv,nc2_cos_mean,nc2_cos_std,nc3,nc4: the trained network's lines
 *                (images {@code train}: NC1 to NC3 from the training split, NC4 on the test split), then the per-epoch
 *                lines (images {@code record}: every measure on the per-epoch record's test images), so that the
 *                last epoch's two lines differ by a column and not by their order alone
 * collapse.json  the same results whole, for {@link #read}
 * </pre>
 * An undefined measure (NC1 when all class means coincide) is {@code NaN} in the CSV and null in the JSON, which
 * has no NaN. Typesafe Config writes a double as its shortest exact decimal and parses it back to the same bits, so
 * the JSON round-trips exactly; the CSV rounds to 6 significant digits.
 */
final class CollapseFiles {

    static final String TABLE = "collapse.csv";
    static final String HEADER = "layer,epoch,images,nc1,nc2_norm_cv,nc2_cos_mean,nc2_cos_std,nc3,nc4";
    /** The {@code images} of the trained network's lines: class means from the training split, NC4 on test. */
    static final String TRAINED = "train";
    /** The {@code images} of the per-epoch lines: the per-epoch record's test images. */
    static final String PER_EPOCH = "record";
    private static final String RESULTS = "collapse.json";

    private CollapseFiles() {
    }

    static void write(Path dir, CollapseResults results) throws IOException {
        List<String> table = new ArrayList<>(List.of(HEADER));
        results.lines().forEach(line -> table.add(row(line, TRAINED)));
        results.byEpoch().forEach(line -> table.add(row(line, PER_EPOCH)));
        Files.write(dir.resolve(TABLE), table);
        Json.write(dir.resolve(RESULTS), Map.of("classes", results.classes(),
                "lines", results.lines().stream().map(CollapseFiles::toJson).toList(),
                "by-epoch", results.byEpoch().stream().map(CollapseFiles::toJson).toList()));
    }

    private static String row(CollapseResults.Line line, String images) {
        NeuralCollapse.Measures m = line.measures();
        return String.format(Locale.ROOT, "%s,%d,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g", line.layer(), line.epoch(),
                images, m.nc1(), m.nc2NormCv(), m.nc2CosMean(), m.nc2CosStd(), m.nc3(), m.nc4());
    }

    /** The results {@link #write} wrote into {@code dir}, equal field by field. */
    static CollapseResults read(Path dir) throws IOException {
        Path file = dir.resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": the collapse stage's results cannot be read back without it");
        }
        Config root = ConfigFactory.parseFile(file.toFile());
        return new CollapseResults(root.getInt("classes"), lines(root.getConfigList("lines")),
                lines(root.getConfigList("by-epoch")));
    }

    private static List<CollapseResults.Line> lines(List<? extends Config> lines) {
        return lines.stream().map(json -> new CollapseResults.Line(json.getString("layer"), json.getInt("epoch"),
                json.getInt("width"), new NeuralCollapse.Measures(value(json, "nc1"), value(json, "nc2-norm-cv"),
                value(json, "nc2-cos-mean"), value(json, "nc2-cos-std"), value(json, "nc3"), value(json, "nc4"),
                json.getInt("between-rank")))).toList();
    }

    /** One line as collapse.json and run.json hold it. */
    static Map<String, Object> toJson(CollapseResults.Line line) {
        NeuralCollapse.Measures m = line.measures();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("layer", line.layer());
        json.put("epoch", line.epoch());
        json.put("width", line.width());
        json.put("nc1", orNull(m.nc1()));
        json.put("nc2-norm-cv", orNull(m.nc2NormCv()));
        json.put("nc2-cos-mean", orNull(m.nc2CosMean()));
        json.put("nc2-cos-std", orNull(m.nc2CosStd()));
        json.put("nc3", orNull(m.nc3()));
        json.put("nc4", orNull(m.nc4()));
        json.put("between-rank", m.betweenRank());
        return json;
    }

    private static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static double value(Config json, String key) {
        return json.getIsNull(key) ? Double.NaN : json.getDouble(key);
    }
}

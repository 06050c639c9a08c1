package dev.layerscope.cka;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Csv;
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
 * The cka stage's tables:
 * <pre>
 * cka.csv      run_a,layer_a,run_b,layer_b,epoch,cka,estimator,n   every ordered pair of layers, then the settling
 *                                                                  rows (a layer after an earlier epoch with itself
 *                                                                  after the last, on the per-epoch record)
 * subsets.csv  run_a,run_b,n,file                                  which test images each comparison took
 * cka.json     the results whole, for {@link #read}
 * </pre>
 * Each subset file is an {@code .npy} of the n test-file indices compared (ascending), which each run's
 * {@code capture/test-index.npy} maps to its rows. A CKA that is not defined (a constant layer) is {@code NaN} in
 * the CSV and null in the JSON.
 */
final class CkaFiles {

    static final String TABLE = "cka.csv";
    static final String SUBSETS = "subsets.csv";
    private static final String RESULTS = "cka.json";

    /**
     * Which test images one comparison of run A with run B took.
     *
     * @param file the {@code .npy} of their test-file indices, in the stage's folder
     */
    record Subset(String runA, String runB, int n, String file) {
    }

    private CkaFiles() {
    }

    static void write(Path dir, CkaResults results, List<Subset> subsets) throws IOException {
        List<String> table = new ArrayList<>(List.of("run_a,layer_a,run_b,layer_b,epoch,cka,estimator,n"));
        for (CkaResults.Similarity s : results.rows()) {
            table.add(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%.8f,%s,%d", Csv.field(s.runA()),
                    Csv.field(s.layerA()), Csv.field(s.runB()), Csv.field(s.layerB()), s.epoch(), s.cka(),
                    s.estimator().key(), s.n()));
        }
        List<String> subsetTable = new ArrayList<>(List.of("run_a,run_b,n,file"));
        for (Subset subset : subsets) {
            subsetTable.add(Csv.field(subset.runA()) + "," + Csv.field(subset.runB()) + "," + subset.n() + ","
                    + Csv.field(subset.file()));
        }
        Files.write(dir.resolve(TABLE), table);
        Files.write(dir.resolve(SUBSETS), subsetTable);
        Json.write(dir.resolve(RESULTS), Map.of("run", results.run(),
                "similarities", results.similarities().stream().map(CkaFiles::toJson).toList(),
                "settling", results.settling().stream().map(CkaFiles::toJson).toList()));
    }

    /** The results {@link #write} wrote into {@code dir}, equal field by field. */
    static CkaResults read(Path dir) throws IOException {
        Path file = dir.resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": the cka stage's results cannot be read back without it");
        }
        Config root = ConfigFactory.parseFile(file.toFile());
        return new CkaResults(root.getString("run"), root.getConfigList("similarities").stream()
                .map(CkaFiles::similarity).toList(), root.getConfigList("settling").stream()
                .map(CkaFiles::similarity).toList());
    }

    static Map<String, Object> toJson(CkaResults.Similarity s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run-a", s.runA());
        json.put("layer-a", s.layerA());
        json.put("run-b", s.runB());
        json.put("layer-b", s.layerB());
        json.put("epoch", s.epoch());
        json.put("cka", Double.isNaN(s.cka()) ? null : s.cka());
        json.put("estimator", s.estimator().key());
        json.put("n", s.n());
        return json;
    }

    private static CkaResults.Similarity similarity(Config json) {
        return new CkaResults.Similarity(json.getString("run-a"), json.getString("layer-a"), json.getString("run-b"),
                json.getString("layer-b"), json.getInt("epoch"),
                json.getIsNull("cka") ? Double.NaN : json.getDouble("cka"),
                Cka.Estimator.ofKey(json.getString("estimator")), json.getInt("n"));
    }
}

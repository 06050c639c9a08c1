package dev.layerscope.probe;

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
 * The probe stage's files:
 * <pre>
 * probes.csv   layer,dimensions,epoch,split,strength,chosen,points,correct,accuracy,iterations,converged
 * probes.json  the same results whole, for {@link #read}
 * layers/&lt;layer&gt;.json  one layer's final probes (a stored part, shared by the runs whose layer is the same)
 * </pre>
 * Per layer, {@code probes.csv} has a {@code validation} line for every strength (when the validation split is
 * captured), then a {@code train} line (the chosen probe on its own training rows) and a {@code test} line for the
 * chosen strength, whose {@code chosen} is {@code true}. After them, per layer of the capture's per-epoch record and
 * epoch recorded, a {@code record-held-out} line: the probe of that epoch on the half of the record's images it was
 * not fitted on, with the strength the layer's test line chose.
 */
final class ProbeFiles {

    /**
     * The results as {@link #read} needs them: the CSV rounds the accuracies. Typesafe Config writes a double as its
     * shortest exact decimal and parses it back to the same bits.
     */
    private static final String RESULTS = "probes.json";
    static final String TABLE = "probes.csv";
    private static final String LAYERS = "layers";
    static final String HEADER = "layer,dimensions,epoch,split,strength,chosen,points,correct,accuracy,iterations,"
            + "converged";

    private ProbeFiles() {
    }

    static void write(Path dir, ProbeResults results) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (ProbeResults.LayerProbe layer : results.layers()) {
            for (int i = 0; i < layer.fits().size(); i++) {
                ProbeResults.Fit fit = layer.fits().get(i);
                if (fit.validation().points() > 0) {
                    lines.add(line(layer, results.epoch(), "validation", fit, i == layer.chosen(), fit.validation()));
                }
            }
            lines.add(line(layer, results.epoch(), "train", layer.chosenFit(), true, layer.train()));
            lines.add(line(layer, results.epoch(), "test", layer.chosenFit(), true, layer.test()));
        }
        for (ProbeResults.EpochProbe probe : results.byEpoch()) {
            lines.add(String.format(Locale.ROOT, "%s,%d,%d,%s,%s,%b,%d,%d,%.6f,%d,%b", Csv.field(probe.layer()),
                    probe.dimensions(), probe.epoch(), ProbeResults.RECORD_HELD_OUT, probe.strength(), true,
                    probe.heldOut().points(), probe.heldOut().correct(), probe.heldOut().accuracy(),
                    probe.iterations(), probe.converged()));
        }
        Files.write(dir.resolve(TABLE), lines);
        Json.write(dir.resolve(RESULTS), Map.of("epoch", results.epoch(),
                "layers", results.layers().stream().map(ProbeFiles::toJson).toList(),
                "by-epoch", results.byEpoch().stream().map(ProbeFiles::toJson).toList()));
    }

    /** The results {@link #write} wrote into {@code dir}, equal field by field. */
    static ProbeResults read(Path dir) throws IOException {
        Path file = dir.resolve(RESULTS);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": the probe stage's results cannot be read back without it");
        }
        Config root = ConfigFactory.parseFile(file.toFile());
        return new ProbeResults(root.getInt("epoch"),
                root.getConfigList("layers").stream().map(ProbeFiles::layer).toList(),
                root.getConfigList("by-epoch").stream().map(json -> new ProbeResults.EpochProbe(json.getString("layer"),
                        json.getInt("dimensions"), json.getInt("epoch"), json.getDouble("strength"),
                        score(json.getConfig("held-out")), json.getInt("iterations"), json.getBoolean("converged")))
                        .toList());
    }

    /** Where a layer's final probes are, as a part of the stage's folder. */
    private static Path layerFile(Path dir, String layer) {
        return dir.resolve(LAYERS).resolve(layer + ".json");
    }

    /** One layer's final probes, whole: a stored part of the stage's folder. */
    static void writeLayer(Path dir, ProbeResults.LayerProbe layer) throws IOException {
        Path file = layerFile(dir, layer.layer());
        Files.createDirectories(file.getParent());
        Json.write(file, toJson(layer));
    }

    /** The layer's final probes {@link #writeLayer} wrote into {@code dir}, equal field by field. */
    static ProbeResults.LayerProbe readLayer(Path dir, String layer) {
        return layer(ConfigFactory.parseFile(layerFile(dir, layer).toFile()));
    }

    private static String line(ProbeResults.LayerProbe layer, int epoch, String split, ProbeResults.Fit fit,
                               boolean chosen, ProbeResults.Score score) {
        return String.format(Locale.ROOT, "%s,%d,%d,%s,%s,%b,%d,%d,%.6f,%d,%b", Csv.field(layer.layer()),
                layer.dimensions(), epoch, split, fit.strength(), chosen, score.points(), score.correct(),
                score.accuracy(), fit.iterations(), fit.converged());
    }

    /** A layer's probes as probes.json and run.json hold them. */
    static Map<String, Object> toJson(ProbeResults.LayerProbe layer) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("layer", layer.layer());
        json.put("dimensions", layer.dimensions());
        json.put("strength", layer.chosenFit().strength());
        json.put("chosen", layer.chosen());
        json.put("train", toJson(layer.train()));
        json.put("test", toJson(layer.test()));
        json.put("fits", layer.fits().stream().map(fit -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("strength", fit.strength());
            f.put("validation", toJson(fit.validation()));
            f.put("iterations", fit.iterations());
            f.put("converged", fit.converged());
            return f;
        }).toList());
        return json;
    }

    /** A per-epoch probe as probes.json and run.json hold it. */
    static Map<String, Object> toJson(ProbeResults.EpochProbe probe) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("layer", probe.layer());
        json.put("dimensions", probe.dimensions());
        json.put("epoch", probe.epoch());
        json.put("strength", probe.strength());
        json.put("held-out", toJson(probe.heldOut()));
        json.put("iterations", probe.iterations());
        json.put("converged", probe.converged());
        return json;
    }

    /** A score's counts and, for people reading run.json, its accuracy (null where nothing was scored). */
    private static Map<String, Object> toJson(ProbeResults.Score score) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("correct", score.correct());
        json.put("points", score.points());
        json.put("accuracy", score.points() == 0 ? null : score.accuracy());
        return json;
    }

    private static ProbeResults.LayerProbe layer(Config json) {
        return new ProbeResults.LayerProbe(json.getString("layer"), json.getInt("dimensions"),
                json.getConfigList("fits").stream().map(f -> new ProbeResults.Fit(f.getDouble("strength"),
                        score(f.getConfig("validation")), f.getInt("iterations"), f.getBoolean("converged"))).toList(),
                json.getInt("chosen"), score(json.getConfig("train")), score(json.getConfig("test")));
    }

    private static ProbeResults.Score score(Config json) {
        return new ProbeResults.Score(json.getInt("correct"), json.getInt("points"));
    }
}

package dev.layerscope.reduce;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.capture.Activations;
import dev.layerscope.kernel.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reduce stage's folder: each map's files ({@link EmbeddingFiles}) and its record {@code <input>-<method>.json}
 * (input, method, placement, points, seconds, details), {@code embeddings.json} with every map's record, which is
 * read back when the stage is reused, and {@code embeddings.csv}, one line per map.
 */
final class ReduceFolder {

    private static final String TRAIN = "train";
    private static final String TEST = "test";
    /** Every map's record, read back when the stage is reused. */
    private static final String RECORDS = "embeddings.json";

    private ReduceFolder() {
    }

    /** One map's files and record, in {@code dir}. */
    static void writeMap(Path dir, Embeddings.Embedding embedding) throws IOException {
        EmbeddingFiles.write(dir, embedding);
        Json.write(dir.resolve(embedding.name() + ".json"), record(embedding));
    }

    /** The map {@code name} ({@code <input>-<method>}) as {@link #writeMap} wrote it. */
    static Embeddings.Embedding readMap(Path dir, String name, Activations activations) throws IOException {
        return read(dir, ConfigFactory.parseFile(dir.resolve(name + ".json").toFile()), activations);
    }

    /** {@code embeddings.json} and {@code embeddings.csv} of every map the stage made. */
    static void writeIndex(Path dir, List<Embeddings.Embedding> made) throws IOException {
        try (BufferedWriter csv = Files.newBufferedWriter(dir.resolve("embeddings.csv"))) {
            // the recalls are empty where the neighbour search was exact (or the map needs no neighbours)
            csv.write("input,method,placement,train_points,test_points,neighbors_seconds,fit_seconds,"
                    + "test_neighbors_seconds,place_test_seconds,neighbor_recall,test_neighbor_recall\n");
            for (Embeddings.Embedding embedding : made) {
                csv.write(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%s,%s%n", embedding.input(),
                        embedding.method(), embedding.placement(), embedding.train().rows(), embedding.test().rows(),
                        embedding.seconds().get("neighbors"), embedding.seconds().get("fit"),
                        embedding.seconds().get("test-neighbors"), embedding.seconds().get("place-test"),
                        recall(embedding, MapMaker.NEIGHBOR_RECALL), recall(embedding, MapMaker.TEST_NEIGHBOR_RECALL)));
            }
        }
        Json.write(dir.resolve(RECORDS), Map.of("embeddings", records(made)));
    }

    private static String recall(Embeddings.Embedding embedding, String key) {
        return embedding.details().get(key) instanceof Number recall
                ? String.format(Locale.ROOT, "%.4f", recall.doubleValue()) : "";
    }

    /** Every map {@link #writeIndex} listed in {@code embeddings.json}. */
    static List<Embeddings.Embedding> readIndex(Path dir, Activations activations) throws IOException {
        List<Embeddings.Embedding> made = new ArrayList<>();
        for (Config record : ConfigFactory.parseFile(dir.resolve(RECORDS).toFile()).getConfigList("embeddings")) {
            made.add(read(dir, record, activations));
        }
        return made;
    }

    /** Each map's record, as the files hold it. */
    static List<Map<String, Object>> records(List<Embeddings.Embedding> made) {
        return made.stream().map(ReduceFolder::record).toList();
    }

    private static Map<String, Object> record(Embeddings.Embedding embedding) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("input", embedding.input());
        record.put("method", embedding.method());
        record.put("placement", embedding.placement());
        record.put("train-points", embedding.train().rows());
        record.put("test-points", embedding.test().rows());
        record.put("seconds", embedding.seconds());
        record.put("details", embedding.details());
        return record;
    }

    /** A map as {@link EmbeddingFiles} and {@link #record} wrote it. */
    private static Embeddings.Embedding read(Path dir, Config record, Activations activations) throws IOException {
        String name = record.getString("input") + "-" + record.getString("method");
        Map<String, Double> seconds = new LinkedHashMap<>();
        record.getConfig("seconds").root().unwrapped()
                .forEach((key, value) -> seconds.put(key, ((Number) value).doubleValue()));
        return new Embeddings.Embedding(record.getString("input"), record.getString("method"),
                record.getString("placement"), EmbeddingFiles.read(dir, name, TRAIN),
                EmbeddingFiles.read(dir, name, TEST), activations.splits().get(TRAIN), activations.splits().get(TEST),
                seconds, record.getConfig("details").root().unwrapped());
    }
}

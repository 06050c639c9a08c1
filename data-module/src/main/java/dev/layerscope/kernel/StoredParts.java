package dev.layerscope.kernel;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pieces of a {@link ReusableStage}'s output that later runs reuse one by one, even when the stage as a whole runs
 * again: the reduce stage's maps, so that a changed t-SNE setting recomputes the t-SNE maps and nothing else. A part
 * is keyed by the stage's class and code, what the part reads, and an identity the stage gives (what the part
 * depends on of the stage's settings). What it reads is by default everything the stage reads (the fingerprints of
 * the stage's artifacts); a stage that knows a part reads less names the fingerprints the part depends on instead,
 * so that the part is shared by runs whose other inputs differ (the maps of the raw pixels, the same whatever
 * network the run trained). It is kept in the store like a stage folder (checksummed, moved into place whole,
 * locked while computed) and its files are hard-linked into the stage's folder, so the stage reads them there
 * whether they were computed or reused, and no array is copied.
 */
public final class StoredParts {

    private static final Logger LOG = LoggerFactory.getLogger(StoredParts.class);

    /** Writes one part's files into an empty folder. */
    @FunctionalInterface
    public interface Writer {
        void write(Path folder) throws IOException;
    }

    private final StageStore store;
    private final String stage;
    private final String stageCode;
    private final String stageReads;
    private final boolean forced;
    private final Path outputDir;
    private final Path runDir;
    private final List<String> fingerprints = new ArrayList<>();
    private final Map<String, Object> provenance = new LinkedHashMap<>();

    /**
     * @param stageCode  the stage's class and code, in every part's key
     * @param stageReads the fingerprints of what the stage reads, in the key of a part that does not name its own
     */
    StoredParts(StageStore store, String stage, String stageCode, String stageReads, boolean forced, Path outputDir,
                Path runDir) {
        this.store = store;
        this.stage = stage;
        this.stageCode = stageCode;
        this.stageReads = stageReads;
        this.forced = forced;
        this.outputDir = outputDir;
        this.runDir = runDir;
    }

    /**
     * Puts a part's files into the stage's folder: those stored by an earlier run with the same inputs and
     * identity, or those {@code writer} writes now (then stored for later runs). The part depends on everything the
     * stage reads.
     *
     * @param label    names the part in the log and in {@code run.json}, e.g. {@code dense2-tsne}
     * @param identity everything of the stage's settings the part depends on; equal identities must give equal
     *                 files
     * @return whether the part was reused
     */
    public boolean include(String label, String identity, Writer writer) throws IOException {
        return includeKeyed(label, identity, stageReads, writer);
    }

    /**
     * Puts a part that depends on less than the stage reads into the stage's folder, as {@link #include(String,
     * String, Writer)} does: its key holds the stage's class and code, {@code identity}, and the fingerprints in
     * {@code dependsOn} instead of those of the stage's artifacts. Runs whose artifacts differ share the part when
     * what it depends on is the same.
     *
     * @param dependsOn the fingerprints of what the part is made of, each standing for all its content and what
     *                  made it (e.g. {@code Activations.layerFingerprint}); equal fingerprints and identities must
     *                  give equal files
     */
    public boolean include(String label, String identity, List<String> dependsOn, Writer writer) throws IOException {
        StringBuilder reads = new StringBuilder();
        dependsOn.forEach(fingerprint -> reads.append("depends-on=").append(fingerprint).append('\n'));
        return includeKeyed(label, identity, reads.toString(), writer);
    }

    private boolean includeKeyed(String label, String identity, String reads, Writer writer) throws IOException {
        String fingerprint = Hashes.sha256(stageCode + reads + "part=" + identity + "\n");
        Path folder = store.partFolder(stage, fingerprint);
        String what = "[" + stage + "] " + label + ":";
        boolean reused;
        try (StageStore.Lock lock = store.lock(folder, what)) {
            Optional<Path> stored = store.find(folder, what);
            if (stored.isPresent() && forced) {
                StageStore.delete(stored.get()); // runs.force names the stage: its parts are computed again too
                stored = Optional.empty();
            }
            reused = stored.isPresent();
            if (reused) {
                String origin = StageStore.origin(folder);
                LOG.info("{} reused: same inputs and settings as in run {}", what, origin);
                provenance.put(label, Map.of("status", "reused", "computed-in", origin));
            } else {
                Path partial = StageStore.partialPart(folder);
                if (Files.exists(partial)) {
                    StageStore.delete(partial); // left by a run killed while writing it; we hold its lock
                }
                Files.createDirectories(partial);
                writer.write(partial);
                store.put(partial, folder, runDir);
                provenance.put(label, Map.of("status", "computed"));
            }
            link(folder);
        }
        fingerprints.add(fingerprint);
        return reused;
    }

    /** The fingerprints of the parts included, for the stage folder's {@code parts.txt}. */
    List<String> fingerprints() {
        return List.copyOf(fingerprints);
    }

    /** Per part label, whether it was computed or reused and from which run, for {@code run.json}. */
    Map<String, Object> provenance() {
        return provenance;
    }

    /** How many parts were computed and how many reused: {@code {computed: 2, reused: 4}}, for {@code run.json}. */
    Map<String, Object> counts() {
        long reused = provenance.values().stream()
                .filter(part -> "reused".equals(((Map<?, ?>) part).get("status"))).count();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("computed", provenance.size() - reused);
        counts.put("reused", reused);
        return counts;
    }

    /** Hard-links a stored part's files into the stage's folder; copies them where links are not possible. */
    private void link(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> entries = Files.walk(folder)) {
            files = entries.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            Path relative = folder.relativize(file);
            if (relative.toString().equals(StageStore.MANIFEST) || relative.toString().equals(StageStore.ORIGIN)) {
                continue;
            }
            Path target = outputDir.resolve(relative);
            Files.createDirectories(target.getParent());
            try {
                Files.createLink(target, file);
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                Files.copy(file, target);
            }
        }
    }
}

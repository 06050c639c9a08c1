package dev.layerscope.kernel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folders of {@link ReusableStage}s, shared by every run under one runs folder:
 * {@code <runs.dir>/.store/<stage>/<fingerprint>/}, and the {@link StoredParts} of a stage in
 * {@code <runs.dir>/.store/<stage>/.parts/<fingerprint>/}. A stage that {@code runs.force} runs again is stored
 * beside the earlier output of its fingerprint, as {@code <fingerprint>.2/}, {@code .3/} and so on, never over it:
 * the runs that link to the earlier folder keep what they had, and later runs reuse the newest. Each folder has a
 * {@code manifest.tsv} (SHA-256, size and path of every file) written before the folder is moved into place in one
 * rename, so a folder in the store is always complete. A folder whose files no longer match its manifest (truncated, changed) is reported and removed, never
 * used. Computing a fingerprint is serialised across processes by a file lock and within this JVM by a lock per
 * fingerprint, so two runs never compute the same folder at once: the second waits and then reuses.
 */
public final class StageStore {

    static final String MANIFEST = "manifest.tsv";
    /** The run folder that computed a stored folder, for the log of the runs that reuse it. */
    static final String ORIGIN = "origin.txt";
    /** The stage's metrics in the run that computed it, for the {@code run.json} of the runs that reuse it. */
    static final String METRICS = "metrics.json";
    /** The fingerprints of the parts a stored stage folder links to, one per line, so that cleanup keeps them. */
    static final String PARTS = "parts.txt";
    private static final String PARTS_FOLDER = ".parts";
    private static final String PARTIAL = ".partial";
    private static final Logger LOG = LoggerFactory.getLogger(StageStore.class);
    /** File locks belong to the JVM, so threads of one JVM (tests running two runs at once) also take this one. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;

    public StageStore(Path runsDir) {
        this.root = runsDir.resolve(".store");
    }

    /** The folder a stage's output with this fingerprint has in the store. */
    Path folder(String stage, String fingerprint) {
        return root.resolve(stage).resolve(fingerprint);
    }

    /**
     * The folders stored for a fingerprint ({@link #folder}), oldest first: the folder itself, then the ones that
     * forced runs stored beside it.
     */
    static List<Path> generations(Path folder) throws IOException {
        String base = folder.getFileName().toString();
        List<Path> found = new ArrayList<>();
        for (Path sibling : folders(folder.getParent(), StageStore::isVisible)) {
            if (generation(sibling, base) > 0) {
                found.add(sibling);
            }
        }
        found.sort(Comparator.comparingLong(sibling -> generation(sibling, base)));
        return found;
    }

    /** Where a forced run of this fingerprint stores its output: after every folder stored for it already. */
    static Path nextGeneration(Path folder) throws IOException {
        List<Path> stored = generations(folder);
        if (stored.isEmpty()) {
            return folder;
        }
        String base = folder.getFileName().toString();
        return folder.resolveSibling(base + "." + (generation(stored.getLast(), base) + 1));
    }

    /** 1 for the fingerprint's own folder, n for {@code <fingerprint>.n}, 0 for another fingerprint's. */
    private static long generation(Path folder, String base) {
        String name = folder.getFileName().toString();
        if (name.equals(base)) {
            return 1;
        }
        String suffix = name.startsWith(base + ".") ? name.substring(base.length() + 1) : "";
        return !suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit) && suffix.length() < 10
                ? Long.parseLong(suffix) : 0;
    }

    /** The fingerprint's folder whose lock guards {@code folder}, a folder stored for it. */
    private static Path lockedAs(Path folder) {
        String name = folder.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && generation(folder, name.substring(0, dot)) > 1
                ? folder.resolveSibling(name.substring(0, dot)) : folder;
    }

    /** The folder a part of a stage's output with this fingerprint has in the store. */
    Path partFolder(String stage, String fingerprint) {
        return root.resolve(stage).resolve(PARTS_FOLDER).resolve(fingerprint);
    }

    /** Where a part is written, under its lock, before it is moved to {@code folder} in one rename. */
    static Path partialPart(Path folder) {
        return folder.resolveSibling("." + folder.getFileName() + PARTIAL);
    }

    /** The folder a part being written in {@code partial} becomes, and whose lock its writer holds. */
    private static Path finishedPart(Path partial) {
        String name = partial.getFileName().toString();
        return partial.resolveSibling(name.substring(1, name.length() - PARTIAL.length()));
    }

    private static boolean isPartialPart(Path folder) {
        String name = folder.getFileName().toString();
        return name.startsWith(".") && name.endsWith(PARTIAL);
    }

    /** Holds the lock of one stored folder until closed. */
    interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Waits, saying so, until no other run computes this stored folder, and holds that until closed.
     *
     * @param what names the folder's content in the log, e.g. {@code [reduce]}
     */
    Lock lock(Path folder, String what) throws IOException {
        return acquire(folder, what, true).orElseThrow();
    }

    /** The lock of a stored folder when no run holds it now; empty, at once, when one does. */
    Optional<Lock> tryLock(Path folder) throws IOException {
        return acquire(folder, "", false);
    }

    private static Optional<Lock> acquire(Path folder, String what, boolean wait) throws IOException {
        Path file = folder.resolveSibling(folder.getFileName() + ".lock");
        Files.createDirectories(file.getParent());
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new ReentrantLock());
        if (!jvmLock.tryLock()) {
            if (!wait) {
                return Optional.empty();
            }
            LOG.info("{} another run is computing this with the same inputs and settings; waiting for it", what);
            jvmLock.lock();
        }
        FileChannel channel = null;
        FileLock fileLock;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            fileLock = channel.tryLock();
            if (fileLock == null && wait) {
                LOG.info("{} another process is computing this with the same inputs and settings ({}); waiting",
                        what, file);
                fileLock = channel.lock(); // an interrupt ends the wait with FileLockInterruptionException
            }
        } catch (IOException | RuntimeException | Error e) {
            // not locked after all: give this JVM's lock back, or every later run of this fingerprint here hangs
            giveBack(channel, jvmLock);
            throw e;
        }
        if (fileLock == null) {
            giveBack(channel, jvmLock);
            return Optional.empty();
        }
        FileChannel opened = channel;
        FileLock held = fileLock;
        return Optional.of(() -> {
            try {
                held.release();
            } finally {
                giveBack(opened, jvmLock);
            }
        });
    }

    private static void giveBack(FileChannel channel, ReentrantLock jvmLock) throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Removes a folder of the store if no run computes it now and no run folder links to it (checked again under
     * its lock: a run may have linked it since it was listed).
     *
     * @return whether it was removed
     */
    boolean removeIfUnreferenced(Path folder) throws IOException {
        Optional<Lock> lock = tryLock(isPartialPart(folder) ? finishedPart(folder) : lockedAs(folder));
        if (lock.isEmpty()) {
            return false;
        }
        try (Lock held = lock.get()) {
            if (!unreferenced().contains(folder)) {
                return false;
            }
            delete(folder);
            return true;
        }
    }

    /**
     * The newest folder stored for this fingerprint ({@link #generations}) when its files match its manifest. A
     * folder that does not match is logged and removed; an older one is not used instead, as a forced run replaced
     * it.
     */
    Optional<Path> find(Path fingerprintFolder, String what) throws IOException {
        List<Path> stored = generations(fingerprintFolder);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Path folder = stored.getLast();
        Optional<String> problem = verify(folder);
        if (problem.isEmpty()) {
            return Optional.of(folder);
        }
        LOG.warn("{} the stored output {} is damaged ({}); it is removed and computed again", what, folder,
                problem.get());
        delete(folder);
        return Optional.empty();
    }

    /**
     * Notes the run that computed a finished folder, writes its manifest and moves it to its place in the store.
     */
    void put(Path finished, Path folder, Path computedIn) throws IOException {
        Files.writeString(finished.resolve(ORIGIN), computedIn + "\n");
        List<String> lines = new ArrayList<>();
        for (Path file : files(finished)) {
            lines.add(Hashes.sha256(file) + "\t" + Files.size(file) + "\t" + finished.relativize(file));
        }
        Files.write(finished.resolve(MANIFEST), lines);
        Files.createDirectories(folder.getParent());
        Files.move(finished, folder, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The run folder that computed a stored folder. */
    static String origin(Path folder) throws IOException {
        return Files.readString(folder.resolve(ORIGIN)).strip();
    }

    /**
     * The store's folders that no run folder under the runs folder links to, the parts that no linked folder lists
     * in its {@code parts.txt}, and parts left half-written by a run that was killed.
     */
    public List<Path> unreferenced() throws IOException {
        Set<Path> referenced = new TreeSet<>();
        Path runsDir = root.getParent();
        try (Stream<Path> entries = Files.walk(runsDir, 3)) {
            for (Path entry : entries.filter(Files::isSymbolicLink).toList()) {
                referenced.add(entry.getParent().resolve(Files.readSymbolicLink(entry)).toAbsolutePath().normalize());
            }
        }
        Set<Path> referencedParts = new TreeSet<>();
        for (Path folder : referenced) {
            Path parts = folder.resolve(PARTS);
            if (Files.isRegularFile(parts)) {
                String stage = folder.getParent().getFileName().toString();
                Files.readAllLines(parts).forEach(part -> referencedParts.add(partFolder(stage, part)
                        .toAbsolutePath().normalize()));
            }
        }
        List<Path> unused = new ArrayList<>();
        for (Path stage : folders(root, StageStore::isVisible)) {
            folders(stage, StageStore::isVisible).stream()
                    .filter(folder -> !referenced.contains(folder.toAbsolutePath().normalize())).forEach(unused::add);
            Path parts = stage.resolve(PARTS_FOLDER);
            folders(parts, StageStore::isVisible).stream()
                    .filter(part -> !referencedParts.contains(part.toAbsolutePath().normalize())).forEach(unused::add);
            unused.addAll(folders(parts, StageStore::isPartialPart));
        }
        return unused;
    }

    /** Not hidden: hidden are the parts folder and parts being written. */
    private static boolean isVisible(Path folder) {
        return !folder.getFileName().toString().startsWith(".");
    }

    /** The folders in a folder of the store that {@code which} accepts, sorted. */
    private static List<Path> folders(Path parent, Predicate<Path> which) throws IOException {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.filter(Files::isDirectory).filter(which).sorted().toList();
        }
    }

    /** Removes a folder of the store and all it holds. */
    public static void delete(Path folder) throws IOException {
        try (Stream<Path> entries = Files.walk(folder)) {
            for (Path entry : entries.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(entry);
            }
        }
    }

    private static Optional<String> verify(Path folder) throws IOException {
        Path manifest = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.of("no " + MANIFEST);
        }
        for (String line : Files.readAllLines(manifest)) {
            String[] fields = line.split("\t", 3);
            Path file = folder.resolve(fields[2]);
            if (!Files.isRegularFile(file)) {
                return Optional.of(fields[2] + " is missing");
            }
            if (Files.size(file) != Long.parseLong(fields[1])) {
                return Optional.of(fields[2] + " has " + Numbers.count(Files.size(file), "byte")
                        + ", the manifest says " + fields[1]);
            }
            if (!Hashes.sha256(file).equals(fields[0])) {
                return Optional.of(fields[2] + " does not match its checksum");
            }
        }
        return Optional.empty();
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> entries = Files.walk(folder)) {
            return entries.filter(Files::isRegularFile).sorted().toList();
        }
    }
}

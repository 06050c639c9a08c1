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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folders of {@link ReusableStage}s, shared by every run under one runs folder:
 * {@code <runs.dir>/.store/<stage>/<fingerprint>/}, each with a {@code manifest.tsv} (SHA-256, size and path of
 * every file) written before the folder is moved into place in one rename, so a folder in the store is always
 * complete. A folder whose files no longer match its manifest (truncated, changed) is reported and removed, never
 * used. Computing a fingerprint is serialised across processes by a file lock and within this JVM by a lock per
 * fingerprint, so two runs never compute the same stage at once: the second waits and then reuses.
 */
public final class StageStore {

    static final String MANIFEST = "manifest.tsv";
    /** The run folder that computed a stored folder, for the log of the runs that reuse it. */
    static final String ORIGIN = "origin.txt";
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

    /** Holds the lock of one stage's fingerprint until closed. */
    interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /** Waits, saying so, until no other run computes this stage with this fingerprint, and holds that until closed. */
    Lock lock(String stage, String fingerprint) throws IOException {
        Path file = root.resolve(stage).resolve(fingerprint + ".lock");
        Files.createDirectories(file.getParent());
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new ReentrantLock());
        if (!jvmLock.tryLock()) {
            LOG.info("[{}] another run is computing this stage with the same inputs and settings; waiting for it",
                    stage);
            jvmLock.lock();
        }
        FileChannel channel = null;
        FileLock fileLock;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            fileLock = channel.tryLock();
            if (fileLock == null) {
                LOG.info("[{}] another process is computing this stage with the same inputs and settings ({});"
                        + " waiting", stage, file);
                fileLock = channel.lock(); // an interrupt ends the wait with FileLockInterruptionException
            }
        } catch (IOException | RuntimeException | Error e) {
            // not locked after all: give this JVM's lock back, or every later run of this fingerprint here hangs
            try {
                if (channel != null) {
                    channel.close();
                }
            } finally {
                jvmLock.unlock();
            }
            throw e;
        }
        FileChannel opened = channel;
        FileLock held = fileLock;
        return () -> {
            try {
                held.release();
                opened.close();
            } finally {
                jvmLock.unlock();
            }
        };
    }

    /**
     * The stored folder of this stage and fingerprint when it is there and its files match its manifest. A folder
     * that does not match is logged and removed.
     */
    Optional<Path> find(String stage, String fingerprint) throws IOException {
        Path folder = folder(stage, fingerprint);
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        Optional<String> problem = verify(folder);
        if (problem.isEmpty()) {
            return Optional.of(folder);
        }
        LOG.warn("[{}] the stored output {} is damaged ({}); it is removed and the stage runs again", stage, folder,
                problem.get());
        delete(folder);
        return Optional.empty();
    }

    /** Writes the manifest of a stage's finished folder and moves it into the store; returns where it went. */
    Path put(String stage, String fingerprint, Path finished) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path file : files(finished)) {
            lines.add(Hashes.sha256(file) + "\t" + Files.size(file) + "\t" + finished.relativize(file));
        }
        Files.write(finished.resolve(MANIFEST), lines);
        Path folder = folder(stage, fingerprint);
        Files.createDirectories(folder.getParent());
        Files.move(finished, folder, StandardCopyOption.ATOMIC_MOVE);
        return folder;
    }

    /** The store's folders that no run folder under the runs folder links to. */
    public List<Path> unreferenced() throws IOException {
        Set<Path> referenced = new TreeSet<>();
        Path runsDir = root.getParent();
        try (Stream<Path> entries = Files.walk(runsDir, 3)) {
            for (Path entry : entries.filter(Files::isSymbolicLink).toList()) {
                referenced.add(entry.getParent().resolve(Files.readSymbolicLink(entry)).toAbsolutePath().normalize());
            }
        }
        List<Path> unused = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> entries = Files.walk(root, 2)) {
                entries.filter(folder -> root.relativize(folder).getNameCount() == 2 && Files.isDirectory(folder))
                        .filter(folder -> !referenced.contains(folder.toAbsolutePath().normalize()))
                        .sorted().forEach(unused::add);
            }
        }
        return unused;
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
                return Optional.of(fields[2] + " has " + Files.size(file) + " bytes, the manifest says " + fields[1]);
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

package dev.layerscope.load;

import dev.layerscope.data.DataException;
import dev.layerscope.data.DataException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the four IDX files in {@code data.dir}, fetches the missing ones on first use (MD5-verified), and checks
 * every file's MD5 where one is configured. When files are missing and cannot be fetched, the error says which
 * files to put where.
 */
final class DataFiles {

    private static final Logger LOG = LoggerFactory.getLogger(DataFiles.class);

    private DataFiles() {
    }

    /** A file found in the data folder, with the MD5 of its bytes as stored. */
    record Located(Path path, String md5) {
    }

    /**
     * The four files, in the order of {@link DataSettings.Files#all()}, each hashed once and checked against its
     * configured MD5. The files already there are checked before any missing one is fetched, so that nothing is
     * downloaded into a folder that holds another data set.
     */
    static List<Located> locate(DataSettings settings) throws IOException {
        DataSettings.Identity identity = settings.identity();
        Path dir = settings.folder().toAbsolutePath().normalize();
        Map<DataSettings.DataFile, Located> found = new HashMap<>();
        List<DataSettings.DataFile> missing = new ArrayList<>();
        for (DataSettings.DataFile file : identity.files().all()) {
            Optional<Path> path = find(dir, file);
            if (path.isPresent()) {
                found.put(file, checked(identity, file, path.get()));
            } else {
                missing.add(file);
            }
        }
        if (!missing.isEmpty()) {
            fetch(settings, dir, missing);
        }
        List<Located> located = new ArrayList<>();
        for (DataSettings.DataFile file : identity.files().all()) {
            Located known = found.get(file);
            located.add(known != null ? known : checked(identity, file, find(dir, file).orElseThrow()));
        }
        return located;
    }

    /** The file hashed, and checked against its MD5 where one is configured for it under this name. */
    private static Located checked(DataSettings.Identity identity, DataSettings.DataFile file, Path path)
            throws IOException {
        String md5 = md5(path);
        boolean asNamed = path.getFileName().toString().equals(file.name());
        if (asNamed && file.md5().isPresent() && !md5.equalsIgnoreCase(file.md5().get())) {
            throw new DataException(Kind.CHECKSUM_MISMATCH, KnownDataSet.describeFileWith(md5)
                    .map(other -> String.format("%s has md5 %s: it is %s, but the experiment reads %s. Choose the"
                            + " data set the folder holds with data.set, or point data.dir at %s's files.",
                            path, md5, other, identity.name(), identity.name()))
                    .orElse(String.format("%s has md5 %s but %s's %s has %s: the file is damaged or a different"
                            + " file. Replace it; or, if the folder holds another data set, state that data set"
                            + " (data.set, or data.name, data.files and data.class-names of your own).",
                            path, md5, identity.name(), file.name(), file.md5().get())));
        } else if (!asNamed) {
            LOG.info("{}: found as {}; its configured md5 is for {}, so it is not checked", file.name(),
                    path.getFileName(), file.name());
        }
        return new Located(path, md5);
    }

    /**
     * The four files, in the order of {@link DataSettings.Files#all()}, if all are in the data folder already;
     * nothing is fetched or hashed.
     */
    static Optional<List<Path>> present(DataSettings settings) {
        Path dir = settings.folder().toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        for (DataSettings.DataFile file : settings.identity().files().all()) {
            Optional<Path> path = find(dir, file);
            if (path.isEmpty()) {
                return Optional.empty();
            }
            found.add(path.get());
        }
        return Optional.of(found);
    }

    /** The file as named, or its gzip/uncompressed twin. */
    private static Optional<Path> find(Path dir, DataSettings.DataFile file) {
        Path named = dir.resolve(file.name());
        if (Files.isRegularFile(named)) {
            return Optional.of(named);
        }
        String twinName = file.name().endsWith(".gz")
                ? file.name().substring(0, file.name().length() - 3) : file.name() + ".gz";
        Path twin = dir.resolve(twinName);
        return Files.isRegularFile(twin) ? Optional.of(twin) : Optional.empty();
    }

    private static void fetch(DataSettings settings, Path dir, List<DataSettings.DataFile> missing)
            throws IOException {
        DataSettings.Identity identity = settings.identity();
        if (!settings.download().enabled()) {
            throw missingFiles(identity, dir, missing, "downloading is off (data.download.enabled = false)");
        }
        if (identity.downloadUrl().isEmpty()) {
            throw missingFiles(identity, dir, missing, "it has no download address (data.download.base-url)");
        }
        List<String> others = otherIdxFiles(dir, identity);
        if (!others.isEmpty()) {
            throw missingFiles(identity, dir, missing, "the folder holds IDX files of another data set ("
                    + String.join(", ", others) + "), so nothing is downloaded into it. If the experiment should read"
                    + " them, state that data set: data.set, or data.name, data.files and data.class-names of your"
                    + " own");
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(settings.download().timeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        try {
            Files.createDirectories(dir);
            for (DataSettings.DataFile file : missing) {
                download(client, identity, settings.download().timeout(), dir, file);
            }
        } catch (DataException e) {
            throw e;
        } catch (IOException e) {
            throw missingFiles(identity, dir, missing, "downloading from " + identity.downloadUrl().orElseThrow()
                    + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw missingFiles(identity, dir, missing, "the download was interrupted");
        }
    }

    private static void download(HttpClient client, DataSettings.Identity identity, Duration timeout, Path dir,
                                 DataSettings.DataFile file) throws IOException, InterruptedException {
        var uri = identity.uriOf(file.name());
        LOG.info("Downloading {} of {} from {}", file.name(), identity.name(), uri);
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        Path partial = dir.resolve(file.name() + ".part");
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + uri);
            }
            Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            if (file.md5().isPresent()) {
                String actual = md5(partial);
                if (!actual.equalsIgnoreCase(file.md5().get())) {
                    Files.deleteIfExists(partial);
                    throw new DataException(Kind.CHECKSUM_MISMATCH, String.format(
                            "%s downloaded from %s has md5 %s, expected %s; the download is damaged or the URL serves "
                                    + "another file. Nothing was kept.", file.name(), uri, actual, file.md5().get()));
                }
            }
            Files.move(partial, dir.resolve(file.name()), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        LOG.info("Downloaded {} ({} bytes) in {} s", file.name(), Files.size(dir.resolve(file.name())),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
    }

    /** IDX files in {@code dir} that are neither the set's files nor their gzip/uncompressed twins. */
    private static List<String> otherIdxFiles(Path dir, DataSettings.Identity identity) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> own = new ArrayList<>();
        for (DataSettings.DataFile file : identity.files().all()) {
            own.add(file.name().replaceFirst("\\.gz$", ""));
        }
        try (var listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches(".*-idx\\d-ubyte(\\.gz)?"))
                    .filter(n -> !own.contains(n.replaceFirst("\\.gz$", ""))).sorted().toList();
        }
    }

    private static DataException missingFiles(DataSettings.Identity identity, Path dir,
                                              List<DataSettings.DataFile> missing, String reason) {
        StringBuilder message = new StringBuilder();
        message.append(identity.name()).append(" is not complete in ").append(dir).append(" and ").append(reason)
                .append(".\nPut these files in ").append(dir).append(" (gzip-compressed or not):\n");
        for (DataSettings.DataFile file : missing) {
            message.append(String.format("  %-30s %s%n", file.name(),
                    file.md5().map(md5 -> "md5 " + md5).orElse("")));
        }
        identity.downloadUrl().ifPresent(url -> message.append("They are published at ").append(url).append(". "));
        message.append("Or point data.dir at a folder that has them: -Ddata.dir=<folder>, or the environment "
                + "variable LAYERSCOPE_DATA_DIR.");
        return new DataException(Kind.MISSING_FILES, message.toString());
    }

    /** The exception and the first message along its causes ("ConnectException (Connection refused)"). */
    private static String describe(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return e.getClass().getSimpleName() + " (" + cause.getMessage() + ")";
            }
        }
        return e instanceof java.net.ConnectException ? "could not connect (ConnectException)"
                : e.getClass().getSimpleName();
    }

    static String md5(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("MD5"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no MD5", e);
        }
    }
}

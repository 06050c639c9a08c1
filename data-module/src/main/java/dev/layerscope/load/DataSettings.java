package dev.layerscope.load;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.NonEmpty;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code data} section: which data set (its identity), where its IDX files are, and how to split and subsample
 * it. Defaults are in data-module's reference.conf.
 *
 * <p>A data set's identity (name, four files with their MD5s, class names, download address) comes from one place:
 * either {@code set} names a {@link KnownDataSet}, or the experiment states {@code name}, {@code files} and
 * {@code class-names} together (and {@code download.base-url} if the set can be fetched). Stating only some of them
 * is an error, so that nothing of another set (Fashion-MNIST's name, files or address) is silently kept. With
 * neither, the data set is Fashion-MNIST. {@code download.base-url} alone, beside a known set, is a mirror of it:
 * the files it serves are checked against the set's MD5s.
 *
 * @param set                a known data set, or empty
 * @param name               a data set of one's own: its name for logs and reports
 * @param dir                the folder holding the four files; by default {@code data/<the set's name in lower case>}
 * @param files              a data set of one's own: the four files' names and checksums
 * @param download           whether and where from missing files are fetched
 * @param classNames         a data set of one's own: one name per label value, in label order
 * @param validationFraction the share of each class of the training file held out for validation
 * @param seed               seeds the split and the subsampling
 * @param limitPerClass      at most this many images per class of each file (0 = all), for quick runs
 */
@Settings("data")
public record DataSettings(Optional<KnownDataSet> set, Optional<String> name, Optional<Path> dir,
                           Optional<Files> files, Download download, Optional<List<String>> classNames,
                           @Range(min = 0, max = 1, maxExclusive = true) double validationFraction,
                           long seed,
                           @Range(min = 0) int limitPerClass) {

    /** The keys that state a data set of one's own; all of them or none. */
    static final List<String> IDENTITY_KEYS = List.of("name", "files", "class-names");

    public DataSettings {
        List<String> stated = new ArrayList<>();
        List<String> left = new ArrayList<>();
        (name.isPresent() ? stated : left).add("name");
        (files.isPresent() ? stated : left).add("files");
        (classNames.isPresent() ? stated : left).add("class-names");
        if (!stated.isEmpty() && set.isPresent()) {
            throw new InvalidSetting("set", "`" + set.get().key() + "` chooses " + set.get().identity().name()
                    + "'s name, files, class names and download address, but " + keys(stated)
                    + (stated.size() == 1 ? " is" : " are") + " stated too. A data set's identity comes from one "
                    + "place: drop " + keys(stated) + ", or drop data.set and state all of " + keys(IDENTITY_KEYS)
                    + " (and data.download.base-url) for a data set of your own");
        }
        if (!stated.isEmpty() && !left.isEmpty()) {
            List<String> others = stated.subList(1, stated.size());
            throw new InvalidSetting(stated.get(0), "is stated" + (others.isEmpty() ? "" : ", and so "
                    + (others.size() == 1 ? "is " : "are ") + keys(others)) + ", but not " + keys(left)
                    + ": a data set's name, files (names and MD5s), class names and download address are one block,"
                    + " and none of Fashion-MNIST's is kept for the keys left out. For a data set of your own state"
                    + " all of " + keys(IDENTITY_KEYS) + " (and data.download.base-url if it can be fetched; without"
                    + " it nothing is downloaded); for a known one state none of them and choose it with data.set = "
                    + KnownDataSet.keys());
        }
        if (name.isPresent() && name.get().isBlank()) {
            throw new InvalidSetting("name", "must not be empty");
        }
        if (classNames.isPresent()) {
            List<String> names = classNames.get();
            if (names.isEmpty()) {
                throw new InvalidSetting("class-names", "must not be empty; one name per label value");
            }
            if (new HashSet<>(names).size() != names.size()) {
                throw new InvalidSetting("class-names", "has a name twice: " + names);
            }
            if (names.size() > 256) {
                throw new InvalidSetting("class-names", "lists " + names.size() + " classes, but IDX labels are"
                        + " bytes (at most 256 classes)");
            }
        }
    }

    /** Settings for a data set of one's own in {@code dir}. */
    public static DataSettings of(Identity identity, Path dir, Download download, double validationFraction,
                                  long seed, int limitPerClass) {
        return new DataSettings(Optional.empty(), Optional.of(identity.name()), Optional.of(dir),
                Optional.of(identity.files()), download.withBaseUrl(identity.downloadUrl()),
                Optional.of(identity.classNames()), validationFraction, seed, limitPerClass);
    }

    /** The data set these settings read: the known set chosen, the one stated, or Fashion-MNIST. */
    public Identity identity() {
        if (name.isPresent()) {
            return new Identity(name.get(), files.orElseThrow(), classNames.orElseThrow(), download.baseUrl());
        }
        Identity known = set.orElse(KnownDataSet.FASHION_MNIST).identity();
        return download.baseUrl().isPresent() ? known.mirroredAt(download.baseUrl().get()) : known;
    }

    /** The folder of the four files: {@code dir}, or {@code data/<the set's name in lower case>}. */
    public Path folder() {
        return dir.orElseGet(() -> Path.of("data", identity().name().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "")));
    }

    private static String keys(List<String> keys) {
        return String.join(", ", keys.stream().map(k -> "data." + k).toList());
    }

    /**
     * What makes a data set the one it is.
     *
     * @param name        its name for logs and reports
     * @param files       its four files' names and checksums
     * @param classNames  one name per label value, in label order
     * @param downloadUrl the folder URL its file names are appended to; empty when it is not fetched
     */
    public record Identity(String name, Files files, List<String> classNames, Optional<String> downloadUrl) {

        Identity mirroredAt(String url) {
            return new Identity(name, files, classNames, Optional.of(url));
        }

        public URI uriOf(String fileName) {
            String base = downloadUrl.orElseThrow();
            return URI.create((base.endsWith("/") ? base : base + "/") + fileName);
        }
    }

    /** The four files of an IDX data set. */
    public record Files(DataFile trainImages, DataFile trainLabels, DataFile testImages, DataFile testLabels) {
        public List<DataFile> all() {
            return List.of(trainImages, trainLabels, testImages, testLabels);
        }
    }

    /**
     * One file.
     *
     * @param name its file name in {@code dir} (a gzip name such as {@code x.gz} also finds the uncompressed
     *             {@code x}, and the other way round)
     * @param md5  the MD5 of the file as named, checked on every load; null to skip the check
     */
    public record DataFile(@NonEmpty String name, Optional<String> md5) {
        private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

        public DataFile {
            if (name.contains("/") || name.contains("\\")) {
                throw new InvalidSetting("name", "`" + name + "` must be a plain file name; put the folder in "
                        + "data.dir");
            }
            if (md5.isPresent() && !MD5.matcher(md5.get()).matches()) {
                throw new InvalidSetting("md5", "`" + md5.get() + "` of " + name
                        + " is not 32 hexadecimal digits (set it to null to skip the check)");
            }
        }

        static DataFile of(String name, String md5) {
            return new DataFile(name, Optional.of(md5));
        }
    }

    /**
     * Fetching missing files on first use.
     *
     * @param enabled whether to try
     * @param baseUrl the folder URL the file names are appended to: a data set of one's own's address, or a mirror
     *                of a known set (empty: a known set's own address, and nothing for a data set of one's own)
     * @param timeout how long to wait for a connection and for each read
     */
    public record Download(boolean enabled, Optional<String> baseUrl, Duration timeout) {
        public Download {
            if (enabled && baseUrl.isPresent()) {
                String url = baseUrl.get();
                URI uri;
                try {
                    uri = URI.create(url.endsWith("/") ? url : url + "/");
                } catch (IllegalArgumentException e) {
                    throw new InvalidSetting("base-url", "`" + url + "` is not a URL: " + e.getMessage());
                }
                if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                    throw new InvalidSetting("base-url", "`" + url + "` must be an http(s) URL");
                }
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new InvalidSetting("timeout", "must be positive, got "
                        + timeout.toString().substring(2).toLowerCase(Locale.ROOT));
            }
        }

        Download withBaseUrl(Optional<String> url) {
            return new Download(enabled, url, timeout);
        }
    }
}

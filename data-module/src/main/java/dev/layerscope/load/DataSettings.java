package dev.layerscope.load;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.NonEmpty;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code data} section: where the IDX files are, what they are called, their checksums, the class names, and
 * how to split and subsample. Defaults (Fashion-MNIST) are in data-module's reference.conf.
 *
 * @param name               the data set's name for logs and reports
 * @param dir                the folder holding the four files
 * @param files              the four files' names and checksums
 * @param download           whether and where from missing files are fetched
 * @param classNames         one name per label value, in label order
 * @param validationFraction the share of each class of the training file held out for validation
 * @param seed               seeds the split and the subsampling
 * @param limitPerClass      at most this many images per class of each file (0 = all), for quick runs
 */
@Settings("data")
public record DataSettings(@NonEmpty String name, Path dir, Files files, Download download,
                           @NonEmpty List<String> classNames,
                           @Range(min = 0, max = 1, maxExclusive = true) double validationFraction,
                           long seed,
                           @Range(min = 0) int limitPerClass) {

    public DataSettings {
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new InvalidSetting("class-names", "has a name twice: " + classNames);
        }
        if (classNames.size() > 256) {
            throw new InvalidSetting("class-names", "lists " + classNames.size()
                    + " classes, but IDX labels are bytes (at most 256 classes)");
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
    }

    /**
     * Fetching missing files on first use.
     *
     * @param enabled whether to try
     * @param baseUrl the folder URL the file names are appended to
     * @param timeout how long to wait for a connection and for each read
     */
    public record Download(boolean enabled, String baseUrl, Duration timeout) {
        public Download {
            if (enabled) {
                URI uri;
                try {
                    uri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
                } catch (IllegalArgumentException e) {
                    throw new InvalidSetting("base-url", "`" + baseUrl + "` is not a URL: " + e.getMessage());
                }
                if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                    throw new InvalidSetting("base-url", "`" + baseUrl + "` must be an http(s) URL");
                }
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new InvalidSetting("timeout", "must be positive, got "
                        + timeout.toString().substring(2).toLowerCase(Locale.ROOT));
            }
        }

        public URI uriOf(String fileName) {
            return URI.create((baseUrl.endsWith("/") ? baseUrl : baseUrl + "/") + fileName);
        }
    }
}

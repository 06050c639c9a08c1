package dev.layerscope.kernel;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM an experiment runs in. The launcher starts a JVM of its own for the run with these limits, because they
 * can only be set when a JVM starts. Serializable: a sweep's point carries its runtime to the JVM that starts it (a
 * Spark executor).
 *
 * @param heap    the Java heap, e.g. {@code 4g} ({@code -Xmx})
 * @param offHeap the native memory ND4J may allocate outside the heap, e.g. {@code 8g}
 * @param threads CPU threads for native math (OpenMP and OpenBLAS): one is fastest for small dense networks,
 *                convolutions gain from more
 */
@Settings("runtime")
public record RuntimeSettings(String heap, String offHeap, @Range(min = 1, max = 256) int threads)
        implements Serializable {

    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg])");

    public RuntimeSettings {
        bytes("heap", heap);
        bytes("off-heap", offHeap);
    }

    public long heapBytes() {
        return bytes("heap", heap);
    }

    public long offHeapBytes() {
        return bytes("off-heap", offHeap);
    }

    private static long bytes(String key, String size) {
        Matcher matcher = SIZE.matcher(size.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new InvalidSetting(key, "`" + size + "` is not a size such as 512m or 4g");
        }
        long value = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "k" -> value << 10;
            case "m" -> value << 20;
            default -> value << 30;
        };
    }
}

package dev.layerscope.train;

import dev.layerscope.kernel.ResidentMemoryGuard;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * The peaks of the run's memory, sampled by the stage at its own steps (the train stage after every epoch, the
 * reduce stage after every map), with the limits the run's JVM was started with: the Java heap (the sum of the heap
 * pools' peaks, an upper bound) against {@code -Xmx}, and the whole process's resident set against its limit
 * ({@code runtime.heap + runtime.off-heap}, which {@link ResidentMemoryGuard} keeps). ND4J's native arrays are the
 * resident set less the heap: this DL4J version does not count them in JavaCPP's {@code Pointer.totalBytes()}, so
 * the resident set is the measure that covers them.
 */
public final class MemoryUse {

    private long resident;

    public void sample() {
        resident = Math.max(resident, Pointer.physicalBytes());
    }

    private static long heap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(usage -> usage.getUsed()).sum();
    }

    /** The peaks and limits in MB; a limit of 0 means none was set. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("peak-heap-mb", heap() >> 20);
        map.put("heap-limit-mb", Runtime.getRuntime().maxMemory() >> 20);
        map.put("peak-resident-mb", resident >> 20);
        map.put("resident-limit-mb", residentLimit() >> 20);
        return map;
    }

    /** The limit the run's JVM was started with ({@link ResidentMemoryGuard}); 0 when none. */
    private static long residentLimit() {
        return Long.getLong(ResidentMemoryGuard.LIMIT_PROPERTY, 0);
    }

    public String describe() {
        return String.format(Locale.ROOT, "heap peak %,d MB of %,d MB (-Xmx); process resident peak %,d MB of "
                        + "%,d MB (heap + runtime.off-heap)", heap() >> 20, Runtime.getRuntime().maxMemory() >> 20,
                resident >> 20, residentLimit() >> 20);
    }
}

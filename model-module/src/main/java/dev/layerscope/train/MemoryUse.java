package dev.layerscope.train;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * The peaks of the run's memory while training, sampled after every epoch: the Java heap (the sum of the heap
 * pools' peaks, an upper bound), ND4J's native arrays (JavaCPP's count of the bytes it allocated outside the heap)
 * and the whole process's resident set.
 */
final class MemoryUse {

    private long offHeap;
    private long resident;

    void sample() {
        offHeap = Math.max(offHeap, Pointer.totalBytes());
        resident = Math.max(resident, Pointer.physicalBytes());
    }

    private static long heap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(usage -> usage.getUsed()).sum();
    }

    /** The peaks in MB, with the limits the run was started with. */
    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("peak-heap-mb", heap() >> 20);
        map.put("heap-limit-mb", Runtime.getRuntime().maxMemory() >> 20);
        map.put("peak-off-heap-mb", offHeap >> 20);
        map.put("off-heap-limit-mb", Pointer.maxBytes() >> 20);
        map.put("peak-resident-mb", resident >> 20);
        return map;
    }

    String describe() {
        return String.format(Locale.ROOT, "heap peak %,d MB of %,d MB (-Xmx); ND4J off-heap peak %,d MB of %,d MB "
                        + "(runtime.off-heap); process resident peak %,d MB", heap() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, offHeap >> 20, Pointer.maxBytes() >> 20, resident >> 20);
    }
}

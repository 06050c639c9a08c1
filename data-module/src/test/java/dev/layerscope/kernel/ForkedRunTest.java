package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JVM a run starts in: its limits on the command line, its native thread counts and how OpenMP's and OpenBLAS's
 * idle threads wait in its environment.
 */
class ForkedRunTest {

    private static final RuntimeSettings RUNTIME = new RuntimeSettings("3g", "5g", 2);

    @Test
    void theThreadCountsAndPassiveWaitPoliciesAreSet() {
        ProcessBuilder builder = Launcher.forkedRun(RUNTIME, "classes", "conf/x.conf", List.of("-Da=b"), "Main");
        Map<String, String> environment = builder.environment();

        assertEquals("2", environment.get("OMP_NUM_THREADS"));
        assertEquals("2", environment.get("OPENBLAS_NUM_THREADS"));
        if (System.getenv(Launcher.OMP_WAIT_POLICY) == null) {
            assertEquals("PASSIVE", environment.get(Launcher.OMP_WAIT_POLICY));
        } else {
            assertEquals(System.getenv(Launcher.OMP_WAIT_POLICY), environment.get(Launcher.OMP_WAIT_POLICY),
                    "a policy of the caller's own is kept");
        }
        assertEquals(System.getenv().getOrDefault(Launcher.OPENBLAS_THREAD_TIMEOUT, "4"),
                environment.get(Launcher.OPENBLAS_THREAD_TIMEOUT), "OpenBLAS's idle workers sleep at once");
        List<String> command = builder.command();
        assertTrue(command.contains("-Xmx3g"), command.toString());
        // the resident set is watched by ResidentMemoryGuard at heap + off-heap, and not by JavaCPP per allocation
        assertTrue(command.contains("-D" + ResidentMemoryGuard.LIMIT_PROPERTY + "=" + (RUNTIME.heapBytes()
                + RUNTIME.offHeapBytes())), command.toString());
        assertTrue(command.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=0"), command.toString());
        assertTrue(command.contains("-Da=b") && command.getLast().equals("Main"), command.toString());
    }
}

package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the environment that are read from the machine, on inputs of known content. */
class RunEnvironmentTest {

    @Test
    void anX86CpuIsItsModelAndTheInstructionSetsThatChooseNativeKernels() {
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD",
                "model name\t: AMD EPYC 7B13", "flags\t\t: fpu sse4_1 sse4_2 avx avx2 fma avx512f avx512bw aes",
                "", "processor\t: 1", "model name\t: AMD EPYC 7B13");
        assertEquals(Map.of("model", "AMD EPYC 7B13", "instruction-sets",
                        List.of("sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw"), "processors", 2),
                RunEnvironment.cpu(cpuinfo, 2));
    }

    @Test
    void anArmCpuListsItsFeaturesAndAMachineWithoutCpuinfoIsUnknown() {
        Map<String, Object> arm = RunEnvironment.cpu(List.of("processor\t: 0", "Features\t: fp asimd sve",
                "CPU part\t: 0xd0c"), 4);
        assertEquals(RunEnvironment.UNKNOWN, arm.get("model"));
        assertEquals(List.of("fp", "asimd", "sve"), arm.get("instruction-sets"));
        assertEquals(Map.of("model", RunEnvironment.UNKNOWN, "instruction-sets", RunEnvironment.UNKNOWN,
                "processors", 1), RunEnvironment.cpu(List.of(), 1));
    }

    @Test
    void gitOutsideARepositoryIsNoAnswerRatherThanAFailure(@TempDir Path dir) {
        assertTrue(RunEnvironment.git(dir, "rev-parse", "HEAD").isEmpty());
        assertTrue(RunEnvironment.git(dir.resolve("no-such-folder"), "status", "--porcelain").isEmpty());
    }
}

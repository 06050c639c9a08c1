package dev.layerscope.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import smile.feature.extraction.PCA;

/** Smile's linear algebra needs native BLAS and LAPACK; on a machine without them installed it must still run. */
class SmileNativesTest {

    @Test
    void pcaRunsAndFindsTheDirectionOfLargestVariance() {
        assertFalse(SmileNatives.ensureLoaded().isBlank());
        Random random = new Random(1);
        double[][] points = new double[500][3];
        for (double[] point : points) {
            double t = random.nextGaussian() * 10;
            point[0] = t + random.nextGaussian() * 0.1;
            point[1] = 2 * t + random.nextGaussian() * 0.1;
            point[2] = random.nextGaussian() * 0.1;
        }
        PCA pca = PCA.fit(points).getProjection(1);
        double origin = pca.apply(new double[] {0, 0, 0})[0];
        // the first axis is (1, 2, 0) / sqrt(5): the step (1, 2, 0) projects to +-sqrt(5), the step (0, 0, 1) to 0
        assertEquals(Math.sqrt(5), Math.abs(pca.apply(new double[] {1, 2, 0})[0] - origin), 0.01);
        assertEquals(0, pca.apply(new double[] {0, 0, 1})[0] - origin, 0.01);
        assertEquals(1, pca.apply(points[0]).length);
    }

    /**
     * The failure this guards against: a JVM whose first Smile call comes through a LayerScope class that does not
     * set Smile's libraries up works only where a system OpenBLAS happens to be installed. A fresh JVM calls Smile's
     * LAPACK through LayerScope's public API first thing; it must succeed and must not have touched any BLAS or
     * LAPACK but the one ND4J ships (in JavaCPP's cache), whatever is installed on this machine. Where no system
     * library exists (CI hides them) the call itself fails without the set-up; where one exists it shows in the
     * process's mapped files.
     */
    @Test
    @EnabledOnOs(OS.LINUX) // reads /proc/self/maps
    void aFreshJvmReachesSmilesLapackThroughLayerScopeWithNoSystemBlas() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                SmileInAFreshJvm.class.getName()).redirectErrorStream(true);
        builder.environment().remove("LD_LIBRARY_PATH");
        builder.environment().remove("LD_PRELOAD");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output);

        // umap-learn 0.5: find_ab_params(1.0, 0.1) = (1.5769, 0.8951): the LAPACK call really ran
        String curve = output.lines().filter(l -> l.startsWith("a=")).findFirst().orElseThrow(() ->
                new AssertionError("no fitted curve in\n" + output));
        String[] ab = curve.replace("a=", "").replace("b=", "").split(" ");
        assertEquals(1.5769, Double.parseDouble(ab[0]), 0.01, output);
        assertEquals(0.8951, Double.parseDouble(ab[1]), 0.005, output);

        Path cache = Loader.getCacheDir().toPath().toRealPath();
        List<String> mapped = new ArrayList<>();
        output.lines().filter(l -> l.startsWith("mapped ")).forEach(l -> mapped.add(l.substring(7)));
        assertFalse(mapped.isEmpty(), "no BLAS library mapped at all:\n" + output);
        for (String library : mapped) {
            assertTrue(Path.of(library).startsWith(cache),
                    library + " is not the OpenBLAS ND4J ships (under " + cache + ")\n" + output);
        }
    }
}

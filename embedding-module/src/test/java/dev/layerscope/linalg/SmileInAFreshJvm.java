package dev.layerscope.linalg;

import dev.layerscope.neighbors.ExactNeighbors;
import dev.layerscope.reduce.SyntheticBlobs;
import dev.layerscope.reduce.umap.Umap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link SmileNativesTest} in a JVM of its own: fits a UMAP map through LayerScope's public API (its a/b
 * curve is fitted by Smile's Levenberg-Marquardt, which calls Smile's LAPACK) as the first thing the JVM does, then
 * prints the fitted curve and every BLAS or LAPACK library file the process has mapped.
 */
public final class SmileInAFreshJvm {

    private SmileInAFreshJvm() {
    }

    public static void main(String[] args) throws IOException {
        SyntheticBlobs blobs = SyntheticBlobs.of(3, 40, 6, 1);
        Umap umap;
        try (Parallel parallel = new Parallel(1)) {
            umap = Umap.fit(blobs.data(), ExactNeighbors.of(blobs.data(), 9, parallel),
                    Umap.Options.defaults().withNeighbors(10).withEpochs(20), parallel);
        }
        System.out.println("a=" + umap.a() + " b=" + umap.b());
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length == 6 && fields[5].matches(".*/lib[^/]*(blas|lapack)[^/]*")) {
                System.out.println("mapped " + fields[5]);
            }
        }
    }
}

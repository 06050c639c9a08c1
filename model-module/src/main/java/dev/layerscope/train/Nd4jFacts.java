package dev.layerscope.train;

import dev.layerscope.kernel.EnvironmentFacts;
import dev.layerscope.kernel.RunEnvironment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What ND4J computes with in this JVM, for {@code run.json}: its backend, which build of its native library was
 * loaded (the generic one, or one with oneDNN and AVX2 kernels), whether that build has oneDNN (which then runs the
 * convolution, pooling and batch-norm layers, see {@link OneDnn}), its BLAS and thread counts, and the versions of
 * DL4J and ND4J.
 */
final class Nd4jFacts implements EnvironmentFacts {

    /** The JNI library of ND4J's CPU backend, as JavaCPP names it among the libraries it loaded. */
    private static final String NATIVE_LIBRARY = "jnind4jcpu";

    @Override
    public Map<String, Object> facts() {
        Properties information = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, Object> nd4j = new LinkedHashMap<>();
        nd4j.put("backend", information.getProperty("backend", RunEnvironment.UNKNOWN));
        nd4j.put("native-library", nativeLibrary());
        nd4j.put("onednn", OneDnn.available());
        nd4j.put("blas", information.getProperty("blas.vendor", RunEnvironment.UNKNOWN));
        nd4j.put("threads", Nd4j.getEnvironment().maxThreads());
        nd4j.put("blas-threads", Nd4j.factory().blas().getMaxThreads());
        Map<String, Object> libraries = new LinkedHashMap<>();
        libraries.put("deeplearning4j-nn", RunEnvironment.version(MultiLayerNetwork.class));
        libraries.put("nd4j-api", RunEnvironment.version(Nd4j.class));
        // the backend in use, found at run time: the code names no backend class, so another backend (a GPU one) can
        // replace nd4j-native without a change here
        libraries.put("nd4j-backend", RunEnvironment.version(Nd4j.getBackend().getClass()));
        libraries.put("javacpp", RunEnvironment.version(Loader.class));
        return Map.of("nd4j", nd4j, "libraries", libraries);
    }

    /** The folder JavaCPP extracted the loaded JNI library to, which names the jar it came from. */
    private static String nativeLibrary() {
        return Loader.getLoadedLibraries().entrySet().stream()
                .filter(entry -> entry.getKey().contains(NATIVE_LIBRARY) && entry.getValue() != null)
                .map(entry -> Path.of(entry.getValue())).findFirst()
                .map(path -> {
                    for (Path folder = path; folder != null; folder = folder.getParent()) {
                        if (folder.getFileName() != null && folder.getFileName().toString().endsWith(".jar")) {
                            return folder.getFileName().toString();
                        }
                    }
                    return path.toString();
                }).orElse(RunEnvironment.UNKNOWN);
    }
}

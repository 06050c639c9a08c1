package dev.layerscope.linalg;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives Smile 6 a BLAS and LAPACK without anything installed on the machine.
 *
 * <p>Smile binds BLAS/LAPACK through the foreign-function API: its generated bindings open
 * {@code System.mapLibraryName(System.getProperty("smile.lib.blas", "openblas"))} (likewise
 * {@code smile.lib.lapack}) and then fall back to the symbols of libraries loaded by the class loader. A bare machine
 * has no {@code libopenblas.so} on the linker path, so PCA fails with "Cannot open library: libopenblas.so". ND4J
 * already ships OpenBLAS (with LAPACK) through JavaCPP. So when no system OpenBLAS is found, this class:
 * <ol>
 *   <li>loads JavaCPP's OpenBLAS, which {@code System.load}s it into our class loader, and</li>
 *   <li>names {@code jvm} as Smile's library: {@code libjvm.so} is already in the process, so the dynamic linker
 *       hands it back by its soname without searching the disk; it exports no BLAS symbols, so every lookup falls
 *       through to the class loader's libraries, that is, to JavaCPP's OpenBLAS.</li>
 * </ol>
 * A system OpenBLAS (or a {@code smile.lib.blas} set by the user) takes precedence. ARPACK, which Smile opens by the
 * fixed name {@code libarpack.so}, is not covered: LayerScope does not call Smile's ARPACK routines.
 */
public final class SmileNatives {

    private static final Logger LOG = LoggerFactory.getLogger(SmileNatives.class);
    private static final String BLAS_PROPERTY = "smile.lib.blas";
    private static final String LAPACK_PROPERTY = "smile.lib.lapack";

    private static volatile String source;

    private SmileNatives() {
    }

    /**
     * Makes Smile's BLAS and LAPACK usable; call it before the first Smile linear-algebra class loads. Idempotent.
     *
     * @return where the libraries come from, for the log and the run record
     */
    public static synchronized String ensureLoaded() {
        if (source != null) {
            return source;
        }
        if (System.getProperty(BLAS_PROPERTY) != null) {
            source = "smile.lib.blas = " + System.getProperty(BLAS_PROPERTY) + " (set by the user)";
        } else if (loadable(System.mapLibraryName("openblas"))) {
            source = "the system's " + System.mapLibraryName("openblas");
        } else {
            Loader.load(openblas.class);
            System.setProperty(BLAS_PROPERTY, "jvm");
            System.setProperty(LAPACK_PROPERTY, "jvm");
            source = openblas.OPENBLAS_VERSION.trim() + " as shipped with ND4J (JavaCPP)";
        }
        LOG.debug("Smile BLAS/LAPACK: {}", source);
        return source;
    }

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access, as Smile's own bindings need
    private static boolean loadable(String library) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(library, arena);
            return true;
        } catch (IllegalArgumentException notFound) {
            return false;
        }
    }
}

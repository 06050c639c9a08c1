package dev.layerscope.linalg;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives Smile 6 its BLAS and LAPACK from the OpenBLAS that ND4J ships, on any machine, with nothing installed.
 *
 * <p>Smile binds BLAS/LAPACK through the foreign-function API. Its generated bindings ({@code cblas_h},
 * {@code clapack_h_1}) decide once, when their class initialises, where the symbols come from: first the library
 * {@code System.mapLibraryName(System.getProperty("smile.lib.blas", "openblas"))} (likewise {@code smile.lib.lapack}),
 * then the libraries loaded by their class loader. On a machine without {@code libopenblas.so} on the linker path
 * the first lookup throws "Cannot open library: libopenblas.so" and the binding class is broken for the JVM's life.
 * So, before any Smile binding initialises, this class
 * <ol>
 *   <li>loads JavaCPP's OpenBLAS (with LAPACK), which {@code System.load}s it into our class loader, and</li>
 *   <li>names {@code jvm} as Smile's library: {@code libjvm.so} is already in the process, so the dynamic linker
 *       hands it back by its soname without searching the disk; it exports no BLAS symbols, so every lookup falls
 *       through to the class loader's libraries, that is, to JavaCPP's OpenBLAS.</li>
 * </ol>
 * A system OpenBLAS is deliberately not used even where one is installed: every machine then computes with the same
 * library, and a run cannot depend on what else happens to be installed. A researcher who wants another library sets
 * {@code -Dsmile.lib.blas=...} (and {@code smile.lib.lapack}) and it is left alone. ARPACK, which Smile opens by the
 * fixed name {@code libarpack.so}, is not covered: LayerScope does not call Smile's ARPACK routines.
 *
 * <p>Who calls it: every LayerScope class that calls Smile's numerical code, in its static initialiser (so the order
 * in which classes happen to run does not matter), and the run's JVM before its first stage (so a researcher's own
 * stage that calls Smile directly finds it ready too). Code of your own that calls Smile before any LayerScope class
 * does should call {@link #ensureLoaded()} first.
 */
public final class SmileNatives {

    private static final Logger LOG = LoggerFactory.getLogger(SmileNatives.class);
    static final String BLAS_PROPERTY = "smile.lib.blas";
    static final String LAPACK_PROPERTY = "smile.lib.lapack";

    /** The library name that makes Smile's lookups fall through to the class loader's libraries (see above). */
    static final String LOADER_LIBRARIES = "jvm";

    private static volatile String source;

    private SmileNatives() {
    }

    /**
     * Makes Smile's BLAS and LAPACK usable; must run before the first Smile linear-algebra class initialises.
     * Idempotent and thread-safe.
     *
     * @return where the libraries come from, for the log and the run record
     */
    public static synchronized String ensureLoaded() {
        if (source != null) {
            return source;
        }
        String userBlas = System.getProperty(BLAS_PROPERTY);
        String userLapack = System.getProperty(LAPACK_PROPERTY);
        if (userBlas != null || userLapack != null) {
            source = "set by the user: " + BLAS_PROPERTY + " = " + userBlas + ", " + LAPACK_PROPERTY + " = "
                    + userLapack;
        } else {
            Loader.load(openblas.class);
            System.setProperty(BLAS_PROPERTY, LOADER_LIBRARIES);
            System.setProperty(LAPACK_PROPERTY, LOADER_LIBRARIES);
            source = openblas.OPENBLAS_VERSION.trim() + " as shipped with ND4J (JavaCPP)";
        }
        LOG.debug("Smile BLAS/LAPACK: {}", source);
        return source;
    }
}

package dev.layerscope.kernel;

import com.google.inject.Binder;
import com.google.inject.multibindings.Multibinder;
import java.util.Map;

/**
 * Facts about where a run runs that only a stage module can tell, the kernel depending on no numerical library:
 * ND4J's backend and whether it has oneDNN, the BLAS that Smile calls, the versions of the libraries the module
 * uses. A module contributes one with {@link #contribute}; every contributed one is asked once per run, in the run's
 * own JVM, as the run starts, and its answer goes into {@code run.json}'s {@code environment} (see
 * {@link RunEnvironment}).
 */
public interface EnvironmentFacts {

    /**
     * Sections of the environment, e.g. {@code nd4j -> {backend -> CPU, onednn -> true}}: numbers, strings,
     * booleans, lists and maps of those. A {@code libraries} map (library -> version) is merged with the other
     * modules'. Say {@code unknown} for what cannot be found out; an exception is recorded (under {@code failed}) in place of the facts, and the run goes on.
     */
    Map<String, Object> facts();

    /** Adds {@code facts} to those every run records; call it from a Guice module's {@code configure()}. */
    static void contribute(Binder binder, Class<? extends EnvironmentFacts> facts) {
        Multibinder.newSetBinder(binder, EnvironmentFacts.class).addBinding().to(facts);
    }
}

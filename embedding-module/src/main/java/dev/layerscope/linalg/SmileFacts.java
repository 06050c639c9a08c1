package dev.layerscope.linalg;

import dev.layerscope.kernel.EnvironmentFacts;
import dev.layerscope.kernel.RunEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;
import smile.math.LevenbergMarquardt;

/** Which BLAS and LAPACK Smile calls in this JVM ({@link SmileNatives}) and Smile's version, for {@code run.json}. */
public final class SmileFacts implements EnvironmentFacts {

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> smile = new LinkedHashMap<>();
        smile.put("blas", SmileNatives.ensureLoaded());
        return Map.of("smile", smile, "libraries", Map.of("smile", RunEnvironment.version(LevenbergMarquardt.class)));
    }
}

package dev.layerscope.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Looking engines up by name instantiates every engine on the classpath, this one too: that must load no class of
 * Spark, so that a sweep with {@code engine = local} (or a single experiment) never starts to load Spark.
 */
class NoSparkUntilUsedTest {

    /** A class loader of its own over the tests' classpath, which says which classes it has loaded. */
    static final class Watching extends URLClassLoader {

        Watching(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }

    private static URL[] testClasspath() throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        return urls.toArray(URL[]::new);
    }

    @Test
    void findingTheEngineByNameLoadsNoSparkClass() throws Exception {
        try (Watching loader = new Watching(testClasspath())) {
            Class<?> engineType = loader.loadClass("dev.layerscope.sweep.SweepEngine");
            Object engine = null;
            for (Object candidate : ServiceLoader.load(engineType, loader)) {
                if (engineType.getMethod("name").invoke(candidate).equals("spark")) {
                    engine = candidate;
                }
            }

            assertNotNull(engine, "the spark engine is registered for ServiceLoader");
            assertEquals(loader, engine.getClass().getClassLoader(), "loaded by the watching loader");
            for (String sparkClass : List.of("org.apache.spark.SparkContext", "org.apache.spark.SparkConf",
                    "dev.layerscope.sweep.spark.SparkSweep", "scala.Option")) {
                assertEquals(false, loader.loaded(sparkClass), sparkClass + " was loaded");
            }
            // the watch itself works: a class the engine names is there
            assertEquals(true, loader.loaded("dev.layerscope.sweep.spark.SparkEngine"));
        }
    }
}

package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.fixtures.FixtureModule;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's output is keyed by its code: a researcher's stage, compiled here into folders of its own (its class, a
 * helper it calls, a class it never reaches), changes its fingerprint when its code or code it calls changes, and
 * keeps it when only code it never reaches changes or the same code sits elsewhere.
 */
class CodeIdentityTest {

    private static final String STAGE = "fixture.code.MapStage";

    @TempDir
    Path dir;

    private int folders;

    @Test
    void theSameCodeElsewhereIsTheSameCodeAndCodeTheStageNeverReachesDoesNotCount() throws Exception {
        String first = identity(stage(1), helper(2), unused(3));
        String copied = identity(stage(1), helper(2), unused(3));
        String otherUnused = identity(stage(1), helper(2), unused(4));
        assertEquals(first, copied, "the same code in other folders");
        assertEquals(first, otherUnused, "a change in a folder the stage never reaches");
    }

    @Test
    void aChangeInTheStagesOwnFolderOrInCodeItCallsChangesItsIdentity() throws Exception {
        String first = identity(stage(1), helper(2), unused(3));
        assertNotEquals(first, identity(stage(5), helper(2), unused(3)), "another constant in the stage's class");
        assertNotEquals(first, identity(helper(3), stage(1), unused(3)), "a change in the helper it calls");
        Path withResource = stage(1);
        Files.writeString(withResource.resolve("fixture/code/table.txt"), "a resource beside the class");
        assertNotEquals(first, identity(withResource, helper(2), unused(3)), "a resource in the stage's folder");
    }

    @Test
    void aStageInAJarIsKeyedByTheJarAndTheCodeItCalls() throws Exception {
        Path helper = helper(2);
        String first = identity(jar(stage(1)), helper, unused(3));
        assertEquals(first, identity(jar(stage(1)), helper(2), unused(4)));
        assertNotEquals(first, identity(jar(stage(6)), helper, unused(3)));
        assertNotEquals(first, identity(jar(stage(1)), helper(7), unused(3)));
    }

    /** The kernel is code every stage calls: a copy of data-module's classes with one file more re-keys the stage. */
    @Test
    void aChangeInTheKernelChangesEveryStagesIdentity() throws Exception {
        Path kernel = CodeLocation.of(Stage.class).orElseThrow();
        Path stage = stage(1);
        Path helper = helper(2);
        Path kernelCopy = copy(kernel);
        Path kernelChanged = copy(kernel);
        Files.writeString(kernelChanged.resolve("dev/layerscope/kernel/changed.txt"), "one file more");
        // a loader that sees the kernel only in the copies: the platform's classes, not the test's classpath
        String withCopy = identityWithParent(ClassLoader.getPlatformClassLoader(), stage, helper, kernelCopy);
        String withChanged = identityWithParent(ClassLoader.getPlatformClassLoader(), stage, helper, kernelChanged);
        assertNotEquals(withCopy, withChanged);
        try (URLClassLoader loader = loader(getClass().getClassLoader(), stage, helper)) {
            assertTrue(CodeIdentity.describe(loader.loadClass(STAGE)).locations().containsKey(kernel),
                    "the kernel is among the code the stage reaches");
        }
    }

    /** Through the runner and the store: reused when only unrelated code changed, computed again when its did. */
    @Test
    void aRunReusesTheStoredStageUntilItsCodeChanges() throws Exception {
        Config first = runJson(stage(1), helper(2), unused(3));
        Config unrelated = runJson(stage(1), helper(2), unused(4));
        Config helperChanged = runJson(stage(1), helper(8), unused(3));

        assertEquals("succeeded", first.getString("status"));
        assertEquals("reused", unrelated.getString("status"));
        assertEquals(first.getString("fingerprint"), unrelated.getString("fingerprint"));
        assertEquals("succeeded", helperChanged.getString("status"));
        assertNotEquals(first.getString("fingerprint"), helperChanged.getString("fingerprint"));
        assertNotEquals(first.getString("code"), helperChanged.getString("code"));
        assertEquals(first.getString("code"), unrelated.getString("code"));
    }

    private String identity(Path... classpath) throws IOException, ClassNotFoundException {
        return identityWithParent(getClass().getClassLoader(), classpath);
    }

    private static String identityWithParent(ClassLoader parent, Path... classpath) throws IOException,
            ClassNotFoundException {
        try (URLClassLoader loader = loader(parent, classpath)) {
            return CodeIdentity.of(Class.forName(STAGE, false, loader));
        }
    }

    /** Runs a pipeline of the compiled stage alone, its class loaded from {@code classpath}; its run.json entry. */
    private Config runJson(Path... classpath) throws IOException {
        Path file = dir.resolve("experiment.conf");
        Files.writeString(file, "name = code\nruns.dir = \"" + dir.resolve("runs") + "\"\npipeline = [" + STAGE + "]\n");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = loader(getClass().getClassLoader(), classpath)) {
            thread.setContextClassLoader(loader);
            Injector injector = Guice.createInjector(FixtureModule.modules());
            PipelinePlanner planner = injector.getInstance(PipelinePlanner.class);
            Experiment experiment = new ExperimentLoader(loader).load(file, Map.of(), Map.of(), planner.sections());
            RunResult result = new PipelineRunner().run(planner.plan(experiment));
            assertTrue(result.succeeded());
            return ConfigFactory.parseFile(result.runDir().resolve("run.json").toFile()).getConfigList("stages")
                    .getFirst();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static URLClassLoader loader(ClassLoader parent, Path... classpath) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path path : classpath) {
            urls.add(path.toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), parent);
    }

    /** The stage, compiled into a folder of its own; {@code factor} is a constant in its code. */
    private Path stage(int factor) throws IOException {
        return compile("fixture.code.MapStage", """
                package fixture.code;

                import dev.layerscope.kernel.ArtifactKey;
                import dev.layerscope.kernel.ReusableStage;
                import dev.layerscope.kernel.StageContext;
                import java.nio.file.Files;
                import java.util.Set;

                public final class MapStage implements ReusableStage {
                    @Override
                    public Set<ArtifactKey<?>> writes() {
                        return Set.of();
                    }

                    @Override
                    public void run(StageContext context) throws Exception {
                        Files.writeString(context.outputDir().resolve("map.txt"), fixture.helper.Scale.apply(%d));
                    }

                    @Override
                    public void restore(StageContext context) {
                    }
                }
                """.formatted(factor), helper(1));
    }

    /** What the stage calls, compiled into a folder of its own. */
    private Path helper(int factor) throws IOException {
        return compile("fixture.helper.Scale", """
                package fixture.helper;

                public final class Scale {
                    public static String apply(int value) {
                        return Integer.toString(value * %d);
                    }
                }
                """.formatted(factor));
    }

    /** A class nothing refers to, compiled into a folder of its own. */
    private Path unused(int value) throws IOException {
        return compile("fixture.other.Unused", """
                package fixture.other;

                public final class Unused {
                    public static final String VALUE = "%d";
                }
                """.formatted(value));
    }

    private Path compile(String className, String source, Path... classpath) throws IOException {
        Path out = Files.createDirectories(dir.resolve("classes-" + folders++));
        List<String> path = new ArrayList<>(List.of(CodeLocation.of(Stage.class).orElseThrow().toString()));
        for (Path entry : classpath) {
            path.add(entry.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className.replace('.', '/')
                + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringWriter errors = new StringWriter();
        boolean compiled = compiler.getTask(errors, null, null, List.of("-d", out.toString(), "-cp",
                String.join(File.pathSeparator, path)), null, List.of(file)).call();
        assertTrue(compiled, errors.toString());
        return out;
    }

    /** 1980-01-01, the first time a jar entry can hold. */
    private static final long JAR_ENTRY_TIME = 315_532_800_000L;

    private Path jar(Path folder) throws IOException {
        Path jar = dir.resolve("stage-" + folders++ + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                JarEntry entry = new JarEntry(folder.relativize(file).toString().replace(File.separatorChar, '/'));
                // a fixed time, as a reproducible build stamps it: the same classes make the same jar, bit for bit,
                // whenever it is written (the entry's default is the current time, in 2-second steps)
                entry.setTime(JAR_ENTRY_TIME);
                out.putNextEntry(entry);
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private Path copy(Path folder) throws IOException {
        Path target = dir.resolve("copy-" + folders++);
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(folder.relativize(file).toString()));
            }
        }
        return target;
    }
}

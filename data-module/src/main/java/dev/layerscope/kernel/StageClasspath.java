package dev.layerscope.kernel;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The experiment's {@code classpath}: jars and folders of compiled classes that hold stages of a researcher's own
 * (and their {@code reference.conf}). The launcher reads the experiment and plans it with a class loader that sees
 * them, so that the stages resolve, their defaults count and their settings are checked, and runs the stages with
 * it as the context class loader: in Maven's JVM, which checks the experiment, as in the run's own JVM, which reads
 * the same experiment again.
 *
 * <p>A relative entry starts at the folder of the experiment file (or included file) that names it; one given on
 * the command line ({@code -Dclasspath=[...]}) or in the environment starts at the working directory.
 */
public final class StageClasspath {

    /** The experiment's key. */
    public static final String KEY = "classpath";

    private StageClasspath() {
    }

    /**
     * The entries as absolute paths, in order.
     *
     * @throws ExperimentException naming each entry that is not an existing jar or folder
     */
    public static List<Path> entries(Experiment experiment) {
        ConfigValue value = experiment.config().root().get(KEY);
        if (!(value instanceof ConfigList list)) {
            return List.of(); // absent, or of a wrong type that the planner reports
        }
        List<Path> entries = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue element = list.get(i);
            if (element.valueType() != ConfigValueType.STRING) {
                continue; // the planner reports it
            }
            String written = (String) element.unwrapped();
            String origin = element.origin().filename();
            Path base = origin != null ? Path.of(origin).toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
            String where = ConfigProblem.describe(element.origin());
            try {
                Path entry = base.resolve(written).normalize();
                if (!Files.exists(entry)) {
                    problems.add(new ConfigProblem(where, KEY + "[" + i + "]", "`" + written + "` is not there (no "
                            + entry + "); name a jar or a folder of compiled classes. A relative path starts at " + base
                            + (origin != null ? ", the folder of " + origin : ", the working directory")
                            + ". Compile a stage of your own first: see docs/stages.md, \"Adding a stage of your own\""));
                } else if (Files.isRegularFile(entry) && !isArchive(entry)) {
                    problems.add(new ConfigProblem(where, KEY + "[" + i + "]", "`" + written + "` (" + entry
                            + ") is a file but not a jar; name a jar or a folder of compiled classes"));
                } else {
                    entries.add(entry);
                }
            } catch (InvalidPathException e) {
                problems.add(new ConfigProblem(where, KEY + "[" + i + "]", "`" + written + "` is not a path: "
                        + e.getReason()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ExperimentException(experiment.file().toString(), problems);
        }
        return entries;
    }

    /** A class loader that sees {@code entries} after {@code parent}. */
    public static ClassLoader loader(List<Path> entries, ClassLoader parent) {
        List<URL> urls = new ArrayList<>();
        for (Path entry : entries) {
            try {
                urls.add(entry.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException("classpath entry " + entry + " has no URL", e);
            }
        }
        return new URLClassLoader("layerscope-stages", urls.toArray(URL[]::new), parent);
    }

    private static boolean isArchive(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jar") || name.endsWith(".zip");
    }
}

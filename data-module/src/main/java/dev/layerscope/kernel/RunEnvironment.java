package dev.layerscope.kernel;

import com.google.inject.Guice;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Where a run ran, so that two runs that disagree can be told apart: LayerScope's version, commit and whether its
 * work tree was clean; the JDK, the operating system, the CPU and its instruction sets; the thread counts; the
 * library versions; and what the stage modules tell ({@link EnvironmentFacts}: ND4J's backend and oneDNN, Smile's
 * BLAS). Gathered in the run's own JVM when the run starts, into {@code run.json}'s {@code environment}; the report
 * shows it. Nothing here fails a run: what cannot be found out is {@code unknown}.
 */
public final class RunEnvironment {

    public static final String UNKNOWN = "unknown";
    /** The x86 instruction-set extensions that decide which native kernels (OpenBLAS, oneDNN, libnd4j) run. */
    static final List<String> X86_INSTRUCTION_SETS = List.of("sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c",
            "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile");
    private static final long GIT_SECONDS = 10;

    private RunEnvironment() {
    }

    /**
     * The environment of this JVM, as {@code run.json} records it.
     *
     * @param runtimeThreads the experiment's {@code runtime.threads}
     * @param contributed    what the stage modules tell
     * @param env            the process environment (thread-count variables)
     */
    static Map<String, Object> gather(int runtimeThreads, List<EnvironmentFacts> contributed,
                                      Map<String, String> env) {
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("layerscope", layerscope());
        environment.put("java", properties("vendor", "java.vendor", "version", "java.runtime.version",
                "vm", "java.vm.name"));
        environment.put("os", properties("name", "os.name", "version", "os.version", "arch", "os.arch"));
        environment.put("cpu", cpu(cpuinfo(), Runtime.getRuntime().availableProcessors()));
        Map<String, Object> threads = new LinkedHashMap<>();
        threads.put("runtime-threads", runtimeThreads);
        for (String variable : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", Launcher.OMP_WAIT_POLICY,
                Launcher.OPENBLAS_THREAD_TIMEOUT)) {
            threads.put(variable, env.getOrDefault(variable, "unset"));
        }
        environment.put("threads", threads);
        Map<String, Object> libraries = new LinkedHashMap<>();
        libraries.put("guice", version(Guice.class));
        libraries.put("typesafe-config", version(Config.class));
        environment.put("libraries", libraries);
        List<String> failed = new ArrayList<>();
        for (EnvironmentFacts facts : contributed) {
            try {
                merge(environment, facts.facts());
            } catch (RuntimeException | LinkageError e) {
                failed.add(facts.getClass().getName() + ": " + e);
            }
        }
        if (!failed.isEmpty()) {
            environment.put("failed", failed);
        }
        environment.put("libraries", environment.remove("libraries")); // last: the longest section
        return environment;
    }

    /** One line for the log: JDK, OS, CPU, commit. */
    static String summary(Map<String, Object> environment) {
        return String.format(Locale.ROOT, "Java %s (%s) on %s %s %s; %s, %s processor(s), %s; LayerScope %s, "
                        + "commit %s (%s)", at(environment, "java.version"), at(environment, "java.vendor"),
                at(environment, "os.name"), at(environment, "os.version"), at(environment, "os.arch"),
                at(environment, "cpu.model"), at(environment, "cpu.processors"),
                at(environment, "cpu.instruction-sets"), at(environment, "layerscope.version"),
                at(environment, "layerscope.commit"), at(environment, "layerscope.work-tree"));
    }

    /**
     * The version of the library {@code type} comes from, as its jar declares it ({@code pom.properties}, else its
     * manifest); {@code unknown} for a class from a folder or a jar that declares none.
     */
    public static String version(Class<?> type) {
        try {
            return CodeLocation.of(type).filter(Files::isRegularFile).map(CodeLocation::read)
                    .flatMap(CodeLocation::version).orElse(UNKNOWN);
        } catch (UncheckedIOException e) {
            return UNKNOWN;
        }
    }

    /**
     * The CPU as {@code /proc/cpuinfo} describes it: its model, and the instruction-set extensions that matter here
     * (x86: from {@link #X86_INSTRUCTION_SETS} those it has; ARM: every feature listed).
     */
    static Map<String, Object> cpu(List<String> cpuinfo, int processors) {
        Optional<String> model = field(cpuinfo, "model name");
        Optional<String> flags = field(cpuinfo, "flags");
        Object instructionSets = flags.<Object>map(line -> {
            Set<String> present = Set.of(line.split("\\s+"));
            return X86_INSTRUCTION_SETS.stream().filter(present::contains).toList();
        }).or(() -> field(cpuinfo, "Features").map(line -> List.of(line.split("\\s+")))).orElse(UNKNOWN);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("model", model.orElse(UNKNOWN));
        cpu.put("instruction-sets", instructionSets);
        cpu.put("processors", processors);
        return cpu;
    }

    /** LayerScope's version, and the commit and state of the git work tree its kernel was loaded from. */
    private static Map<String, Object> layerscope() {
        Map<String, Object> layerscope = new LinkedHashMap<>();
        Properties build = new Properties();
        try (InputStream in = RunEnvironment.class.getResourceAsStream("layerscope.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // unknown below
        }
        layerscope.put("version", build.getProperty("version", UNKNOWN));
        Optional<Path> code = CodeLocation.of(RunEnvironment.class);
        Optional<Path> folder = code.map(path -> Files.isDirectory(path) ? path : path.getParent());
        layerscope.put("code", code.map(Path::toString).orElse(UNKNOWN));
        layerscope.put("commit", folder.flatMap(dir -> git(dir, "rev-parse", "HEAD")).orElse(UNKNOWN));
        Optional<String> status = folder.flatMap(dir -> git(dir, "status", "--porcelain"));
        layerscope.put("work-tree", status.map(s -> s.isEmpty() ? "clean" : "modified").orElse(UNKNOWN));
        status.filter(s -> !s.isEmpty()).ifPresent(s -> layerscope.put("modified-files", s.lines().count()));
        return layerscope;
    }

    /** What {@code git -C dir args} prints, trimmed; empty when git is missing, fails or takes too long. */
    static Optional<String> git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(Arrays.asList(args));
        try {
            Process git = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = git.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!git.waitFor(GIT_SECONDS, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return Optional.empty();
            }
            return git.exitValue() == 0 ? Optional.of(output.get().strip()) : Optional.empty();
        } catch (IOException | ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Adds contributed sections; maps (the libraries) are merged with what is there. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> environment, Map<String, Object> facts) {
        facts.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && environment.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existing);
                merged.putAll((Map<String, Object>) map);
                environment.put(key, merged);
            } else {
                environment.put(key, value);
            }
        });
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    private static Optional<String> field(List<String> lines, String name) {
        return lines.stream().filter(line -> line.startsWith(name) && line.indexOf(':') > 0
                        && line.substring(0, line.indexOf(':')).strip().equals(name))
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst();
    }

    /** The named system properties, in order: key, property name, key, property name... */
    private static Map<String, Object> properties(String... keysAndNames) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keysAndNames.length; i += 2) {
            values.put(keysAndNames[i], System.getProperty(keysAndNames[i + 1], UNKNOWN));
        }
        return values;
    }

    private static String at(Map<String, Object> environment, String path) {
        Object value = environment;
        for (String key : path.split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(key) : null;
        }
        return value instanceof List<?> list ? list.stream().map(String::valueOf).collect(Collectors.joining(" "))
                : value == null ? UNKNOWN : String.valueOf(value);
    }
}

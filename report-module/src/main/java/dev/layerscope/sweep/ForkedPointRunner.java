package dev.layerscope.sweep;

import dev.layerscope.kernel.Launcher;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs a point as {@code ./mvnw exec:java} runs an experiment: in a JVM of its own with the point's {@code runtime}
 * limits ({@link Launcher#forkedRun}), its overrides as {@code -D}, its output to {@code <logs>/<point>.log}. The run
 * tells where its run folder is through {@link Launcher#RUN_FOLDER_FILE_PROPERTY}. Everything it holds is text
 * captured where the sweep started (the classpath, the working directory, the logs folder), so that it runs the same
 * inside a Spark task.
 */
public final class ForkedPointRunner implements PointRunner {

    private static final long serialVersionUID = 1L;

    /**
     * A console line of a run that reports an error: {@code 12:00:01 ERROR ...}, or with milliseconds and the
     * logger's name where a logback-test.xml says so ({@code 12:00:01.123 ERROR d.l.k.PipelineRunner - ...}).
     */
    private static final Pattern ERROR_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d(\\.\\d+)? ERROR .*");
    /** What comes before the message on such a line. */
    private static final String ERROR_PREFIX = "^\\S+ ERROR\\s+(\\S+ - )?";
    /** The line with which a stage's failure is logged: {@code [train] failed after 3.2 s: why}. */
    private static final Pattern STAGE_FAILED = Pattern.compile(".*\\] failed after .*");

    private final String classpath;
    private final String mainClass;
    private final String workingDirectory;
    private final String logsDirectory;

    /**
     * @param classpath        the classpath of the points' JVMs (the sweep's own)
     * @param mainClass        the class that runs an experiment in a forked JVM
     * @param workingDirectory where the points' JVMs start, so that relative experiment files and data resolve as
     *                         for the sweep
     * @param logsDirectory    where each point's log goes
     */
    public ForkedPointRunner(String classpath, String mainClass, Path workingDirectory, Path logsDirectory) {
        this.classpath = classpath;
        this.mainClass = mainClass;
        this.workingDirectory = workingDirectory.toAbsolutePath().toString();
        this.logsDirectory = logsDirectory.toAbsolutePath().toString();
    }

    @Override
    public PointOutcome run(SweepPoint point) {
        PrintStream console = System.out;
        Path logs = Path.of(logsDirectory);
        String file = fileName(point.name());
        Path log = logs.resolve(file + ".log");
        Path runFolderFile = logs.resolve(file + ".run-folder");
        long start = System.nanoTime();
        try {
            Files.createDirectories(logs);
            Files.deleteIfExists(runFolderFile);
            List<String> arguments = new ArrayList<>();
            point.overrides().forEach((key, value) -> arguments.add("-D" + key + "=" + value));
            arguments.add("-D" + Launcher.RUN_FOLDER_FILE_PROPERTY + "=" + runFolderFile);
            ProcessBuilder builder = Launcher.forkedRun(point.runtime(), classpath, point.experimentFile(), arguments,
                    mainClass).directory(Path.of(workingDirectory).toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            console.println("[sweep] started  " + point.name() + "  (log " + log + ")");
            Process child = builder.start();
            int exitCode;
            try {
                exitCode = child.waitFor();
            } catch (InterruptedException e) {
                child.destroy();
                Thread.currentThread().interrupt();
                return end(console, point, Launcher.STAGE_FAILED, runFolder(runFolderFile), start,
                        "the sweep was stopped while it ran (log " + log + ")");
            }
            String failure = exitCode == Launcher.OK ? null : why(log, exitCode) + " (log " + log + ")";
            return end(console, point, exitCode, runFolder(runFolderFile), start, failure);
        } catch (IOException e) {
            return end(console, point, Launcher.STAGE_FAILED, null, start, "its JVM could not start: " + e.getMessage());
        }
    }

    private static PointOutcome end(PrintStream console, SweepPoint point, int exitCode, String runFolder, long start,
                                    String failure) {
        double seconds = (System.nanoTime() - start) / 1e9;
        console.println(String.format(Locale.ROOT, "[sweep] %s %s  in %.1f s%s", failure == null ? "finished"
                : "FAILED  ", point.name(), seconds, failure == null ? ", run folder " + runFolder : ": " + failure));
        return new PointOutcome(point.name(), exitCode, runFolder, seconds, failure);
    }

    private static String runFolder(Path runFolderFile) {
        try {
            return Files.isRegularFile(runFolderFile) ? Files.readString(runFolderFile).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why a point failed, from its log: the line where its stage failed, else its last error line, else its last
     * line (a JVM that could not start, say).
     */
    static String why(Path log, int exitCode) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "exit code " + exitCode + "; its log cannot be read: " + e.getMessage();
        }
        Optional<String> stageFailed = lines.stream().filter(l -> ERROR_LINE.matcher(l).matches())
                .filter(l -> STAGE_FAILED.matcher(l).matches()).reduce((a, b) -> b);
        Optional<String> lastError = lines.stream().filter(l -> ERROR_LINE.matcher(l).matches()).reduce((a, b) -> b);
        Optional<String> last = lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b);
        return stageFailed.or(() -> lastError).or(() -> last).map(l -> l.replaceFirst(ERROR_PREFIX, "").strip())
                .orElse("exit code " + exitCode + ", nothing in its log");
    }

    /** A point's name as a file name: {@code fashion-mlp seed=3 a.b=0.01} becomes {@code fashion-mlp_seed=3_a.b=0.01}. */
    static String fileName(String pointName) {
        String plain = pointName.replaceAll("[^A-Za-z0-9._=+-]+", "_");
        return plain.length() <= 150 ? plain : plain.substring(0, 140) + "_" + Integer.toHexString(pointName.hashCode());
    }
}

package dev.layerscope.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.Launcher;
import dev.layerscope.sweep.PointOutcome;
import dev.layerscope.sweep.PointRunner;
import dev.layerscope.sweep.SweepPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext$;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark engine on {@code local[2]}, with points whose runner only leaves a mark. */
class SparkEngineTest {

    /**
     * Appends a line to {@code <folder>/<point>.ran} for every time it runs a point, then throws for the point
     * {@code throwsFor}, reports a failed run for {@code failsFor}, and a finished one for the others.
     */
    record MarkingRunner(String folder, String throwsFor, String failsFor) implements PointRunner {

        @Override
        public PointOutcome run(SweepPoint point) {
            Path marker = Path.of(folder, point.name() + ".ran");
            try {
                Files.writeString(marker, point.overrides() + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (point.name().equals(throwsFor)) {
                throw new IllegalStateException("no JVM could be started for " + point.name());
            }
            if (point.name().equals(failsFor)) {
                return new PointOutcome(point.name(), Launcher.STAGE_FAILED, folder + "/" + point.name(), 0.5,
                        "stage train failed");
            }
            return new PointOutcome(point.name(), Launcher.OK, folder + "/" + point.name(), 0.5, null);
        }
    }

    private static SweepPoint point(String name, int seed) {
        return new SweepPoint(name, "conf/smoke.conf", Map.of("seed", String.valueOf(seed)));
    }

    @Test
    void everyPointRunsOnceAsATaskAndAFailingPointLeavesTheOthersComplete(@TempDir Path folder) throws Exception {
        List<SweepPoint> points = List.of(point("a seed=1", 1), point("b seed=2", 2), point("c seed=3", 3),
                point("d seed=4", 4), point("e seed=5", 5));

        List<PointOutcome> outcomes = new SparkEngine().run("test", points,
                ConfigFactory.parseString("master = \"local[2]\""),
                new MarkingRunner(folder.toString(), "b seed=2", "d seed=4"));

        assertEquals(List.of("a seed=1", "b seed=2", "c seed=3", "d seed=4", "e seed=5"),
                outcomes.stream().map(PointOutcome::name).toList(), "one outcome per point, in the points' order");
        assertEquals(List.of(true, false, true, false, true),
                outcomes.stream().map(PointOutcome::succeeded).toList());
        assertTrue(outcomes.get(1).failure().contains("no JVM could be started for b seed=2"),
                outcomes.get(1).failure());
        assertEquals(Launcher.STAGE_FAILED, outcomes.get(1).exitCode());
        assertNull(outcomes.get(1).runFolder(), "a runner that threw wrote no run folder we know of");
        assertEquals("stage train failed", outcomes.get(3).failure(), "the runner's own outcome comes back as it is");
        assertEquals(folder + "/e seed=5", outcomes.get(4).runFolder());
        for (SweepPoint point : points) {
            // each task ran its own point, once: the point that threw was not tried again
            assertEquals(List.of("{seed=" + point.overrides().get("seed") + "}"),
                    Files.readAllLines(folder.resolve(point.name() + ".ran")), point.name());
        }
        assertTrue(noActiveContext(), "the engine stops the context it started");
    }

    /** Spark's own record of the JVM's running context (package-private in Scala, so public to Java). */
    private static boolean noActiveContext() {
        return SparkContext$.MODULE$.getActive().isEmpty();
    }

    @Test
    void noPointsStartNoSpark() {
        List<PointOutcome> outcomes = new SparkEngine().run("test", List.of(), ConfigFactory.empty(),
                point -> {
                    throw new AssertionError("nothing to run");
                });

        assertTrue(outcomes.isEmpty());
        assertTrue(noActiveContext());
    }

    @Test
    void aPointWithoutAnOutcomeFailsWithTheJobsReason() {
        List<SweepPoint> points = List.of(point("a", 1), point("b", 2));
        PointOutcome finished = new PointOutcome("b", Launcher.OK, "runs/b", 1, null);

        List<PointOutcome> outcomes = SparkSweep.inOrder(points, List.of(new SparkSweep.Finished(1, finished)),
                "Spark stopped the sweep before this point finished: executor lost");

        assertEquals("a", outcomes.get(0).name());
        assertEquals("Spark stopped the sweep before this point finished: executor lost", outcomes.get(0).failure());
        assertEquals(finished, outcomes.get(1));
    }

    @Test
    void registeredForServiceLoaderByItsName() {
        assertTrue(java.util.ServiceLoader.load(dev.layerscope.sweep.SweepEngine.class).stream()
                .anyMatch(provider -> provider.type() == SparkEngine.class && provider.get().name().equals("spark")));
    }
}

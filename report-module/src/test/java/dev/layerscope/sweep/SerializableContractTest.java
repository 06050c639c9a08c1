package dev.layerscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.kernel.RuntimeSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an engine ships to another JVM (a Spark executor) survives Java serialization: the point with its runtime,
 * and the runner, which still runs there (here: a point whose JVM cannot start, so the test starts no run).
 */
class SerializableContractTest {

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void aPointAndItsOutcomeCrossJvmsWhole() throws Exception {
        SweepPoint point = new SweepPoint("tiny seed=1", "conf/tiny.conf", Map.of("synthetic.seed", "1"),
                new RuntimeSettings("1g", "2g", 2));
        SweepPoint copy = roundTrip(point);

        assertEquals(point, copy);
        assertEquals(3L << 30, copy.memoryBytes());
        PointOutcome outcome = new PointOutcome("tiny seed=1", 1, "/runs/tiny/1", 2.5, "why");
        assertEquals(outcome, roundTrip(outcome));
    }

    @Test
    void theRunnerRunsAfterTheTripAndSaysWhyAPointCouldNotRun() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "");
        PointRunner runner = roundTrip(new ForkedPointRunner("cp", "Main", notADirectory, dir.resolve("logs")));

        PointOutcome outcome = runner.run(new SweepPoint("p", "conf/p.conf", Map.of()));

        assertEquals("p", outcome.name());
        assertNull(outcome.runFolder());
        assertTrue(outcome.failure().startsWith("its JVM could not start: "), outcome.failure());
    }
}

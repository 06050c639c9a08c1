package dev.layerscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why a point failed, as its log says it, and its log's file name. */
class PointFailureTest {

    @TempDir
    Path dir;

    @Test
    void theStagesFailureLineIsTheReasonInEitherLogFormat() throws IOException {
        Path log = dir.resolve("a.log");
        Files.writeString(log, """
                12:00:01 INFO  [train] started
                12:00:02 ERROR [train] failed after 1.0 s: model.epochs: out of memory
                java.lang.OutOfMemoryError: Java heap space
                12:00:02 ERROR Run failed in stage train; run folder /runs/x/1
                """);
        assertEquals("[train] failed after 1.0 s: model.epochs: out of memory", ForkedPointRunner.why(log, 1));

        Files.writeString(log, """
                12:00:02.123 ERROR d.l.k.PipelineRunner - [knn] failed after 0.1 s: bad
                12:00:02.124 ERROR d.l.k.PipelineRunner - Run failed in stage knn; run folder /runs/x/1
                """);
        assertEquals("[knn] failed after 0.1 s: bad", ForkedPointRunner.why(log, 1));
    }

    @Test
    void withoutAStageFailureTheLastErrorLineOrElseTheLastLineIsTheReason() throws IOException {
        Path log = dir.resolve("b.log");
        Files.writeString(log, "12:00:01 ERROR Run stopped before stage knn could start: k too large\n\n");
        assertEquals("Run stopped before stage knn could start: k too large", ForkedPointRunner.why(log, 1));

        Files.writeString(log, "Error: Could not find or load main class x\n");
        assertEquals("Error: Could not find or load main class x", ForkedPointRunner.why(log, 1));

        Files.writeString(log, "");
        assertEquals("exit code 134, nothing in its log", ForkedPointRunner.why(log, 134));
    }

    @Test
    void aPointsNameBecomesAPlainFileName() {
        assertEquals("fashion-mlp_seed=3_model.updater.learning-rate=0.01",
                ForkedPointRunner.fileName("fashion-mlp seed=3 model.updater.learning-rate=0.01"));
        assertEquals("tiny_pipeline=_a_b_", ForkedPointRunner.fileName("tiny pipeline=[\"a\",\"b\"]"));
    }
}

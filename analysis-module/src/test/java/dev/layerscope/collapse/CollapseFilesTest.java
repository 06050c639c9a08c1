package dev.layerscope.collapse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collapse stage's files give back what was written, as a reused stage needs them. */
class CollapseFilesTest {

    @TempDir
    Path dir;

    @Test
    void theResultsReadBackEqualFieldByFieldAnUndefinedMeasureIncludedAndTheTableSaysWhichImages() throws IOException {
        CollapseResults written = new CollapseResults(10, List.of(
                new CollapseResults.Line("dense2", 20, 64, new NeuralCollapse.Measures(0.123456789012345,
                        0.01, -0.1110987654321, 0.0123, 0.3, 0.9987, 9))), List.of(
                new CollapseResults.Line("dense2", 0, 64, new NeuralCollapse.Measures(Double.NaN, Double.NaN,
                        Double.NaN, 0, Double.NaN, 0.5, 0))));

        CollapseFiles.write(dir, written);

        assertEquals(written, CollapseFiles.read(dir));
        assertEquals(List.of("layer,epoch,images,nc1,nc2_norm_cv,nc2_cos_mean,nc2_cos_std,nc3,nc4",
                "dense2,20,train,0.123457,0.0100000,-0.111099,0.0123000,0.300000,0.998700",
                "dense2,0,record,NaN,NaN,NaN,0.00000,NaN,0.500000"),
                Files.readAllLines(dir.resolve(CollapseFiles.TABLE)), "the last epoch's lines say which images");
    }
}

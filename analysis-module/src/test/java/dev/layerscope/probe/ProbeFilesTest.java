package dev.layerscope.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe stage's files: what a person reads, and what a later run reads back. */
class ProbeFilesTest {

    @TempDir
    Path dir;

    private static final ProbeResults RESULTS = new ProbeResults(12, List.of(
            new ProbeResults.LayerProbe("dense1", 256, List.of(
                    new ProbeResults.Fit(1e-4, new ProbeResults.Score(80, 100), 120, true),
                    new ProbeResults.Fit(0.1, new ProbeResults.Score(83, 100), 15, false)),
                    1, new ProbeResults.Score(900, 1000), new ProbeResults.Score(81, 100)),
            new ProbeResults.LayerProbe("odd, name", 3, List.of(
                    new ProbeResults.Fit(0.01, ProbeResults.Score.NONE, 7, true)),
                    0, new ProbeResults.Score(1, 3), new ProbeResults.Score(0, 2))));

    @Test
    void theTableHasAValidationLinePerStrengthThenTheChosenOnTrainAndTest() throws IOException {
        ProbeFiles.write(dir, RESULTS);
        assertEquals(List.of(ProbeFiles.HEADER,
                "dense1,256,12,validation,1.0E-4,false,100,80,0.800000,120,true",
                "dense1,256,12,validation,0.1,true,100,83,0.830000,15,false",
                "dense1,256,12,train,0.1,true,1000,900,0.900000,15,false",
                "dense1,256,12,test,0.1,true,100,81,0.810000,15,false",
                "\"odd, name\",3,12,train,0.01,true,3,1,0.333333,7,true",
                "\"odd, name\",3,12,test,0.01,true,2,0,0.000000,7,true"),
                Files.readAllLines(dir.resolve(ProbeFiles.TABLE)));
    }

    @Test
    void whatIsWrittenIsReadBackEqual() throws IOException {
        ProbeFiles.write(dir, RESULTS);
        assertEquals(RESULTS, ProbeFiles.read(dir));
    }
}

package dev.layerscope.hardneg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HardNegativeFilesTest {

    /** Class names (separated by |) and the folder names they get (separated by |). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "T-shirt/top|Trouser|Ankle boot ; T-shirt-top|Trouser|Ankle-boot",
            "a: b?|.hidden|trailing. ; a-b|hidden|trailing",
            "Cat|Dog|dog ; 0-Cat|1-Dog|2-dog",
            "a/b|a b|c ; 0-a-b|1-a-b|2-c",
            "+++|x ; 0|1-x",
            "один|two ; 0|1-two"})
    void classNamesBecomeSafeAndUniqueFileNames(String names, String expected) {
        assertEquals(Arrays.asList(expected.split("\\|")), HardNegativeFiles.fileNames(List.of(names.split("\\|"))));
    }
}

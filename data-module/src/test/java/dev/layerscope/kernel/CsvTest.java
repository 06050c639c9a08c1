package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "Ankle boot|Ankle boot",
            "T-shirt/top|T-shirt/top",
            "a,b|'\"a,b\"'",
            "say \"hi\"|'\"say \"\"hi\"\"\"'"})
    void aFieldIsQuotedOnlyWhenItMustBe(String text, String expected) {
        assertEquals(expected, Csv.field(text));
    }

    @Test
    void aLineBreakIsQuotedToo() {
        assertEquals("\"two\nlines\"", Csv.field("two\nlines"));
    }

    @Test
    void aMatrixHasAHeaderOfNamesAndOneNamedLinePerRow() {
        List<String> lines = Csv.matrix("true\\predicted", List.of("cat", "dog, big"),
                (row, column) -> row + ":" + column);
        assertEquals(List.of("true\\predicted,cat,\"dog, big\"", "cat,0:0,0:1", "\"dog, big\",1:0,1:1"), lines);
    }
}

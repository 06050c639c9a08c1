package dev.layerscope.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FiguresTest {

    @Test
    void classColoursAreDistinctBeyondTheTenthClass() {
        Set<Color> seen = new HashSet<>();
        for (int c = 0; c < 40; c++) {
            Color colour = Figures.classColor(c);
            assertTrue(seen.add(colour), "class " + c + " repeats a colour");
            for (Color other : seen) {
                assertTrue(other == colour || Pictures.distance(other, colour) > 12,
                        "class " + c + " is hardly distinguishable from " + other);
            }
        }
        assertEquals(new Color(0x4E79A7), Figures.classColor(0), "Tableau 10 comes first");
    }
}

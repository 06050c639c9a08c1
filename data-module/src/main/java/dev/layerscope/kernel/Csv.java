package dev.layerscope.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** CSV as spreadsheets, pandas and R read it (RFC 4180), for the files stages write beside their artifacts. */
public final class Csv {

    private Csv() {
    }

    /** {@code text} as one field: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
    public static String field(String text) {
        boolean plain = text.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
        return plain ? text : '"' + text.replace("\"", "\"\"") + '"';
    }

    /**
     * A square table over {@code names} (a confusion matrix, say): a header of {@code corner} and the names, then
     * one line per name with its cells, {@code cell(row, column)}.
     */
    public static List<String> matrix(String corner, List<String> names, BiFunction<Integer, Integer, String> cell) {
        List<String> lines = new ArrayList<>(names.size() + 1);
        lines.add(field(corner) + "," + String.join(",", names.stream().map(Csv::field).toList()));
        for (int row = 0; row < names.size(); row++) {
            StringBuilder line = new StringBuilder(field(names.get(row)));
            for (int column = 0; column < names.size(); column++) {
                line.append(',').append(cell.apply(row, column));
            }
            lines.add(line.toString());
        }
        return lines;
    }
}

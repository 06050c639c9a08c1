package dev.layerscope.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file a stage wrote (RFC 4180, as {@code dev.layerscope.kernel.Csv} writes it: a field with a comma, quote or
 * line break quoted, quotes doubled), read back by column name.
 *
 * @param header the column names
 * @param rows   each line's fields, as many as the header has
 */
public record CsvTable(List<String> header, List<List<String>> rows) {

    /** Reads a CSV file with a header line; a line with another number of fields than the header is an error. */
    public static CsvTable read(Path file) throws IOException {
        List<List<String>> records = parse(Files.readString(file));
        if (records.isEmpty()) {
            throw new IOException(file + " is empty: it has no header");
        }
        List<String> header = records.getFirst();
        List<List<String>> rows = new ArrayList<>();
        for (List<String> record : records.subList(1, records.size())) {
            if (record.size() != header.size()) {
                throw new IOException(file + ": a line has " + record.size() + " fields for the header's "
                        + header.size());
            }
            rows.add(record);
        }
        return new CsvTable(List.copyOf(header), List.copyOf(rows));
    }

    /** Each row as column name to field. */
    public List<Map<String, String>> records() {
        List<Map<String, String>> out = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            Map<String, String> record = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                record.put(header.get(i), row.get(i));
            }
            out.add(record);
        }
        return out;
    }

    private static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                any = false;
            } else {
                field.append(c);
            }
        }
        if (any) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}

package dev.layerscope.kernel;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Writes JSON (through Typesafe Config's renderer, so no JSON library is needed) and files atomically. */
public final class Json {

    private Json() {
    }

    /** A map of numbers, strings, booleans, lists and maps as formatted JSON. */
    public static String render(Map<String, ?> value) {
        return ConfigValueFactory.fromMap(value)
                .render(ConfigRenderOptions.concise().setJson(true).setFormatted(true)) + "\n";
    }

    /** Writes {@code map} as JSON to {@code file}, atomically: readers see the old file or the new, never half. */
    public static void write(Path file, Map<String, ?> map) throws IOException {
        writeAtomically(file, render(map));
    }

    /** Writes {@code text} to a sibling temporary file, then moves it over {@code file}. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

package dev.layerscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void floatsAndIntsSurviveARoundTrip() throws IOException {
        float[] floats = new float[3 * 5 * 7];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = i * 0.5f - 3;
        }
        Npy.writeFloats(dir.resolve("f.npy"), floats, 3, 5, 7);
        Npy.Floats back = Npy.readFloats(dir.resolve("f.npy"));
        assertArrayEquals(new long[] {3, 5, 7}, back.shape());
        assertArrayEquals(floats, back.values());

        int[] ints = {4, -1, 70000};
        Npy.writeInts(dir.resolve("i.npy"), ints, 3);
        assertArrayEquals(ints, Npy.readInts(dir.resolve("i.npy")).values());
        assertArrayEquals(new long[] {3}, Npy.readInts(dir.resolve("i.npy")).shape());
    }

    @Test
    void aRangeOfTheFirstAxisIsReadAlone() throws IOException {
        float[] floats = new float[4 * 3 * 2];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = i;
        }
        Npy.writeFloats(dir.resolve("f.npy"), floats, 4, 3, 2);
        Npy.Floats middle = Npy.readFloats(dir.resolve("f.npy"), 1, 2);
        assertArrayEquals(new long[] {2, 3, 2}, middle.shape());
        assertArrayEquals(Arrays.copyOfRange(floats, 6, 18), middle.values(), "items 1 and 2: values 6 to 17");
        assertArrayEquals(Arrays.copyOfRange(floats, 18, 24), Npy.readFloats(dir.resolve("f.npy"), 3, 1).values());
        assertThrows(IllegalArgumentException.class, () -> Npy.readFloats(dir.resolve("f.npy"), 3, 2));
    }

    @Test
    void theHeaderIsWhatNumpyWrites() throws IOException {
        Npy.writeFloats(dir.resolve("f.npy"), new float[6], 2, 3);
        byte[] bytes = Files.readAllBytes(dir.resolve("f.npy"));
        String header = new String(Arrays.copyOfRange(bytes, 10, 10 + bytes[8]), "US-ASCII");
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.trim());
        assertEquals(0, (10 + bytes[8]) % 64, "data starts on a 64-byte boundary");
        assertEquals(10 + bytes[8] + 24, bytes.length);
    }

    @Test
    void rejectsTheWrongElementType() throws IOException {
        Npy.writeInts(dir.resolve("i.npy"), new int[] {1}, 1);
        assertThrows(IOException.class, () -> Npy.readFloats(dir.resolve("i.npy")));
    }
}

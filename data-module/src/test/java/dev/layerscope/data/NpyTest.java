package dev.layerscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    @Test
    void anArrayOfManyReadBuffersIsReadWholeAndInPart() throws IOException {
        // 700,001 values: 2.8 MB, so the read crosses several 1 MB buffers and ends inside one
        int rows = 7;
        int cols = 100_000;
        float[] floats = new float[rows * cols + 1];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = i * 0.25f;
        }
        Npy.writeFloats(dir.resolve("big.npy"), floats, floats.length);
        assertArrayEquals(floats, Npy.readFloats(dir.resolve("big.npy")).values());

        float[] matrix = Arrays.copyOf(floats, rows * cols);
        Npy.writeFloats(dir.resolve("rows.npy"), matrix, rows, cols);
        assertArrayEquals(Arrays.copyOfRange(matrix, 3 * cols, 6 * cols),
                Npy.readFloats(dir.resolve("rows.npy"), 3, 3).values(), "rows 3 to 5, which straddle buffers");

        int[] ints = new int[300_001];
        Arrays.setAll(ints, i -> i * 7 - 5);
        Npy.writeInts(dir.resolve("ints.npy"), ints, ints.length);
        assertArrayEquals(ints, Npy.readInts(dir.resolve("ints.npy")).values());
    }

    @Test
    void aTruncatedFileIsNamedWithWhatIsMissing() throws IOException {
        Path file = dir.resolve("cut.npy");
        Npy.writeFloats(file, new float[300_000], 300_000);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
        IOException e = assertThrows(IOException.class, () -> Npy.readFloats(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("1199990 of 1200000"), e.getMessage());
    }

    @Test
    void anArrayLargerThanAJavaArrayIsRefusedBeforeAnythingIsRead() throws IOException {
        // the header of 3,000,000 images of 784 floats, 9.4 GB, over a body of 6 floats: refused from the header
        Path file = dir.resolve("huge.npy");
        Npy.writeFloats(file, new float[6], 2, 3);
        byte[] original = Files.readAllBytes(file);
        String header = new String(original, 10, original[8], StandardCharsets.US_ASCII);
        String huge = header.replace("(2, 3),", "(3000000, 784),");
        // keep the header's length: take the extra characters out of its padding
        huge = huge.substring(0, huge.length() - 1 - (huge.length() - header.length())) + "\n";
        byte[] rewritten = original.clone();
        System.arraycopy(huge.getBytes(StandardCharsets.US_ASCII), 0, rewritten, 10, header.length());
        Files.write(file, rewritten);
        IOException e = assertThrows(IOException.class, () -> Npy.readFloats(file));
        assertTrue(e.getMessage().contains("[3000000, 784]") && e.getMessage().contains("capture.max-width"),
                e.getMessage());
    }
}

package dev.layerscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.DataException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip = {0}")
    @ValueSource(booleans = {true, false})
    void imagesAndLabelsSurviveARoundTrip(boolean gzip) throws IOException {
        byte[] pixels = new byte[7 * 5 * 3];
        new Random(1).nextBytes(pixels);
        int[] labels = {0, 1, 2, 255, 7, 3, 3};
        Idx.writeImages(dir.resolve("images"), 5, 3, pixels, gzip);
        Idx.writeLabels(dir.resolve("labels"), labels, gzip);

        assertEquals(gzip, Idx.isGzip(dir.resolve("images")));
        Idx.Images images = Idx.readImages(dir.resolve("images"));
        assertEquals(7, images.count());
        assertEquals(5, images.rows());
        assertEquals(3, images.cols());
        assertArrayEquals(pixels, images.pixels());
        assertArrayEquals(labels, Idx.readLabels(dir.resolve("labels")));
    }

    @Test
    void scalesPixelsToTheUnitInterval() {
        ImageSet set = new ImageSet(1, 3, new byte[] {0, (byte) 128, (byte) 255}, new int[] {0});
        float[] scaled = new float[3];
        set.copyScaled(0, scaled, 0);
        assertArrayEquals(new float[] {0f, 128 / 255f, 1f}, scaled);
    }

    @Test
    void rejectsAFileThatIsNotIdx() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello, this is text");
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(file));
        assertEquals(Kind.BAD_MAGIC, e.kind());
        assertTrue(e.getMessage().contains("is not an IDX file"), e.getMessage());
    }

    @Test
    void rejectsAnElementTypeOtherThanUnsignedBytes() throws IOException {
        Path file = write(header(0x00000D03, 1, 2, 2), new byte[16]); // 0x0D: float
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(file));
        assertEquals(Kind.UNSUPPORTED_TYPE, e.kind());
    }

    @Test
    void rejectsALabelFileWhereImagesAreExpected() throws IOException {
        Idx.writeLabels(dir.resolve("labels"), new int[] {1, 2, 3}, false);
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(dir.resolve("labels")));
        assertEquals(Kind.BAD_DIMENSIONS, e.kind());
        assertTrue(e.getMessage().contains("has 1 dimension ("), e.getMessage());
    }

    @Test
    void rejectsZeroSizedImages() throws IOException {
        Path file = write(header(Idx.IMAGES_MAGIC, 3, 0, 28), new byte[0]);
        assertEquals(Kind.BAD_DIMENSIONS, assertThrows(DataException.class, () -> Idx.readImages(file)).kind());
    }

    @Test
    void rejectsAFileShorterThanItsHeaderSays() throws IOException {
        Path file = write(header(Idx.IMAGES_MAGIC, 3, 2, 2), new byte[11]); // 12 announced
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(file));
        assertEquals(Kind.TRUNCATED, e.kind());
        assertTrue(e.getMessage().contains("announces 12 pixel bytes") && e.getMessage().contains("only 11"),
                e.getMessage());
    }

    @Test
    void rejectsAFileEndingInsideItsHeader() throws IOException {
        Path file = write(new byte[] {0, 0, 8, 3, 0, 0}, new byte[0]);
        assertEquals(Kind.TRUNCATED, assertThrows(DataException.class, () -> Idx.readImages(file)).kind());
    }

    @Test
    void rejectsBytesAfterTheAnnouncedData() throws IOException {
        Path file = write(header(Idx.LABELS_MAGIC, 3), new byte[] {1, 2, 3, 4, 5});
        DataException e = assertThrows(DataException.class, () -> Idx.readLabels(file));
        assertEquals(Kind.TRAILING_BYTES, e.kind());
        assertTrue(e.getMessage().contains("2 bytes after"), e.getMessage());
    }

    @Test
    void countsOneByteAsOne() throws IOException {
        Path trailing = write(header(Idx.LABELS_MAGIC, 3), new byte[] {1, 2, 3, 4});
        String message = assertThrows(DataException.class, () -> Idx.readLabels(trailing)).getMessage();
        assertTrue(message.contains("has 1 byte after the 3 labels"), message);
        Path truncated = write(header(Idx.LABELS_MAGIC, 3), new byte[] {1});
        message = assertThrows(DataException.class, () -> Idx.readLabels(truncated)).getMessage();
        assertTrue(message.contains("announces 3 labels but only 1 byte follows"), message);
        Path stub = write(new byte[] {0}, new byte[0]);
        message = assertThrows(DataException.class, () -> Idx.readLabels(stub)).getMessage();
        assertTrue(message.contains("ends after 1 byte, before"), message);
    }

    @Test
    void rejectsTruncatedGzip() throws IOException {
        byte[] whole = gzippedImages();
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(cut));
        assertEquals(Kind.CORRUPT_GZIP, e.kind());
        assertTrue(e.getMessage().contains("cut.gz"), e.getMessage());
    }

    @Test
    void rejectsGzipWithDamagedContent() throws IOException {
        byte[] damaged = gzippedImages();
        for (int i = damaged.length / 3; i < damaged.length / 3 + 64; i++) {
            damaged[i] ^= (byte) 0x5A;
        }
        Path file = dir.resolve("damaged.gz");
        Files.write(file, damaged);
        assertEquals(Kind.CORRUPT_GZIP, assertThrows(DataException.class, () -> Idx.readImages(file)).kind());
    }

    @Test
    void detectsGzipByContentNotByName() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.write(header(Idx.LABELS_MAGIC, 2));
            out.write(new byte[] {4, 5});
        }
        Path file = dir.resolve("labels-without-gz-suffix");
        Files.write(file, bytes.toByteArray());
        assertArrayEquals(new int[] {4, 5}, Idx.readLabels(file));
    }

    /** The bytes of a gzip-compressed IDX file of 100 random 28x28 images. */
    private byte[] gzippedImages() throws IOException {
        byte[] pixels = new byte[100 * 28 * 28];
        new Random(2).nextBytes(pixels);
        Idx.writeImages(dir.resolve("full.gz"), 28, 28, pixels, true);
        return Files.readAllBytes(dir.resolve("full.gz"));
    }

    private Path write(byte[] header, byte[] body) throws IOException {
        Path file = Files.createTempFile(dir, "idx", "");
        byte[] all = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        Files.write(file, all);
        return file;
    }

    private static byte[] header(int magic, int... dims) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        return bytes.toByteArray();
    }
}

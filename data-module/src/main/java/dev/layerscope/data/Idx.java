package dev.layerscope.data;

import dev.layerscope.data.DataException.Kind;
import dev.layerscope.kernel.Numbers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST (big-endian header: two zero bytes, an element type, the number of
 * dimensions, then each dimension as an int; then the elements). Files may be gzip-compressed or raw: the first
 * bytes decide, not the file name. Only unsigned bytes (type 0x08) are read, the type every such data set uses.
 */
public final class Idx {

    /** Element type "unsigned byte". */
    public static final int UBYTE = 0x08;
    /** Magic number of an image file: unsigned bytes, three dimensions (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a label file: unsigned bytes, one dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int HEADER_LIMIT = Integer.MAX_VALUE - 16;

    private Idx() {
    }

    /** The images of an IDX image file: {@code count} images of {@code rows x cols} bytes. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
    }

    /** What the header of an IDX image file announces: {@code count} images of {@code rows x cols}. */
    public record ImagesHeader(int count, int rows, int cols) {
    }

    public static Images readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            DataInputStream data = new DataInputStream(in);
            ImagesHeader header = imagesHeader(file, data);
            byte[] pixels = body(file, data, header.count() * header.rows() * header.cols(), "pixel bytes for "
                    + header.count() + " images of " + header.rows() + "x" + header.cols());
            return new Images(header.count(), header.rows(), header.cols(), pixels);
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    /** Reads only the header of an IDX image file: its first 16 bytes, whatever the size of the file. */
    public static ImagesHeader readImagesHeader(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return imagesHeader(file, new DataInputStream(in));
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    private static ImagesHeader imagesHeader(Path file, DataInputStream data) throws IOException {
        int[] dims = header(file, data, IMAGES_MAGIC, 3, "an image file (count, rows, columns)");
        long size = (long) dims[0] * dims[1] * dims[2];
        if (dims[1] == 0 || dims[2] == 0 || size > HEADER_LIMIT) {
            throw new DataException(Kind.BAD_DIMENSIONS, file + ": impossible image dimensions "
                    + dims[0] + " x " + dims[1] + " x " + dims[2]);
        }
        return new ImagesHeader(dims[0], dims[1], dims[2]);
    }

    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = open(file)) {
            DataInputStream data = new DataInputStream(in);
            int[] dims = header(file, data, LABELS_MAGIC, 1, "a label file (count)");
            byte[] bytes = body(file, data, dims[0], "labels");
            int[] labels = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    /** Writes an IDX image file; gzip-compressed when {@code gzip}. */
    public static void writeImages(Path file, int rows, int cols, byte[] pixels, boolean gzip) throws IOException {
        int count = pixels.length / (rows * cols);
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " bytes are not a whole number of " + rows + "x" + cols
                    + " images");
        }
        try (DataOutputStream out = new DataOutputStream(create(file, gzip))) {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        }
    }

    /** Writes an IDX label file; gzip-compressed when {@code gzip}. Labels must be 0 to 255. */
    public static void writeLabels(Path file, int[] labels, boolean gzip) throws IOException {
        try (DataOutputStream out = new DataOutputStream(create(file, gzip))) {
            out.writeInt(LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int label : labels) {
                if (label < 0 || label > 255) {
                    throw new IllegalArgumentException("an IDX ubyte label must be 0..255, got " + label);
                }
                out.writeByte(label);
            }
        }
    }

    /** Whether the file starts with the gzip magic bytes. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return isGzip(file) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
    }

    private static OutputStream create(Path file, boolean gzip) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        return gzip ? new GZIPOutputStream(out, 1 << 16) : out;
    }

    private static int[] header(Path file, DataInputStream data, int expectedMagic, int expectedDims, String what)
            throws IOException {
        byte[] head = data.readNBytes(4);
        if (head.length < 4) {
            throw new DataException(Kind.TRUNCATED, file + ": ends after " + Numbers.count(head.length, "byte")
                    + ", before the 4-byte IDX magic number");
        }
        int magic = ((head[0] & 0xFF) << 24) | ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        if (head[0] != 0 || head[1] != 0) {
            throw new DataException(Kind.BAD_MAGIC, String.format(
                    "%s is not an IDX file: it starts with 0x%08X, expected 0x%08X for %s", file, magic, expectedMagic,
                    what));
        }
        if ((head[2] & 0xFF) != UBYTE) {
            throw new DataException(Kind.UNSUPPORTED_TYPE, String.format(
                    "%s holds IDX element type 0x%02X; only unsigned bytes (0x08) are supported", file, head[2] & 0xFF));
        }
        int dims = head[3] & 0xFF;
        if (dims != expectedDims) {
            throw new DataException(Kind.BAD_DIMENSIONS, String.format(
                    "%s has %s (magic 0x%08X) but %s has %d (magic 0x%08X); is it the right file?",
                    file, Numbers.count(dims, "dimension"), magic, what, expectedDims, expectedMagic));
        }
        int[] sizes = new int[dims];
        for (int i = 0; i < dims; i++) {
            byte[] size = data.readNBytes(4);
            if (size.length < 4) {
                throw new DataException(Kind.TRUNCATED, file + ": ends inside its header (dimension " + i + ")");
            }
            sizes[i] = ((size[0] & 0xFF) << 24) | ((size[1] & 0xFF) << 16) | ((size[2] & 0xFF) << 8) | (size[3] & 0xFF);
            if (sizes[i] < 0) {
                throw new DataException(Kind.BAD_DIMENSIONS, file + ": dimension " + i + " is negative ("
                        + sizes[i] + ")");
            }
        }
        return sizes;
    }

    private static byte[] body(Path file, DataInputStream data, int expected, String what) throws IOException {
        // readNBytes grows its buffer as data arrives, so a corrupt header claiming gigabytes cannot exhaust memory
        byte[] body = data.readNBytes(expected);
        if (body.length < expected) {
            throw new DataException(Kind.TRUNCATED, String.format(
                    "%s is truncated: its header announces %,d %s but only %s follow%s", file, (long) expected,
                    what, Numbers.count(body.length, "byte"), body.length == 1 ? "s" : ""));
        }
        byte[] rest = data.readNBytes(4096);
        if (rest.length > 0) {
            long extra = rest.length;
            while (data.read() >= 0) {
                extra++;
            }
            throw new DataException(Kind.TRAILING_BYTES, String.format(
                    "%s has %s after the %,d %s its header announces; is the header wrong or the file "
                            + "two files joined?", file, Numbers.count(extra, "byte"), (long) expected, what));
        }
        return body;
    }

    private static DataException corruptGzip(Path file, IOException e) {
        return new DataException(Kind.CORRUPT_GZIP, file + ": the gzip data is truncated or corrupt (" + e.getMessage()
                + "); download the file again", e);
    }
}

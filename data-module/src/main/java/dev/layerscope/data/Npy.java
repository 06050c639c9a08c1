package dev.layerscope.data;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (version 1.0, little-endian, C order) for float32 and int32 arrays, so that
 * {@code numpy.load} reads what LayerScope writes.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    /** The longest Java array the JVM allocates (a few below Integer.MAX_VALUE). */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final int VALUE_BYTES = 4;
    /** The read buffer: large enough that each read is one system call's worth, small beside any array read. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final Pattern HEADER = Pattern.compile(
            "'descr':\\s*'([<|>]?[a-z]\\d)'.*'fortran_order':\\s*(True|False).*'shape':\\s*\\(([\\d,\\s]*)\\)");

    private Npy() {
    }

    /** A float32 array and its shape. */
    public record Floats(long[] shape, float[] values) {
    }

    /** An int32 array and its shape. */
    public record Ints(long[] shape, int[] values) {
    }

    public static void writeFloats(Path file, float[] values, long... shape) throws IOException {
        checkSize(values.length, shape);
        try (FloatWriter writer = floatWriter(file, shape)) {
            writer.write(values, 0, values.length);
        }
    }

    /**
     * Opens {@code file} for a float32 array of {@code shape} written in pieces, so that an array larger than
     * memory (activations of 60,000 images) can be written batch by batch. Closing it checks that exactly the
     * shape's number of values was written.
     */
    public static FloatWriter floatWriter(Path file, long... shape) throws IOException {
        return new FloatWriter(file, shape);
    }

    /** A float32 {@code .npy} file being written in pieces, in C order. */
    public static final class FloatWriter implements Closeable {
        private final Path file;
        private final long expected;
        private final OutputStream out;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        private FloatWriter(Path file, long[] shape) throws IOException {
            this.file = file;
            this.expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            out.write(header("<f4", shape));
        }

        /** Appends {@code count} values from {@code values[from]}. */
        public void write(float[] values, int from, int count) throws IOException {
            if (written + count > expected) {
                throw new IllegalStateException(file + ": " + (written + count) + " values exceed the declared "
                        + expected);
            }
            for (int i = from; i < from + count; i++) {
                if (!buffer.hasRemaining()) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                buffer.putFloat(values[i]);
            }
            written += count;
        }

        @Override
        public void close() throws IOException {
            try (out) {
                out.write(buffer.array(), 0, buffer.position());
            }
            if (written != expected) {
                throw new IOException(file + " got " + written + " of its " + expected + " values");
            }
        }
    }

    /**
     * Closes every writer, also after one of them fails to close. After {@code failure}, the exception that stopped
     * the writing, an incomplete file says nothing new: the problems closing are added to it as suppressed, so it
     * keeps its own message. Without one (null), the first problem closing is thrown, with the others suppressed.
     */
    public static void closeAll(Collection<FloatWriter> writers, Exception failure) throws IOException {
        IOException first = null;
        for (FloatWriter writer : writers) {
            try {
                writer.close();
            } catch (IOException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public static void writeInts(Path file, int[] values, long... shape) throws IOException {
        checkSize(values.length, shape);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(header("<i4", shape));
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int value : values) {
                if (!buffer.hasRemaining()) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                buffer.putInt(value);
            }
            out.write(buffer.array(), 0, buffer.position());
        }
    }

    public static Floats readFloats(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, channel, "<f4");
            float[] values = new float[arrayLength(file, header.shape())];
            readBody(file, channel, header.dataStart(), values.length,
                    (chunk, at, count) -> chunk.asFloatBuffer().get(values, at, count));
            return new Floats(header.shape(), values);
        }
    }

    /**
     * Items {@code [first, first + count)} along the first axis of a float32 array, read without the items before
     * or after them: one epoch of an {@code epochs x images x width} array, say. The shape returned has {@code count}
     * as its first dimension.
     */
    public static Floats readFloats(Path file, long first, int count) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, channel, "<f4");
            long[] shape = header.shape();
            if (shape.length == 0 || first < 0 || count < 0 || first + count > shape[0]) {
                throw new IllegalArgumentException(file + " holds " + Arrays.toString(shape) + "; items " + first
                        + " to " + (first + count) + " are not all in it");
            }
            long itemValues = Arrays.stream(shape).skip(1).reduce(1, Math::multiplyExact);
            long[] part = shape.clone();
            part[0] = count;
            float[] values = new float[arrayLength(file, part)];
            readBody(file, channel, header.dataStart() + Math.multiplyExact(first, itemValues) * VALUE_BYTES,
                    values.length, (chunk, at, n) -> chunk.asFloatBuffer().get(values, at, n));
            return new Floats(part, values);
        }
    }

    public static Ints readInts(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, channel, "<i4");
            int[] values = new int[arrayLength(file, header.shape())];
            readBody(file, channel, header.dataStart(), values.length,
                    (chunk, at, count) -> chunk.asIntBuffer().get(values, at, count));
            return new Ints(header.shape(), values);
        }
    }

    private static byte[] header(String descr, long[] shape) {
        String dims = shape.length == 1 ? shape[0] + "," : String.join(", ",
                Arrays.stream(shape).mapToObj(Long::toString).toList());
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        // magic (8) + header length (2) + dict + padding + newline must be a multiple of 64
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 2 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return buffer.array();
    }

    /** Where a file's array starts, and its shape. */
    private record Header(long[] shape, long dataStart) {
    }

    private static Header readHeader(Path file, FileChannel channel, String expected) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, start, 0);
        byte[] magic = Arrays.copyOf(start.array(), MAGIC.length);
        if (start.hasRemaining() || magic[0] != MAGIC[0] || magic[1] != 'N' || magic[5] != 'Y' || magic[6] != 1) {
            throw new IOException(file + " is not a version 1 .npy file");
        }
        int length = Short.toUnsignedInt(start.getShort(MAGIC.length));
        ByteBuffer dict = ByteBuffer.allocate(length);
        readFully(channel, dict, start.capacity());
        String text = new String(dict.array(), 0, dict.position(), StandardCharsets.US_ASCII);
        Matcher matcher = HEADER.matcher(text);
        if (!matcher.find() || !matcher.group(1).equals(expected) || matcher.group(2).equals("True")) {
            throw new IOException(file + " holds " + text.trim() + "; expected a C-order " + expected + " array");
        }
        long[] shape = Arrays.stream(matcher.group(3).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        return new Header(shape, start.capacity() + (long) length);
    }

    /**
     * The values of {@code shape} as one Java array's length. An array past a Java array's limit is refused by name
     * rather than failing halfway: 1,000,000 images of 784 floats (3.1 GB) still fit, 3,000,000 do not.
     */
    private static int arrayLength(Path file, long[] shape) throws IOException {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count > MAX_ARRAY_LENGTH) {
            throw new IOException(file + " holds " + Arrays.toString(shape) + " = " + count + " values, more than "
                    + "one Java array holds (" + MAX_ARRAY_LENGTH + "): capture fewer images or a narrower layer "
                    + "(capture.max-width projects wide layers)");
        }
        return (int) count;
    }

    /** Takes {@code count} values from the front of a little-endian chunk, into the array at {@code at}. */
    @FunctionalInterface
    private interface ChunkSink {
        void take(ByteBuffer chunk, int at, int count);
    }

    /**
     * Streams {@code count} 4-byte values from {@code position} through one small buffer into the caller's array, so
     * that reading a file costs its array and no second copy of it (a whole-file byte array would double the memory
     * of a million-image layer, and cannot pass 2 GB at all).
     */
    private static void readBody(Path file, FileChannel channel, long position, int count, ChunkSink sink)
            throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long at = position;
        int done = 0;
        while (done < count) {
            int values = Math.min(count - done, CHUNK_BYTES / VALUE_BYTES);
            chunk.clear().limit(values * VALUE_BYTES);
            readFully(channel, chunk, at);
            if (chunk.hasRemaining()) {
                long bytes = (long) done * VALUE_BYTES + chunk.position();
                throw new IOException(file + " is truncated: " + bytes + " of " + (long) count * VALUE_BYTES
                        + " data bytes");
            }
            chunk.flip();
            sink.take(chunk, done, values);
            at += chunk.limit();
            done += values;
        }
    }

    /** Fills {@code buffer} from {@code position} on, or up to the end of the file. */
    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                return;
            }
            at += read;
        }
    }

    private static void checkSize(int length, long[] shape) {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count != length) {
            throw new IllegalArgumentException(length + " values do not fill the shape " + Arrays.toString(shape));
        }
    }
}

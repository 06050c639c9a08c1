package dev.layerscope.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            long[] shape = readHeader(file, in, "<f4");
            ByteBuffer bytes = ByteBuffer.wrap(body(file, in, shape, 4)).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(values);
            return new Floats(shape, values);
        }
    }

    /**
     * Items {@code [first, first + count)} along the first axis of a float32 array, read without the items before
     * or after them: one epoch of an {@code epochs x images x width} array, say. The shape returned has {@code count}
     * as its first dimension.
     */
    public static Floats readFloats(Path file, long first, int count) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            long[] shape = readHeader(file, in, "<f4");
            if (shape.length == 0 || first < 0 || count < 0 || first + count > shape[0]) {
                throw new IllegalArgumentException(file + " holds " + Arrays.toString(shape) + "; items " + first
                        + " to " + (first + count) + " are not all in it");
            }
            long itemValues = Arrays.stream(shape).skip(1).reduce(1, Math::multiplyExact);
            in.skipNBytes(Math.multiplyExact(first, itemValues) * 4);
            long[] part = shape.clone();
            part[0] = count;
            ByteBuffer bytes = ByteBuffer.wrap(body(file, in, part, 4)).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(values);
            return new Floats(part, values);
        }
    }

    public static Ints readInts(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            long[] shape = readHeader(file, in, "<i4");
            ByteBuffer bytes = ByteBuffer.wrap(body(file, in, shape, 4)).order(ByteOrder.LITTLE_ENDIAN);
            int[] values = new int[bytes.remaining() / 4];
            bytes.asIntBuffer().get(values);
            return new Ints(shape, values);
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

    private static long[] readHeader(Path file, DataInputStream in, String expected) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (magic.length < 8 || magic[0] != MAGIC[0] || magic[1] != 'N' || magic[5] != 'Y' || magic[6] != 1) {
            throw new IOException(file + " is not a version 1 .npy file");
        }
        int length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        String text = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
        Matcher matcher = HEADER.matcher(text);
        if (!matcher.find() || !matcher.group(1).equals(expected) || matcher.group(2).equals("True")) {
            throw new IOException(file + " holds " + text.trim() + "; expected a C-order " + expected + " array");
        }
        return Arrays.stream(matcher.group(3).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
    }

    private static byte[] body(Path file, InputStream in, long[] shape, int width) throws IOException {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        byte[] bytes = in.readNBytes(Math.toIntExact(count * width));
        if (bytes.length != count * width) {
            throw new IOException(file + " is truncated: " + bytes.length + " of " + count * width + " data bytes");
        }
        return bytes;
    }

    private static void checkSize(int length, long[] shape) {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count != length) {
            throw new IllegalArgumentException(length + " values do not fill the shape " + Arrays.toString(shape));
        }
    }
}

package dev.layerscope.data;

import java.io.IOException;

/** A data file that cannot be used as it is: what is wrong is in {@link #kind()}, what to do in the message. */
public class DataException extends IOException {

    /** What went wrong, one per cause a person would fix differently. */
    public enum Kind {
        MISSING_FILES,
        CORRUPT_GZIP,
        BAD_MAGIC,
        UNSUPPORTED_TYPE,
        BAD_DIMENSIONS,
        TRUNCATED,
        TRAILING_BYTES,
        COUNT_MISMATCH,
        SHAPE_MISMATCH,
        LABEL_OUT_OF_RANGE,
        CHECKSUM_MISMATCH,
        DOWNLOAD_FAILED
    }

    private final Kind kind;

    public DataException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DataException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

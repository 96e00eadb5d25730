package io.understudy.catalog;

import java.util.Objects;

/**
 * The checksum of one table's content: its row count and a 128-bit digest (32 hex digits) of its normalized
 * rows, independent of row order and of the engine the table lives on. Immutable and thread-safe.
 */
public record Checksum(long rows, String digest) {
    public Checksum {
        Objects.requireNonNull(digest, "digest");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative: " + rows);
        }
    }
}

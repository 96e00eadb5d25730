package io.understudy.model;

import java.util.Objects;

/**
 * A MySQL/MariaDB binlog position at a transaction boundary.
 *
 * @param file    binlog file name
 * @param offset  byte offset in that file
 * @param gtid    GTID (set) of the transaction, or empty when the leader has none
 * @param encoded the change source's own resume token (Debezium's offset as JSON)
 */
public record BinlogPosition(String file, long offset, String gtid, String encoded) implements Position {
    public BinlogPosition {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(encoded, "encoded");
        gtid = gtid == null ? "" : gtid;
    }

    @Override
    public String encode() {
        return encoded;
    }

    @Override
    public String describe() {
        return file + ":" + offset + (gtid.isEmpty() ? "" : " gtid " + gtid);
    }

    @Override
    public String toString() {
        return describe();
    }
}

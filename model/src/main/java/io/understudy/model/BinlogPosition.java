package io.understudy.model;

import java.util.Objects;

/**
 * A MySQL/MariaDB binlog position at a transaction boundary.
 *
 * @param file    binlog file name
 * @param offset  byte offset in that file
 * @param gtid     GTID (set) of the transaction, or empty when the leader has none
 * @param executed the leader's GTID set up to and including this transaction (what a follower at this position
 *                 holds), or empty when the leader has no GTIDs
 * @param encoded  the change source's own resume token (Debezium's offset as JSON)
 */
public record BinlogPosition(String file, long offset, String gtid, String executed, String encoded) implements Position {
    public BinlogPosition {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(encoded, "encoded");
        gtid = gtid == null ? "" : gtid;
        executed = executed == null ? "" : executed;
    }

    /** A position whose GTID set is its one GTID (tests, single-domain leaders). */
    public BinlogPosition(String file, long offset, String gtid, String encoded) {
        this(file, offset, gtid, gtid, encoded);
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

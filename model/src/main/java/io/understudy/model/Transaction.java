package io.understudy.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The end of one committed leader transaction, delivered after all its row changes.
 *
 * @param id         the leader's transaction id (GTID or binlog-derived)
 * @param position   where to resume after this transaction
 * @param commitTime leader commit time (second resolution for binlog sources)
 * @param changes    number of row changes the transaction carried
 */
public record Transaction(String id, Position position, Instant commitTime, long changes) {
    public Transaction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(commitTime, "commitTime");
    }
}

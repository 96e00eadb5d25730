package io.understudy.model;

/**
 * Where to resume reading the leader's change log after a committed transaction. Positions exist only
 * at transaction boundaries. The applier never interprets a position: it stores {@link #encode()} in the
 * same follower transaction as the data and hands it back to the {@link ChangeSource} that made it.
 */
public sealed interface Position permits BinlogPosition, TickPosition {
    /** A stable text form that the change source that produced this position can decode. */
    String encode();

    /** A short human-readable form for logs, status and errors (for example {@code mysql-bin.000003:4711 gtid 0-1-42}). */
    String describe();
}

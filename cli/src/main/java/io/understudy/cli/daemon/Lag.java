package io.understudy.cli.daemon;

import io.understudy.connector.BinlogPositions;
import io.understudy.model.BinlogPosition;
import io.understudy.model.Position;
import io.understudy.model.TickPosition;
import io.understudy.model.Token;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How far one follower is behind the leader (docs/readers.md, "Lag"). Immutable.
 *
 * <p>Seconds: a follower that has applied a leader position read at time t holds every transaction the leader
 * committed before t, so its lag is at most now - t for the newest such reading (the daemon reads the leader's
 * position every {@code lag.heartbeat-interval}), and at most now - the leader commit time of the newest transaction
 * it applied; the smaller bound is reported. It stays right while the leader is idle: the readings go on.
 *
 * @param seconds      the bound above, {@code NaN} before the follower has applied anything the daemon knows a time of
 * @param transactions leader transactions the follower lacks of the newest reading (GTID leaders), -1 if unknown
 * @param bytes        binlog bytes between the follower's position and the newest reading; 0 when it has every
 *                     transaction of it, -1 when unknown (another binlog file, trigger mode)
 * @param ticks        trigger-mode ticks behind the newest reading, -1 in binlog mode
 */
public record Lag(double seconds, long transactions, long bytes, long ticks) {
    static final Lag UNKNOWN = new Lag(Double.NaN, -1, -1, -1);

    /** One reading of the leader's position, taken at {@code at} (the daemon's clock, before the query was sent). */
    public record Reading(Position position, Instant at) {
    }

    /**
     * @param newest        the newest reading of the leader's position
     * @param coveredAt     the time of the newest reading the follower has applied, or null
     * @param applied       the follower's applied position
     * @param appliedCommit the leader commit time of the follower's last applied transaction, or null
     */
    public static Lag of(Reading newest, Instant coveredAt, Position applied, Instant appliedCommit, Instant now) {
        Optional<Token> leaderToken = Token.of(newest.position(), Token.FIRST_EPOCH);
        Optional<Token> appliedToken = Token.of(applied, Token.FIRST_EPOCH);
        long behind = -1;
        if (leaderToken.isPresent() && appliedToken.isPresent()) {
            behind = leaderToken.get().behind(appliedToken.get());
        } else if (newest.position() instanceof BinlogPosition l && applied instanceof BinlogPosition a) {
            behind = BinlogPositions.compare(a, l) >= 0 ? 0 : -1;
        }
        long bytes = -1;
        if (newest.position() instanceof BinlogPosition l && applied instanceof BinlogPosition a) {
            bytes = behind == 0 ? 0 : l.file().equals(a.file()) ? Math.max(0, l.offset() - a.offset()) : -1;
        }
        Instant since = behind == 0 ? newest.at() : coveredAt;
        if (appliedCommit != null && (since == null || appliedCommit.isAfter(since))) {
            since = appliedCommit;
        }
        double seconds = since == null ? Double.NaN : Math.max(0, Duration.between(since, now).toNanos() / 1e9);
        boolean ticks = newest.position() instanceof TickPosition;
        return new Lag(seconds, ticks ? -1 : behind, bytes, ticks ? behind : -1);
    }

    /** Whether {@code applied} holds every transaction of {@code reading}. */
    static boolean covers(Position applied, Position reading) {
        Optional<Token> want = Token.of(reading, Token.FIRST_EPOCH);
        Optional<Token> have = Token.of(applied, Token.FIRST_EPOCH);
        if (want.isPresent() && have.isPresent()) {
            return want.get().coveredBy(have.get());
        }
        return reading instanceof BinlogPosition r && applied instanceof BinlogPosition a && BinlogPositions.compare(a, r) >= 0;
    }
}

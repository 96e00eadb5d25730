package io.understudy.cli;

import io.understudy.config.CaptureMode;
import io.understudy.config.UnderstudyConfig;
import io.understudy.connector.BinlogChangeSource;
import io.understudy.model.BinlogPosition;
import io.understudy.model.ChangeSource;
import io.understudy.model.Position;
import io.understudy.model.TickPosition;
import io.understudy.trigger.TriggerChangeSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For {@code verify}: waits until one follower's stored position ({@code understudy.applied_position}) has reached
 * the leader's current position (binlog, or a fresh tick in trigger mode), so a row compared afterwards reflects at least the leader's state when the
 * wait began. Once a wait times out (the follower is stopped or far behind) every later wait returns false at once.
 * Not thread-safe; one instance per follower connection.
 */
final class FollowerCatchUp {
    private static final Logger log = LoggerFactory.getLogger(FollowerCatchUp.class);
    private static final long POLL_MILLIS = 100;

    private final UnderstudyConfig config;
    private final Connection follower;
    private final Duration maxWait;
    private boolean gaveUp;

    FollowerCatchUp(UnderstudyConfig config, Connection follower, Duration maxWait) {
        this.config = config;
        this.follower = follower;
        this.maxWait = maxWait;
    }

    /**
     * Reads the leader's current position and waits (at most --max-wait) until the follower has applied it.
     *
     * @return true when the follower reached it; false when it has no stored position (never replicated), timed
     * out now or before, or the wait is disabled (--max-wait 0)
     */
    boolean awaitLeaderPosition() throws InterruptedException {
        if (gaveUp || maxWait.isZero() || stored().isEmpty()) {
            return false;
        }
        Position target;
        try (ChangeSource source = trigger()
                ? new TriggerChangeSource("understudy-verify", config.leader(), config.capture())
                : new BinlogChangeSource("understudy-verify", config.leader(), config.capture(), Clock.systemUTC())) {
            target = source.currentPosition();
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Position> at = stored();
            if (at.isPresent() && reached(at.get(), target)) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        log.warn("follower did not reach leader position {} within {}; reporting differences without waiting further",
                target.describe(), maxWait);
        gaveUp = true;
        return false;
    }

    /**
     * A stored position names the start of the last applied transaction and its GTID, while the leader's current
     * position is the end of its binlog with the GTID of its last commit: equal GTIDs mean the follower has applied
     * the leader's last transaction; otherwise the follower must have applied a transaction starting at or after
     * the leader's end position.
     */
    static boolean reached(Position follower, Position leader) {
        if (follower instanceof TickPosition f && leader instanceof TickPosition l) {
            return f.tick() >= l.tick();
        }
        return follower instanceof BinlogPosition f && leader instanceof BinlogPosition l && reached(f, l);
    }

    static boolean reached(BinlogPosition follower, BinlogPosition leader) {
        if (!leader.gtid().isEmpty() && leader.gtid().equals(follower.gtid())) {
            return true;
        }
        int files = follower.file().compareTo(leader.file());
        return files > 0 || files == 0 && follower.offset() >= leader.offset();
    }

    private boolean trigger() {
        return config.capture().mode() == CaptureMode.TRIGGER;
    }

    private Optional<Position> stored() {
        try (PreparedStatement ps = follower.prepareStatement(
                "SELECT encoded_position FROM understudy.applied_position WHERE source = 'leader'");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(trigger() ? TriggerChangeSource.decode(rs.getString(1)) : BinlogChangeSource.decode(rs.getString(1)));
        } catch (SQLException | IllegalArgumentException e) {
            return Optional.empty(); // no position table: never replicated, nothing to wait for
        }
    }
}

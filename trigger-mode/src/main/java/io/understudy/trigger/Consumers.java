package io.understudy.trigger;

import io.understudy.model.ReplicationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's {@code understudy.tick} and {@code understudy.consumer} tables as a source uses them: the ticks after
 * a position, each follower's applied tick (a lower bound: it is written after the follower committed), and the
 * purge up to the smallest of them. Stateless apart from the dialect; thread-safe.
 */
final class Consumers {
    private static final Logger LOG = LoggerFactory.getLogger(Consumers.class);

    private final LeaderDialect dialect;

    Consumers(LeaderDialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Records {@code name} at {@code tick} and checks that the leader still has every change after it. Runs under
     * the purge lock, so a purge cannot pass the tick between the check and the registration.
     *
     * @throws ReplicationException when the changes after {@code tick} were purged or the tick lies ahead of the
     *                              leader's (the triggers were reinstalled, or this is another leader)
     */
    void register(Connection c, String name, long tick) throws SQLException {
        if (!dialect.purgeLock(c, Duration.ofSeconds(30))) {
            throw new SQLException("the leader's purge lock stayed taken for 30 s", "HY000");
        }
        try {
            long[] range = tickRange(c);
            if (tick < range[0] || tick > range[1]) {
                throw new ReplicationException("follower '" + name + "' resumes after tick " + tick + " but the leader"
                        + " holds ticks " + range[0] + ".." + range[1] + (tick > range[1]
                        ? ": its changes were reinstalled (`understudy triggers uninstall`/`install`) or this is another leader"
                        : ": the changes it has not applied were purged (was it forgotten with `understudy triggers forget`?)")
                        + "; copy the follower again with `understudy snapshot`");
            }
            record(c, name, tick);
        } finally {
            dialect.purgeUnlock(c);
        }
    }

    /** Registers {@code name} at {@code tick} unless it is registered already (under the purge lock). */
    void registerIfAbsent(Connection c, String name, long tick) throws SQLException {
        if (!dialect.purgeLock(c, Duration.ofSeconds(30))) {
            throw new SQLException("the leader's purge lock stayed taken for 30 s", "HY000");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT tick FROM understudy.consumer WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    record(c, name, tick);
                }
            }
        } finally {
            dialect.purgeUnlock(c);
        }
    }

    private static long[] tickRange(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(id), MAX(id) FROM understudy.tick");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Sets {@code name}'s applied tick (inserting the consumer when new). */
    void record(Connection c, String name, long tick) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE understudy.consumer SET tick = ?,"
                + " updated = CURRENT_TIMESTAMP(6) WHERE name = ?")) {
            update.setLong(1, tick);
            update.setString(2, name);
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO understudy.consumer (name, tick, updated)"
                        + " VALUES (?, ?, CURRENT_TIMESTAMP(6))")) {
                    insert.setString(1, name);
                    insert.setLong(2, tick);
                    insert.executeUpdate();
                }
            }
        }
    }

    /** Up to {@code limit} ticks after {@code position}, in order. */
    List<Tick> ticksAfter(Connection c, long position, int limit) throws SQLException {
        List<Tick> ticks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, created FROM understudy.tick WHERE id > ? ORDER BY id LIMIT " + limit)) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ticks.add(new Tick(rs.getLong(1), instant(dialect, rs, 2)));
                }
            }
        }
        return ticks;
    }

    /** A leader timestamp column (MariaDB/MySQL sessions run in UTC) as an instant. */
    static Instant instant(LeaderDialect dialect, ResultSet rs, int column) throws SQLException {
        if (dialect.kind().isMySqlFamily()) {
            return rs.getObject(column, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
        }
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** Deletes what every registered consumer has applied, for at most about {@code budget}. */
    void purge(Connection c, Duration budget) throws SQLException {
        if (!dialect.purgeLock(c, Duration.ZERO)) {
            return;
        }
        try {
            long min;
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(tick) FROM understudy.consumer");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                min = rs.getLong(1);
                if (rs.wasNull()) {
                    return;
                }
            }
            long deleted = dialect.purge(c, min, budget);
            if (deleted > 0) {
                LOG.debug("purged {} change rows up to tick {}", deleted, min);
            }
        } finally {
            dialect.purgeUnlock(c);
        }
    }
}

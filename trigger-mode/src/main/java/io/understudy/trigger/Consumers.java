package io.understudy.trigger;

import io.understudy.model.ReplicationException;
import io.understudy.model.TickPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's {@code understudy.tick}, {@code understudy.consumer} and {@code understudy.installation} tables as a
 * source uses them: the ticks after a position, each follower's applied tick (a lower bound: it is written after the
 * follower committed it), and the purge up to the smallest of them, which first raises the installation's
 * {@code purged_through} watermark, so a follower behind it is refused even while a purge is half done. Stateless
 * apart from the dialect; thread-safe.
 */
final class Consumers {
    private static final Logger LOG = LoggerFactory.getLogger(Consumers.class);

    private final LeaderDialect dialect;

    Consumers(LeaderDialect dialect) {
        this.dialect = dialect;
    }

    /** The id of the trigger installation on the leader. */
    static String installation(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM understudy.installation");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the leader's understudy.installation table is empty; run `understudy triggers install`", "HY000");
            }
            return rs.getString(1);
        }
    }

    /**
     * Records {@code name} at {@code at} after checking that the leader still has every change after it. Runs under
     * the purge lock, so a purge cannot pass the tick between the check and the registration.
     *
     * @throws ReplicationException when the tick belongs to another installation, lies ahead of the leader's
     *                              newest, or the changes after it were purged
     */
    void register(Connection c, String name, TickPosition at) throws SQLException {
        lock(c);
        try {
            String installation;
            long purgedThrough;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, purged_through FROM understudy.installation");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                installation = rs.getString(1);
                purgedThrough = rs.getLong(2);
            }
            long newest = newestTick(c);
            String copyAgain = "; copy the follower again with `understudy snapshot`";
            if (!at.installation().equals(installation)) {
                throw new ReplicationException("follower '" + name + "' resumes after " + at.describe() + " of trigger"
                        + " installation " + at.installation() + ", but the leader's installation is " + installation
                        + " (the triggers were uninstalled and installed again, or this is another leader)" + copyAgain);
            }
            if (at.tick() > newest) {
                throw new ReplicationException("follower '" + name + "' resumes after " + at.describe() + " but the"
                        + " leader's newest tick is " + newest + " (was the leader restored from a backup?)" + copyAgain);
            }
            if (at.tick() < purgedThrough) {
                throw new ReplicationException("follower '" + name + "' resumes after " + at.describe() + " but the leader"
                        + " purged the changes through tick " + purgedThrough + " (was it forgotten with `understudy"
                        + " triggers forget`, or its database restored from a backup?)" + copyAgain);
            }
            if (!update(c, name, at.tick())) {
                insert(c, name, at.tick());
            }
        } finally {
            dialect.purgeUnlock(c);
        }
    }

    /** Registers {@code name} at {@code tick} unless it is registered already (under the purge lock). */
    void registerIfAbsent(Connection c, String name, long tick) throws SQLException {
        lock(c);
        try (PreparedStatement ps = c.prepareStatement("SELECT tick FROM understudy.consumer WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    insert(c, name, tick);
                }
            }
        } finally {
            dialect.purgeUnlock(c);
        }
    }

    private void lock(Connection c) throws SQLException {
        if (!dialect.purgeLock(c, Duration.ofSeconds(30))) {
            throw new SQLException("the leader's purge lock stayed taken for 30 s", "HY000");
        }
    }

    static long newestTick(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM understudy.tick");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Moves a running follower's applied tick forward.
     *
     * @throws ReplicationException when the follower is no longer registered: it was forgotten while it ran, and the
     *                              purge may have removed changes it needs
     */
    void record(Connection c, String name, long tick) throws SQLException {
        if (!update(c, name, tick)) {
            throw new ReplicationException("follower '" + name + "' was forgotten on the leader (`understudy triggers"
                    + " forget`) while it ran, so the purge no longer kept its changes; copy it again with `understudy snapshot`");
        }
    }

    private static boolean update(Connection c, String name, long tick) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE understudy.consumer SET tick = ?, updated = CURRENT_TIMESTAMP(6)"
                + " WHERE name = ?")) {
            ps.setLong(1, tick);
            ps.setString(2, name);
            return ps.executeUpdate() > 0;
        }
    }

    private static void insert(Connection c, String name, long tick) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO understudy.consumer (name, tick, updated)"
                + " VALUES (?, ?, CURRENT_TIMESTAMP(6))")) {
            ps.setString(1, name);
            ps.setLong(2, tick);
            ps.executeUpdate();
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

    /** A leader timestamp column (MariaDB/MySQL: DATETIME in UTC) as an instant. */
    static Instant instant(LeaderDialect dialect, ResultSet rs, int column) throws SQLException {
        if (dialect.kind().isMySqlFamily()) {
            return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /**
     * Deletes what every registered consumer has applied, for at most about {@code budget}: raises the purge
     * watermark to the smallest consumer tick first (committed before anything is deleted), then deletes.
     *
     * @return whether the budget ran out (more is probably left to delete)
     */
    boolean purge(Connection c, Duration budget) throws SQLException {
        if (!dialect.purgeLock(c, Duration.ZERO)) {
            return false;
        }
        long started = System.nanoTime();
        try {
            long min;
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(tick) FROM understudy.consumer");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                min = rs.getLong(1);
                if (rs.wasNull()) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE understudy.installation SET purged_through = ?"
                    + " WHERE purged_through < ?")) {
                ps.setLong(1, min);
                ps.setLong(2, min);
                ps.executeUpdate();
            }
            long deleted = dialect.purge(c, min, budget);
            if (deleted > 0) {
                LOG.debug("purged {} change rows up to tick {}", deleted, min);
            }
            return System.nanoTime() - started >= budget.toNanos();
        } finally {
            dialect.purgeUnlock(c);
        }
    }
}

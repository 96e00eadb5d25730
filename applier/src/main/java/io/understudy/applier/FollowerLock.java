package io.understudy.applier;

import io.understudy.config.FollowerConfig;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Marks one follower as written by one Understudy process: {@code understudy run} holds it while it streams
 * into the follower, {@code understudy snapshot} while it copies. A second writer (a second daemon, or a
 * snapshot while the daemon streams into the same follower) would interleave with the first and break the
 * guarantees, so it is refused instead.
 *
 * <p>The lock is a session lock on its own connection: MariaDB/MySQL {@code GET_LOCK('understudy.follower', 0)}
 * (one follower per server, like the {@code understudy} schema), PostgreSQL {@code pg_try_advisory_lock} (per
 * database). It is released by {@link #close()}, and by the server when the holding process dies (kill -9
 * included) or the follower restarts. Not thread-safe; close it from the thread that acquired it.
 */
public final class FollowerLock implements AutoCloseable {
    private static final String NAME = "understudy.follower";
    private static final long PG_KEY = 0x756e6465727374L; // "underst"

    private final Connection connection;

    private FollowerLock(Connection connection) {
        this.connection = connection;
    }

    /**
     * Takes the follower's lock without waiting.
     *
     * @param holder who asks, for the message of whoever is refused later ("understudy run", ...)
     * @throws RetriableException when the follower is unreachable, or the lock is held by another process
     *                            (the message says so; a daemon retries, a command reports it)
     */
    public static FollowerLock acquire(FollowerConfig follower, String holder) {
        FollowerRef where = FollowerRef.of(follower);
        Connection c = connect(where, follower);
        try {
            boolean mysql = follower.endpoint().kind().isMySqlFamily();
            try (PreparedStatement ps = c.prepareStatement(mysql ? "SELECT GET_LOCK(?, 0)" : "SELECT pg_try_advisory_lock(?)")) {
                if (mysql) {
                    ps.setString(1, NAME);
                } else {
                    ps.setLong(1, PG_KEY);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && (mysql ? rs.getInt(1) == 1 : rs.getBoolean(1))) {
                        return new FollowerLock(c);
                    }
                }
            }
            throw new RetriableException(where + " is being written by another Understudy process (`understudy run`"
                    + " or `understudy snapshot` for this follower, possibly on another host), so " + holder
                    + " cannot start on it; stop the other process first, or wait for it to finish", null);
        } catch (SQLException e) {
            close(c);
            throw Failures.wrap(where, "cannot take the follower lock", e, "Check that the follower is reachable.");
        } catch (RuntimeException e) {
            close(c);
            throw e;
        }
    }

    private static Connection connect(FollowerRef where, FollowerConfig follower) {
        try {
            return DriverManager.getConnection(follower.endpoint().url(), follower.endpoint().user(),
                    follower.endpoint().password().reveal());
        } catch (SQLException e) {
            if (Failures.isAuthentication(e)) {
                throw new ReplicationException(where + ": login refused: " + Failures.describe(e)
                        + ". Check the user and password configured for this follower.", e);
            }
            if (FollowerDatabases.isUnknownDatabase(e)) {
                throw new ReplicationException(where + ": " + FollowerDatabases.missingDatabase(follower.name(),
                        follower.endpoint()), e);
            }
            throw new RetriableException(where + ": cannot connect: " + Failures.describe(e)
                    + ". Check that the follower is running and reachable.", e);
        }
    }

    /** Releases the lock (closing its session releases it on the server). */
    @Override
    public void close() {
        close(connection);
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session is gone, and with it the lock
        }
    }
}

package io.understudy.trigger;

import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.model.RetriableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens trigger-mode connections to the leader (session time zone UTC, READ COMMITTED) and turns their failures
 * into errors that name the leader but never the password. Remembers the connection of the running source so
 * that {@link #abort()} can stop it from another thread. Thread-safe.
 */
final class LeaderLink {
    private final Endpoint leader;
    private final LeaderDialect dialect;
    private volatile Connection current;

    LeaderLink(Endpoint leader) {
        this.leader = leader;
        this.dialect = dialectFor(leader.kind());
    }

    static LeaderDialect dialectFor(DatabaseKind kind) {
        return kind == DatabaseKind.POSTGRESQL ? new PostgresLeader() : new MySqlLeader(kind);
    }

    LeaderDialect dialect() {
        return dialect;
    }

    String describe() {
        return leader.describe();
    }

    Connection open() {
        Properties props = new Properties();
        props.setProperty("user", leader.user());
        props.setProperty("password", leader.password().reveal());
        Connection c;
        try {
            c = DriverManager.getConnection(leader.url(), props);
        } catch (SQLException e) {
            throw failure("connecting", e);
        }
        try (Statement s = c.createStatement()) {
            if (leader.kind().isMySqlFamily()) {
                s.execute("SET SESSION time_zone = '+00:00'");
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
            } else {
                s.execute("SET TIME ZONE 'UTC'");
                // ticks take their snapshot after the advisory lock: each statement needs a fresh snapshot
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
        } catch (SQLException e) {
            closeQuietly(c);
            throw failure("setting up a session", e);
        }
        current = c;
        return c;
    }

    RetriableException failure(String doing, SQLException e) {
        return new RetriableException("trigger capture: " + doing + " on leader " + leader.describe() + " failed: "
                + e.getMessage() + " (SQLState " + e.getSQLState() + "); check that it runs, that the user may use"
                + " schema understudy, and that `understudy triggers install` ran", e);
    }

    /** Forgets the running connection (its owner closes it). */
    void closed() {
        current = null;
    }

    /** Breaks the running connection, so a blocked read returns at once. */
    void abort() {
        Connection c = current;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // already broken
            }
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}

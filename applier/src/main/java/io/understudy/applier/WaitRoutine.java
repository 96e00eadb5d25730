package io.understudy.applier;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code understudy.wait_for} on a follower (docs/readers.md, "Waiting"): a procedure on MariaDB/MySQL, a function
 * on PostgreSQL, created when the applier opens. Optional: a follower user that may not create routines still
 * replicates; the applier says once what to grant, and readers can still wait through the daemon's {@code /wait}.
 * Stateless.
 */
final class WaitRoutine {
    private static final Logger LOG = LoggerFactory.getLogger(WaitRoutine.class);
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** In the MariaDB/MySQL procedure's comment: the version this code creates. */
    static final String VERSION = "Understudy wait_for v1";

    private WaitRoutine() {
    }

    static void ensure(DataSource pool, FollowerRef where, Dialect dialect, String user) {
        boolean postgres = dialect instanceof PostgresDialect;
        try (Connection c = pool.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                if (postgres) {
                    s.execute(script("postgresql-wait_for.sql")); // CREATE OR REPLACE: cheap, and always current
                } else if (!current(c)) {
                    s.execute("DROP PROCEDURE IF EXISTS understudy.wait_for");
                    s.execute(script("mysql-wait_for.sql"));
                }
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            if (!WARNED.add(where.toString())) {
                return; // said once per follower and process; the pipeline reopens the applier on every retry
            }
            LOG.warn("{}: cannot create understudy.wait_for ({}); replication goes on, but readers cannot wait for a"
                    + " token in SQL on this follower (GET /wait on the daemon still works). To allow it: {}", where,
                    e.getMessage(), postgres ? "let " + user + " own schema understudy (it created it unless you did)"
                            : "GRANT CREATE ROUTINE, ALTER ROUTINE ON understudy.* TO '" + user + "'@'<host>'");
        }
    }

    private static boolean current(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ROUTINE_COMMENT FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA = 'understudy' AND ROUTINE_NAME = 'wait_for' AND ROUTINE_TYPE = 'PROCEDURE'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getString(1) != null && rs.getString(1).startsWith(VERSION + ":");
        }
    }

    private static String script(String name) {
        try (InputStream in = WaitRoutine.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the applier's jar", e);
        }
    }
}

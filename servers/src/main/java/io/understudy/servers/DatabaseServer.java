package io.understudy.servers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real database server started for a test or the demo: an embedded one (binaries from Maven) or a
 * container when a Docker engine answers. Each server has its own port and data directory.
 * {@link #stop()} and {@link #start()} simulate an outage: the server comes back on the same port
 * with the same data. Not thread-safe.
 */
public interface DatabaseServer extends AutoCloseable {
    /** mariadb, mysql or postgresql, as in Understudy's configuration. */
    String kind();

    String host();

    int port();

    /** A user with all privileges (superuser on PostgreSQL). */
    String user();

    String password();

    /** A JDBC URL for the given database (MariaDB/MySQL) or the server's default database when null. */
    String jdbcUrl(String database);

    /** Takes the server down (the port stops answering); data is kept. */
    void stop();

    /** Brings a stopped server back on the same port with the same data. */
    void start();

    @Override
    void close();

    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    /** Runs statements separated by nothing: each argument is one statement. */
    default void execute(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on " + kind() + " " + host() + ":" + port() + ": " + e.getMessage(), e);
        }
    }
}

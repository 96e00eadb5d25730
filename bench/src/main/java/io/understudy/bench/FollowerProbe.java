package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads a follower's progress over one connection: whether a leader marker row has arrived and how many
 * transactions Understudy has recorded in {@code understudy.applied_position}. Not thread-safe.
 */
final class FollowerProbe implements AutoCloseable {
    static final String MARKER_TABLE = "hb.marker";

    private final Connection connection;
    private final PreparedStatement marker;

    FollowerProbe(DatabaseServer follower) throws SQLException {
        connection = follower.connect(null);
        connection.setAutoCommit(true);
        marker = connection.prepareStatement("SELECT count(*) FROM " + MARKER_TABLE + " WHERE name = ?");
    }

    /** Writes a marker row on the leader (its own transaction). */
    static void writeMarker(DatabaseServer leader, String name) {
        leader.execute(null, "INSERT INTO " + MARKER_TABLE + " (name, at_us) VALUES ('" + name
                + "', CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED))");
    }

    boolean hasMarker(String name) throws SQLException {
        marker.setString(1, name);
        try (ResultSet rs = marker.executeQuery()) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Transactions Understudy has applied since its start position, or -1 before it stored one. */
    long appliedTransactions() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT transactions FROM understudy.applied_position")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            return -1; // the schema does not exist before the first start
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}

package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A second embedded MariaDB replicating from the leader with MariaDB's own GTID replication. It keeps a
 * binlog of what it applies ({@code log_slave_updates}), like the Understudy MariaDB follower, whose writes
 * are binlogged as client writes. Not thread-safe.
 */
final class NativeReplica implements AutoCloseable {
    private final EmbeddedMariaDb server;

    private NativeReplica(EmbeddedMariaDb server) {
        this.server = server;
    }

    /**
     * Launches a replica with the given server id and durability; {@code parallelThreads} 0 means the single SQL
     * thread.
     */
    static NativeReplica launch(int serverId, int parallelThreads, Durability durability) {
        List<String> args = new ArrayList<>(List.of("--server-id=" + serverId, "--log-slave-updates",
                "--slave-parallel-threads=" + parallelThreads, "--slave-parallel-mode=optimistic"));
        args.addAll(List.of(durability.mariaDbArgs()));
        return new NativeReplica(EmbeddedMariaDb.launch(args.toArray(String[]::new)));
    }

    DatabaseServer server() {
        return server;
    }

    /** Points the replica at the leader from {@code gtidPos} (the leader's gtid_binlog_pos at that point) and starts it. */
    void follow(DatabaseServer leader, String gtidPos) throws SQLException {
        execute("SET GLOBAL gtid_slave_pos = '" + gtidPos + "'",
                "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + leader.port() + ", MASTER_USER='"
                        + leader.user() + "', MASTER_PASSWORD='" + leader.password() + "', MASTER_USE_GTID=slave_pos",
                "START SLAVE");
    }

    void stopSqlThread() throws SQLException {
        execute("STOP SLAVE SQL_THREAD");
    }

    void startSqlThread() throws SQLException {
        execute("START SLAVE SQL_THREAD");
    }

    void startSlave() throws SQLException {
        execute("START SLAVE");
    }

    void stopSlave() throws SQLException {
        execute("STOP SLAVE");
    }

    /** Waits until the IO thread has fetched the leader's binlog up to {@code file}:{@code pos} into the relay log. */
    void awaitFetched(String file, long pos, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Connection c = server.connect(null); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                if (!rs.next()) {
                    throw new IllegalStateException("replica on port " + server.port() + " has no replication configured");
                }
                String error = rs.getString("Last_IO_Error");
                if (error != null && !error.isEmpty()) {
                    throw new IllegalStateException("replica IO thread on port " + server.port() + " failed: " + error);
                }
                if (file.equals(rs.getString("Master_Log_File")) && rs.getLong("Read_Master_Log_Pos") >= pos) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replica on port " + server.port() + " did not fetch up to " + file + ":" + pos);
            }
            Thread.sleep(50);
        }
    }

    /** Blocks until the replica has applied {@code gtid} (MASTER_GTID_WAIT); fails with the SQL thread's error otherwise. */
    void awaitApplied(String gtid, Duration timeout) throws SQLException {
        try (Connection c = server.connect(null);
             PreparedStatement ps = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            ps.setString(1, gtid);
            ps.setLong(2, timeout.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new IllegalStateException("replica on port " + server.port() + " did not apply " + gtid
                            + " within " + timeout + "; SQL thread error: " + sqlError(c));
                }
            }
        }
    }

    private static String sqlError(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString("Last_SQL_Error") : "(no replication configured)";
        }
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = server.connect(null); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}

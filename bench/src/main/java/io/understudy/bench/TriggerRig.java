package io.understudy.bench;

import io.understudy.cli.Main;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One leader engine's test bed: an embedded leader and an empty embedded follower of the same engine. On the leader,
 * schema {@value #PLAIN} holds the benchmark tables without triggers and schema {@value #CAPTURED} the same tables
 * with Understudy's capture triggers ({@code understudy triggers install}, {@code capture.tables: [captured.*]}), plus
 * a {@code marker} table whose rows tell when the follower has caught up. The follower gets {@value #CAPTURED}'s
 * tables and rows the documented way: {@code understudy snapshot} for a MariaDB leader; for a PostgreSQL leader
 * (snapshot not implemented yet) the same DDL and the same generated rows, written while the leader is idle, before
 * the daemon's first start. Not thread-safe.
 */
final class TriggerRig implements AutoCloseable {
    static final String PLAIN = "plain";
    static final String CAPTURED = "captured";
    static final String FOLLOWER = "follower";
    static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(20);

    private final String engine;
    private final DatabaseServer leader;
    private final DatabaseServer follower;
    private final Path dir;
    private final Path config;
    private final long leaderPid;
    private final long followerPid;
    private int markers;

    private TriggerRig(String engine, DatabaseServer leader, DatabaseServer follower, Path dir) throws Exception {
        this.engine = engine;
        this.leader = leader;
        this.follower = follower;
        this.dir = dir;
        this.config = writeConfig();
        this.leaderPid = ProcessCpu.serverPid(leader);
        this.followerPid = ProcessCpu.serverPid(follower);
    }

    /** Starts the leader (512 MiB of buffer pool / shared buffers) and the follower of {@code engine}. */
    static TriggerRig launch(String engine, Path dir) throws Exception {
        DatabaseServer leader = null;
        DatabaseServer follower = null;
        try {
            if ("mariadb".equals(engine)) {
                leader = EmbeddedMariaDb.launch("--innodb-buffer-pool-size=512M");
                follower = EmbeddedMariaDb.launch("--server-id=2");
            } else {
                leader = EmbeddedPostgres.launch();
                leader.execute(null, "ALTER SYSTEM SET shared_buffers = '512MB'");
                leader.stop(); // shared_buffers needs a restart; ALTER SYSTEM kept it in postgresql.auto.conf
                leader.start();
                follower = EmbeddedPostgres.launch();
            }
            return new TriggerRig(engine, leader, follower, Files.createDirectories(dir));
        } catch (Exception | Error e) {
            if (leader != null) {
                leader.close();
            }
            if (follower != null) {
                follower.close();
            }
            throw e;
        }
    }

    String engine() {
        return engine;
    }

    DatabaseServer leader() {
        return leader;
    }

    /**
     * Creates and fills both schemas on the leader, installs the triggers on {@value #CAPTURED}, gives the follower
     * its copy, then starts the daemon once: it registers the follower on the leader (so no later change is purged
     * before the follower has it) and the follower is checked equal to the leader.
     */
    void prepare(int rowsPerTable) throws Exception {
        LeaderMixes.create(leader, PLAIN, rowsPerTable);
        LeaderMixes.create(leader, CAPTURED, rowsPerTable);
        leader.execute(null, markerTable());
        cli("triggers", "install", "--config", config.toString());
        if ("mariadb".equals(engine)) {
            cli("snapshot", "--config", config.toString(), "--follower", FOLLOWER);
        } else {
            LeaderMixes.create(follower, CAPTURED, rowsPerTable);
            follower.execute(null, markerTable());
        }
        try (UnderstudyDaemon daemon = startDaemon("setup")) {
            awaitPositionStored(daemon);
            awaitFollower(daemon, "setup");
            daemon.terminate();
        }
        String check = check(capturedTables());
        if (!check.startsWith("equal")) {
            throw new IllegalStateException(engine + ": the follower differs from the leader right after setup: " + check);
        }
    }

    private static String markerTable() {
        return "CREATE TABLE " + CAPTURED + ".marker (name VARCHAR(64) NOT NULL PRIMARY KEY)";
    }

    /** Every captured table, unqualified. */
    static List<String> capturedTables() {
        List<String> tables = new ArrayList<>(LeaderMixes.tables(LeaderMixes.OLTP));
        tables.addAll(LeaderMixes.tables(LeaderMixes.BULK));
        tables.add("marker");
        return tables;
    }

    private static void cli(String... args) {
        int code = Main.execute(args);
        if (code != 0) {
            throw new IllegalStateException("understudy " + String.join(" ", args) + " exited " + code);
        }
    }

    /** {@code understudy run} in its own JVM, replicating {@value #CAPTURED} to the follower. */
    UnderstudyDaemon startDaemon(String tag) throws Exception {
        return UnderstudyDaemon.start(config, dir, engine + "-" + tag, List.of());
    }

    /**
     * Waits until the follower has a stored position. A follower without one starts at the leader's position when
     * the daemon starts, so a change written before that would never reach it.
     */
    private void awaitPositionStored(UnderstudyDaemon daemon) throws Exception {
        long start = System.nanoTime();
        while (true) {
            try (Connection c = follower.connect(null); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM understudy.applied_position")) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return;
                }
            } catch (SQLException e) {
                // the daemon creates the position table when it first opens the follower
            }
            daemon.checkAlive();
            if (System.nanoTime() - start > Duration.ofMinutes(2).toNanos()) {
                throw new IllegalStateException(engine + ": the daemon stored no position on the follower within 2 min;"
                        + " daemon logs in " + dir);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Writes a marker row on the leader (after everything written before) and waits until the follower shows it.
     *
     * @return seconds until the follower showed it
     */
    double awaitFollower(UnderstudyDaemon daemon, String tag) throws Exception {
        String name = tag + "-" + ++markers;
        leader.execute(null, "INSERT INTO " + CAPTURED + ".marker (name) VALUES ('" + name + "')");
        long start = System.nanoTime();
        try (Connection c = follower.connect(null);
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + CAPTURED + ".marker WHERE name = ?")) {
            ps.setString(1, name);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                } catch (SQLException e) {
                    // the follower's tables do not exist before the daemon's first transaction on a fresh follower
                }
                daemon.checkAlive();
                if (System.nanoTime() - start > CATCH_UP_TIMEOUT.toNanos()) {
                    throw new IllegalStateException(engine + ": the follower did not show marker " + name + " within "
                            + CATCH_UP_TIMEOUT + "; daemon logs in " + dir);
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * Waits until the running daemon's purge has emptied the change table (at most {@code timeout}), so a
     * measurement does not pay for the purge of an earlier one's changes.
     *
     * @return seconds waited
     */
    double awaitPurged(UnderstudyDaemon daemon, Duration timeout) throws Exception {
        long start = System.nanoTime();
        while (changeRows() > 100 && System.nanoTime() - start < timeout.toNanos()) {
            daemon.checkAlive();
            Thread.sleep(500);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Rows now in the leader's change table. */
    long changeRows() throws SQLException {
        try (Connection c = leader.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM understudy.change_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Compares {@code tables} of {@value #CAPTURED} on leader and follower by row count and checksum.
     *
     * @return "equal (N rows)" or what differs
     */
    String check(List<String> tables) throws Exception {
        return TableComparison.compare(leader, follower, CAPTURED, tables);
    }

    /** CPU seconds used so far by the leader's processes. */
    double leaderCpu() {
        return ProcessCpu.treeSeconds(leaderPid);
    }

    /** CPU seconds used so far by the follower's processes. */
    double followerCpu() {
        return ProcessCpu.treeSeconds(followerPid);
    }

    /** The settings that matter for the figures, as the leader reports them. */
    String leaderSettings() throws SQLException {
        String sql = "mariadb".equals(engine)
                ? "SELECT CONCAT('MariaDB ', VERSION(), ', innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit,"
                        + " ', sync_binlog=', @@sync_binlog, ', log_bin=', @@log_bin, ' (', @@binlog_format, ')',"
                        + " ', innodb_buffer_pool_size=', @@innodb_buffer_pool_size DIV 1048576, 'M')"
                : "SELECT 'PostgreSQL ' || current_setting('server_version') || ', fsync=' || current_setting('fsync')"
                        + " || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers='"
                        + " || current_setting('shared_buffers') || ', wal_level=' || current_setting('wal_level')";
        try (Connection c = leader.connect(null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private Path writeConfig() throws Exception {
        Path file = dir.resolve("understudy-" + engine + ".yaml");
        boolean pg = "postgresql".equals(engine);
        String leaderUrl = pg ? leader.jdbcUrl(null) : leader.jdbcUrl("");
        String followerUrl = pg ? follower.jdbcUrl(null) : follower.jdbcUrl("mysql");
        Files.writeString(file, String.join("\n",
                "leader: { kind: " + leader.kind() + ", url: '" + leaderUrl + "', user: " + leader.user()
                        + ", password: '" + leader.password() + "' }",
                "capture: { mode: trigger, tables: [" + CAPTURED + ".*] }",
                "followers:",
                "  - { name: " + FOLLOWER + ", kind: " + follower.kind() + ", url: '" + followerUrl + "', user: "
                        + follower.user() + ", password: '" + follower.password() + "' }",
                ""));
        return file;
    }

    /**
     * Stops both servers, the follower first: zonky extracts the PostgreSQL binaries once per JVM, into the first
     * server's directory, and closing that server deletes them, so a server closed after it could not run
     * {@code pg_ctl stop} and stayed up. One still running after close gets SIGTERM by its pid.
     */
    @Override
    public void close() {
        stop(follower, followerPid);
        stop(leader, leaderPid);
    }

    private static void stop(DatabaseServer server, long pid) {
        try {
            server.close();
        } catch (RuntimeException e) {
            System.err.println("stopping " + server.kind() + " on port " + server.port() + ": " + e.getMessage());
        }
        ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(p -> {
            try {
                p.destroy(); // SIGTERM: a normal shutdown (PostgreSQL: smart, and no client is left)
                p.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("could not stop " + server.kind() + " process " + pid + ": " + e.getMessage());
            }
        });
    }
}

package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.daemon.Daemon;
import io.understudy.config.ConfigLoader;
import io.understudy.config.TableFilter;
import io.understudy.config.UnderstudyConfig;
import io.understudy.demo.DemoComparison;
import io.understudy.demo.WriterPool;
import io.understudy.model.ReplicationException;
import io.understudy.servers.DatabaseServer;
import io.understudy.snapshot.ProgressListener;
import io.understudy.snapshot.Snapshot;
import io.understudy.snapshot.SnapshotOptions;
import io.understudy.snapshot.SnapshotResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code understudy snapshot} of Sakila plus a million-row table onto both follower kinds while the leader takes
 * writes, then streaming: the followers must end equal to the leader (no gap, no duplicate). And the same with
 * the snapshot killed -9 halfway through the big table and resumed.
 */
class SnapshotIT extends ClusterTest {
    private static final int BIG_ROWS = 1_000_000;

    @BeforeEach
    void forgetEarlierRuns() {
        cluster.forgetPositions();
    }

    @Test
    void snapshotUnderLoadThenStreamingEqualsLeader() throws Exception {
        cluster.runScript(cluster.leader, Cluster.SAKILA.resolve("sakila-schema.sql"));
        cluster.runScript(cluster.leader, Cluster.SAKILA.resolve("sakila-data.sql"));
        // the load outlives SMALLINT payment ids during a long snapshot
        cluster.leader.execute("sakila", "ALTER TABLE payment MODIFY payment_id INT UNSIGNED NOT NULL AUTO_INCREMENT");
        createBig("big");
        UnderstudyConfig config = cluster.config(List.of("sakila.*", "big.*"));
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong written = new AtomicLong();
        Thread bigLoad = new Thread(() -> loadBig("big", loading, failure), "big-load");
        try (WriterPool writers = WriterPool.start(1, () -> cluster.leader.connect(null), written)) {
            bigLoad.start();
            for (String follower : List.of("pg", "maria")) {
                // --foreign-keys: the leader's keys between included tables, added unchecked after the copy
                SnapshotResult r = new Snapshot(config, follower, new SnapshotOptions(4, 5000, true, false),
                        Clock.systemUTC(), ProgressListener.NONE).run();
                System.out.printf("snapshot %s: %d tables, %d rows in %.1f s = %.0f rows/s, %.1f MB/s%n", follower,
                        r.tables(), r.rows(), r.elapsed().toMillis() / 1000.0, r.rowsPerSecond(), r.megabytesPerSecond());
                assertThat(r.rows()).isGreaterThanOrEqualTo(BIG_ROWS);
            }
            // unique and secondary indexes are built after each table's copy; every one must be there
            assertThat(indexes(cluster.mariadb, "STATISTICS WHERE TABLE_SCHEMA IN ('sakila', 'big')"))
                    .isEqualTo(indexes(cluster.leader, "STATISTICS WHERE TABLE_SCHEMA IN ('sakila', 'big')"))
                    .contains("big.t.k_a", "big.pair.k_v", "sakila.rental.rental_date", "sakila.film.idx_title");
            assertThat(pgIndexes("big")).contains("t.t_k_a", "pair.pair_k_v");
            try (Daemon daemon = new Daemon(config, Clock.systemUTC())) {
                daemon.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 0);
                loading.set(false);
                bigLoad.join();
                writers.close();
                assertThat(failure.get()).as("big table load").isNull();
                cluster.assertFollowersEqual(Duration.ofSeconds(180), "sakila.*", "big.*");
                long leaderKeys = Cluster.count(cluster.leader, "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
                        + " WHERE CONSTRAINT_SCHEMA = 'sakila'");
                assertThat(leaderKeys).isGreaterThan(10);
                assertThat(Cluster.count(cluster.mariadb, "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
                        + " WHERE CONSTRAINT_SCHEMA = 'sakila'")).as("foreign keys on the MariaDB follower").isEqualTo(leaderKeys);
                assertThat(Cluster.count(cluster.postgres, "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n"
                        + " ON n.oid = c.connamespace WHERE n.nspname = 'sakila' AND c.contype = 'f' AND NOT c.convalidated"))
                        .as("NOT VALID foreign keys on the PostgreSQL follower").isEqualTo(leaderKeys);
                // and `understudy verify` agrees, chunk by chunk, while the daemon still runs
                Path dir = Files.createTempDirectory("snapshot-verify");
                Path file = dir.resolve("understudy.yaml");
                Files.writeString(file, cluster.yaml(List.of("sakila.*", "big.*"), 0));
                assertThat(DaemonProcess.runToEnd(dir.resolve("verify.log"), cluster.environment(),
                        "verify", "--config", file.toString())).as("verify exit code").isZero();
            }
        } finally {
            loading.set(false);
            bigLoad.join();
        }
    }

    @Test
    void aValueTheFollowerRefusesStopsTheCopyNamingTableColumnAndKey() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE refused", "CREATE TABLE refused.t (id INT PRIMARY KEY, v VARCHAR(40))");
        cluster.leader.execute("refused", "INSERT INTO t SELECT seq, IF(seq = 4242, 'far too long for the follower', 'ok')"
                + " FROM seq_1_to_10000");
        // an existing follower table is left as it is: here, one whose column is too narrow
        cluster.mariadb.execute(null, "CREATE DATABASE refused", "CREATE TABLE refused.t (id INT PRIMARY KEY, v VARCHAR(5))");
        cluster.postgres.execute(null, "CREATE SCHEMA refused", "CREATE TABLE refused.t (id INT PRIMARY KEY, v VARCHAR(5))");
        UnderstudyConfig config = cluster.config(List.of("refused.*"));
        for (String follower : List.of("maria", "pg")) {
            Throwable failure = catchThrowable(() -> new Snapshot(config, follower, new SnapshotOptions(2, 1000, false,
                    false), Clock.systemUTC(), ProgressListener.NONE).run());
            assertThat(failure).as(follower).isInstanceOf(ReplicationException.class).hasMessageContaining("refused.t")
                    .hasMessageContaining("column 'v'").hasMessageContaining("key (4242)");
        }
    }

    /** The kill -9 and resume on each follower kind (PostgreSQL: COPY; MariaDB: LOAD DATA LOCAL). */
    @ParameterizedTest
    @ValueSource(strings = {"pg", "maria"})
    void killedSnapshotResumesAfterItsLastChunk(String follower, @TempDir Path dir) throws Exception {
        String schema = "resume_" + follower;
        String other = follower.equals("pg") ? "maria" : "pg";
        DatabaseServer server = follower.equals("pg") ? cluster.postgres : cluster.mariadb;
        createBig(schema);
        Path config = dir.resolve("understudy.yaml");
        String yaml = Arrays.stream(cluster.yaml(List.of(schema + ".*"), 0).split("\n"))
                .filter(l -> !l.contains("name: " + other)).collect(Collectors.joining("\n"));
        Files.writeString(config, yaml + "\n");
        Path dryRun = dir.resolve("dry-run.log");
        assertThat(DaemonProcess.runToEnd(dryRun, cluster.environment(),
                "snapshot", "--config", config.toString(), "--follower", follower, "--dry-run")).isZero();
        assertThat(Files.readString(dryRun)).contains("CREATE TABLE").contains(follower.equals("pg")
                ? "CREATE INDEX IF NOT EXISTS \"t_k_a\" ON \"" + schema + "\".\"t\" (\"a\")"
                : "ALTER TABLE `" + schema + "`.`t` ADD KEY `k_a` (`a`)");
        assertThat(tables(server, schema)).as("--dry-run writes nothing").isZero();
        Path log = dir.resolve("snapshot.log");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread load = new Thread(() -> loadBig(schema, loading, failure), schema + "-load");
        load.start();
        try {
            String[] args = {"snapshot", "--config", config.toString(), "--follower", follower, "--chunk-size", "5000"};
            long copiedBeforeKill;
            try (DaemonProcess first = DaemonProcess.start(log, cluster.environment(), args)) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> rowsCopied(server, schema + ".t") >= BIG_ROWS / 3);
                first.kill9();
                copiedBeforeKill = rowsCopied(server, schema + ".t");
            }
            assertThat(copiedBeforeKill).isLessThan(BIG_ROWS);
            assertThat(DaemonProcess.runToEnd(log, cluster.environment(), args)).as("resumed snapshot exit code").isZero();
            assertThat(Files.readString(log)).contains(schema + ".t: resuming after key");
            assertThat(rowsCopied(server, schema + ".t")).as("rows copied over both runs").isGreaterThanOrEqualTo(copiedBeforeKill);
            if (follower.equals("pg")) {
                assertThat(pgIndexes(schema)).as("indexes after the resumed snapshot")
                        .containsExactlyInAnyOrder("t.t_pkey", "t.t_k_a", "pair.pair_pkey", "pair.pair_k_v");
            } else {
                assertThat(indexes(server, "STATISTICS WHERE TABLE_SCHEMA = '" + schema + "'")).as("indexes after the"
                        + " resumed snapshot").containsExactlyInAnyOrder(schema + ".t.PRIMARY", schema + ".t.k_a",
                        schema + ".pair.PRIMARY", schema + ".pair.k_v");
            }
            UnderstudyConfig cfg = new ConfigLoader(cluster.environment()).parse(yaml, "resume.yaml");
            try (Daemon daemon = new Daemon(cfg, Clock.systemUTC())) {
                daemon.start();
                loading.set(false);
                load.join();
                assertThat(failure.get()).as("big table load").isNull();
                DemoComparison.Result r = DemoComparison.awaitEqual(cluster.leader, server,
                        new TableFilter(List.of(schema + ".*"), List.of()), Duration.ofSeconds(180));
                assertThat(r.tables()).isNotEmpty().allMatch(DemoComparison.TableResult::equal);
            }
        } finally {
            loading.set(false);
            load.join();
        }
    }

    private static long tables(DatabaseServer server, String schema) throws Exception {
        try (Connection c = server.connect(null);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void createBig(String schema) {
        cluster.leader.execute(null, "CREATE DATABASE " + schema,
                "CREATE TABLE " + schema + ".t (id BIGINT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40), c DECIMAL(12,2),"
                        + " d DATETIME(6), KEY k_a (a)) ENGINE=InnoDB",
                "CREATE TABLE " + schema + ".pair (x INT, y VARCHAR(10), v INT, PRIMARY KEY (x, y), KEY k_v (v))"
                        + " ENGINE=InnoDB");
        cluster.leader.execute(schema,
                "INSERT INTO t SELECT seq, seq % 1000, CONCAT('row-', seq), seq / 100,"
                        + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_" + BIG_ROWS,
                "INSERT INTO pair SELECT seq % 100, CONCAT('k', seq), seq FROM seq_1_to_2000");
    }

    /** {@code schema.table.index} of every index that information_schema.{@code from} lists. */
    private static java.util.Set<String> indexes(DatabaseServer server, String from) throws Exception {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (Connection c = server.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.', INDEX_NAME)"
                     + " FROM information_schema." + from)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static java.util.Set<String> pgIndexes(String schema) throws Exception {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (Connection c = cluster.postgres.connect(null);
             PreparedStatement ps = c.prepareStatement("SELECT tablename || '.' || indexname FROM pg_indexes WHERE schemaname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static long rowsCopied(DatabaseServer server, String table) throws Exception {
        try (Connection c = server.connect(null);
             PreparedStatement ps = c.prepareStatement("SELECT rows_copied FROM understudy.snapshot_progress WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Updates, inserts, deletes, key moves and multi-row transactions spread over the whole key range. */
    private static void loadBig(String schema, AtomicBoolean loading, AtomicReference<Throwable> failure) {
        Random random = new Random(11);
        long nextId = 2_000_000;
        try (Connection c = cluster.leader.connect(schema); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            while (loading.get()) {
                long id = 1 + random.nextInt(BIG_ROWS);
                switch (random.nextInt(6)) {
                    case 0 -> s.executeUpdate("UPDATE t SET a = a + 1, b = 'upd-" + random.nextInt(1000) + "' WHERE id = " + id);
                    case 1 -> s.executeUpdate("INSERT INTO t VALUES (" + nextId++ + ", 1, 'new', 1.5, NOW(6))");
                    case 2 -> s.executeUpdate("DELETE FROM t WHERE id = " + id);
                    case 3 -> s.executeUpdate("UPDATE IGNORE t SET id = " + nextId++ + " WHERE id = " + id);
                    case 4 -> s.executeUpdate("UPDATE t SET a = a + 10 WHERE id BETWEEN " + id + " AND " + (id + 50));
                    default -> s.executeUpdate("UPDATE pair SET v = v + 1 WHERE x = " + random.nextInt(100));
                }
                c.commit();
                // pace the load (~300 transactions/s) so that streaming can catch up within the test's time
                java.util.concurrent.locks.LockSupport.parkNanos(3_000_000);
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

}

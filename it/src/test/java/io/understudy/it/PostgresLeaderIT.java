package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.servers.Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL leader in trigger mode, through the CLI: install as a non-superuser with the documented
 * privileges, bootstrap a PostgreSQL and a MariaDB follower with {@code snapshot} while the leader takes writes
 * (every supported type, key changes, deletes, TRUNCATE, transactions that start first and commit last, and
 * foreign-key cascades, which PostgreSQL runs as row triggers that the capture triggers see), kill -9 the daemon
 * mid-load, and prove both followers equal to the leader by checksum, the cascades applied once: nothing is replayed.
 */
class PostgresLeaderIT {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = new Cluster(Servers.postgres());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void postgresLeaderToPostgresAndMariaDb(@TempDir Path dir) throws Exception {
        cluster.leader.execute(null,
                "CREATE SCHEMA pgl AUTHORIZATION app_owner",
                "CREATE TYPE pgl.mood AS ENUM ('sad', 'ok', 'happy')",
                "ALTER TYPE pgl.mood OWNER TO app_owner",
                "CREATE TABLE pgl.items (id bigint PRIMARY KEY, i integer, s smallint, n numeric(20,6), f real,"
                        + " d double precision, b boolean, t text, vc varchar(50), c char(5), by bytea, dt date,"
                        + " ts timestamp(6), tz timestamptz, tm time, j jsonb, js json, u uuid, m pgl.mood, bits bit(5))",
                "CREATE TABLE pgl.counter (id int PRIMARY KEY, n bigint NOT NULL)",
                "CREATE TABLE pgl.scratch (k uuid PRIMARY KEY, v text)",
                "CREATE TABLE pgl.orders (id bigint PRIMARY KEY, note text)",
                "CREATE TABLE pgl.lines (order_id bigint NOT NULL REFERENCES pgl.orders (id) ON DELETE CASCADE ON UPDATE CASCADE,"
                        + " line int NOT NULL, qty int, PRIMARY KEY (order_id, line))",
                "CREATE TABLE pgl.remarks (id bigint PRIMARY KEY, order_id bigint REFERENCES pgl.orders (id) ON DELETE SET NULL"
                        + " ON UPDATE CASCADE)",
                "ALTER TABLE pgl.items OWNER TO app_owner", "ALTER TABLE pgl.counter OWNER TO app_owner",
                "ALTER TABLE pgl.scratch OWNER TO app_owner", "ALTER TABLE pgl.orders OWNER TO app_owner",
                "ALTER TABLE pgl.lines OWNER TO app_owner", "ALTER TABLE pgl.remarks OWNER TO app_owner",
                "INSERT INTO pgl.counter VALUES (1, 0), (2, 0)");
        try (Connection c = cluster.leader.connect(null)) {
            c.setAutoCommit(false);
            Random random = new Random(1);
            for (int id = 1; id <= 2000; id++) {
                insert(c, id, random);
            }
            c.commit();
        }
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, cluster.yaml("trigger", List.of("pgl.*"), 0));
        Path log = dir.resolve("understudy.log");
        var env = cluster.environment();
        assertThat(DaemonProcess.runToEnd(log, env, "triggers", "install", "--config", config.toString()))
                .as("install; log:\n%s", Files.readString(log)).isZero();

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong transactions = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> load = List.of(new Thread(() -> writes(loading, transactions, failure), "writes"),
                new Thread(() -> longTransactions(loading, failure), "long"));
        load.forEach(Thread::start);
        DaemonProcess daemon = null;
        try {
            for (String follower : List.of("pg", "maria")) {
                assertThat(DaemonProcess.runToEnd(log, env, "snapshot", "--config", config.toString(), "--follower", follower))
                        .as("snapshot of %s; log:\n%s", follower, Files.readString(log)).isZero();
            }
            daemon = DaemonProcess.start(log, env, "run", "--config", config.toString());
            long target = transactions.get() + 500;
            while (transactions.get() < target && failure.get() == null) {
                Thread.sleep(50);
            }
            daemon.kill9();
            daemon = DaemonProcess.start(log, env, "run", "--config", config.toString());
            target = transactions.get() + 500;
            while (transactions.get() < target && failure.get() == null) {
                Thread.sleep(50);
            }
            loading.set(false);
            for (Thread t : load) {
                t.join();
            }
            assertThat(failure.get()).as("load generator").isNull();
            cluster.assertFollowersEqual(Duration.ofSeconds(180), "pgl.*");
            String token; // a PostgreSQL leader's causality token, waited for on both follower kinds (the daemon runs)
            try (Connection c = cluster.leader.connect(null); java.sql.Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE pgl.counter SET n = n + 1000 WHERE id = 2");
                try (java.sql.ResultSet rs = s.executeQuery("SELECT understudy.token()")) {
                    rs.next();
                    token = rs.getString(1);
                }
            }
            assertThat(token).startsWith("tick:");
            assertThat(Cluster.waitFor(cluster.postgres, token, 60)).isTrue();
            assertThat(Cluster.waitFor(cluster.mariadb, token, 60)).isTrue();
            assertThat(Cluster.count(cluster.mariadb, "SELECT n FROM pgl.counter WHERE id = 2")).isGreaterThanOrEqualTo(1000);
            assertThat(daemon.terminate()).as("exit code after SIGTERM").isZero();
        } finally {
            loading.set(false);
            if (daemon != null) {
                daemon.close();
            }
        }
        Path status = dir.resolve("status.log");
        assertThat(DaemonProcess.runToEnd(status, env, "check", "--config", config.toString()))
                .as("check:\n%s", Files.readString(status)).isZero();
        assertThat(DaemonProcess.runToEnd(status, env, "triggers", "status", "--config", config.toString()))
                .as("triggers status:\n%s", Files.readString(status)).isZero();
        assertThat(Files.readString(status)).contains("pgl.items").contains("current");
        assertThat(Files.readString(status)).contains("capture triggers"); // check: cascades are captured
        assertThat(Files.readString(log)).as("PostgreSQL cascades are captured, never replayed").doesNotContain("replaying");
        assertThat(Files.readString(log) + Files.readString(status)).doesNotContain(Cluster.LEADER_PASSWORD);
    }

    private static void insert(Connection c, long id, Random random) throws Exception {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO pgl.items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?::date, ?::timestamp, ?::timestamptz, ?::time, ?::jsonb, ?::json, ?::uuid, ?::pgl.mood, ?::bit(5))")) {
            boolean nulls = random.nextInt(10) == 0;
            p.setLong(1, id);
            if (nulls) {
                for (int i = 2; i <= 20; i++) {
                    p.setNull(i, java.sql.Types.NULL);
                }
                p.executeUpdate();
                return;
            }
            p.setInt(2, random.nextInt());
            p.setShort(3, (short) random.nextInt(65536));
            p.setBigDecimal(4, java.math.BigDecimal.valueOf(random.nextLong() % 100_000_000_000_000L, 6));
            p.setFloat(5, random.nextFloat() * 1e6f);
            p.setDouble(6, random.nextDouble() * 1e300);
            p.setBoolean(7, random.nextBoolean());
            p.setString(8, "text 😀 \\ ' \" " + random.nextInt());
            p.setString(9, "vc" + random.nextInt(1000));
            p.setString(10, "c" + random.nextInt(100));
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            p.setBytes(11, bytes);
            p.setString(12, (1900 + random.nextInt(200)) + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10));
            p.setString(13, "2024-01-0" + (1 + random.nextInt(9)) + " 12:34:56." + (100000 + random.nextInt(900000)));
            p.setString(14, "2024-06-1" + random.nextInt(10) + " 01:02:03.456789+0" + random.nextInt(10));
            p.setString(15, "1" + random.nextInt(10) + ":2" + random.nextInt(10) + ":00.25");
            p.setString(16, "{\"k\": " + random.nextInt(100) + ", \"a\": [1, 2.50, \"x\"]}");
            p.setString(17, "{ \"spaced\" :  " + random.nextInt(100) + " }");
            p.setString(18, UUID.randomUUID().toString());
            p.setString(19, new String[] {"sad", "ok", "happy"}[random.nextInt(3)]);
            p.setString(20, Integer.toBinaryString(32 + random.nextInt(32)).substring(1));
            p.executeUpdate();
        }
    }

    /** Multi-statement transactions: inserts, updates, key changes, deletes, counter increments, now and then a TRUNCATE. */
    private static void writes(AtomicBoolean loading, AtomicLong transactions, AtomicReference<Throwable> failure) {
        try (Connection c = cluster.leader.connect(null)) {
            c.setAutoCommit(false);
            Random random = new Random(2);
            long next = 1_000_000;
            while (loading.get()) {
                try (Statement s = c.createStatement()) {
                    insert(c, next++, random);
                    s.executeUpdate("UPDATE pgl.items SET i = coalesce(i, 0) + 1, t = coalesce(t, '') || '+' WHERE id = " + (1 + random.nextInt(2000)));
                    if (random.nextInt(4) == 0) {
                        s.executeUpdate("UPDATE pgl.items SET id = " + (next++) + " WHERE id = " + (1 + random.nextInt(2000)));
                    }
                    if (random.nextInt(4) == 0) {
                        s.executeUpdate("DELETE FROM pgl.items WHERE id = " + (1 + random.nextInt(2000)));
                    }
                    s.executeUpdate("UPDATE pgl.counter SET n = n + 1 WHERE id = 2");
                    orders(s, random, next++);
                    s.executeUpdate("INSERT INTO pgl.scratch VALUES (gen_random_uuid(), 'row')");
                    if (random.nextInt(50) == 0) {
                        s.executeUpdate("TRUNCATE pgl.scratch");
                    }
                }
                c.commit();
                transactions.incrementAndGet();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    /** An order with two lines and a remark; now and then one deleted or renumbered, which the leader cascades. */
    private static void orders(Statement s, Random random, long id) throws Exception {
        s.executeUpdate("INSERT INTO pgl.orders VALUES (" + id + ", 'new')");
        s.executeUpdate("INSERT INTO pgl.lines VALUES (" + id + ", 1, 1), (" + id + ", 2, 2)");
        s.executeUpdate("INSERT INTO pgl.remarks VALUES (" + id + ", " + id + ")");
        long other = id - 1 - random.nextInt(20);
        switch (random.nextInt(4)) {
            case 0 -> s.executeUpdate("DELETE FROM pgl.orders WHERE id = " + other);
            case 1 -> s.executeUpdate("UPDATE pgl.orders SET id = id + 10000000 WHERE id = " + other);
            default -> { }
        }
    }

    private static void longTransactions(AtomicBoolean loading, AtomicReference<Throwable> failure) {
        try (Connection c = cluster.leader.connect(null)) {
            c.setAutoCommit(false);
            long id = 5_000_000_000L;
            while (loading.get()) {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE pgl.counter SET n = n + 100 WHERE id = 1");
                    s.executeUpdate("INSERT INTO pgl.items (id, t) VALUES (" + (id++) + ", 'long transaction')");
                    Thread.sleep(1000);
                    s.executeUpdate("UPDATE pgl.items SET i = 7 WHERE id = " + (id - 1));
                }
                c.commit();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }
}

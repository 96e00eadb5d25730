package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.demo.WriterPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trigger mode end to end on a MariaDB leader, through the CLI as an operator runs it: install the triggers on an
 * existing database (Sakila plus a table of every type), bootstrap both follower kinds with {@code snapshot} while
 * the leader takes writes (short transactions, and long ones that start first and commit last), stream, kill -9
 * the daemon twice mid-load, and prove both followers equal to the leader by checksum; the change table stays
 * bounded by the purge and drains once the followers caught up.
 */
class TriggerModeIT extends ClusterTest {

    @Test
    void mariadbLeaderThroughTriggers(@TempDir Path dir) throws Exception {
        cluster.runScript(cluster.leader, Cluster.SAKILA.resolve("sakila-schema.sql"));
        cluster.runScript(cluster.leader, Cluster.SAKILA.resolve("sakila-data.sql"));
        cluster.leader.execute("sakila", "ALTER TABLE payment MODIFY payment_id INT UNSIGNED NOT NULL AUTO_INCREMENT");
        cluster.leader.execute(null, "CREATE DATABASE tm", TypesWorkload.DDL.formatted("tm"),
                "CREATE TABLE tm.counter (id INT PRIMARY KEY, n BIGINT NOT NULL)",
                "INSERT INTO tm.counter VALUES (1, 0), (2, 0), (3, 0)",
                // the trigger-mode privileges docs/configuration.md lists, on top of the binlog user's SELECT
                "GRANT TRIGGER ON sakila.* TO 'understudy'@'%'",
                "GRANT TRIGGER ON tm.* TO 'understudy'@'%'",
                "GRANT ALL ON understudy.* TO 'understudy'@'%'");
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, cluster.yaml("trigger", List.of("sakila.*", "tm.*"), 0));
        Path log = dir.resolve("understudy.log");
        var env = cluster.environment();
        assertThat(DaemonProcess.runToEnd(log, env, "triggers", "install", "--config", config.toString())).isEqualTo(1);
        assertThat(Files.readString(log)).contains("nothing was changed").contains("log_bin_trust_function_creators = OFF,"
                + " so only a user with SUPER may create triggers");
        cluster.leader.execute(null, "SET GLOBAL log_bin_trust_function_creators = 1");

        assertThat(DaemonProcess.runToEnd(log, env, "triggers", "install", "--config", config.toString()))
                .as("install; log:\n%s", Files.readString(log)).isZero();

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicBoolean paced = new AtomicBoolean(false);
        AtomicLong transactions = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread types = new Thread(() -> types(loading, paced, transactions, failure), "types");
        Thread longOnes = new Thread(() -> longTransactions(loading, failure), "long");
        AtomicLong sakilaWrites = new AtomicLong();
        AtomicLong maxChangeRows = new AtomicLong();
        AtomicLong writtenMeanwhile = new AtomicLong();
        try (WriterPool sakila = WriterPool.start(2, () -> cluster.leader.connect(null), sakilaWrites)) {
            types.start();
            longOnes.start();
            for (String follower : List.of("pg", "maria")) {
                assertThat(DaemonProcess.runToEnd(log, env, "snapshot", "--config", config.toString(), "--follower", follower))
                        .as("snapshot of %s; log:\n%s", follower, Files.readString(log)).isZero();
            }
            DaemonProcess daemon = DaemonProcess.start(log, env, "run", "--config", config.toString());
            try {
                Random random = new Random(11);
                for (int crash = 0; crash < 2; crash++) {
                    // kill mid-apply: once this daemon has committed something on both followers, a few hundred
                    // leader transactions later
                    long applied = slowestFollowerTick();
                    await().atMost(Duration.ofSeconds(120)).until(() -> slowestFollowerTick() > applied);
                    long target = transactions.get() + 300 + random.nextInt(300);
                    while (transactions.get() < target && failure.get() == null) {
                        Thread.sleep(20);
                    }
                    daemon.kill9();
                    daemon = DaemonProcess.start(log, env, "run", "--config", config.toString());
                }
                // sustained load the followers keep up with: the purge keeps the change table to a few seconds of writes
                sakila.close();
                paced.set(true);
                // the followers first work off what the unpaced load wrote (ticks are taken by the daemon, so what
                // was written while none ran arrives as one large tick), and the purge removes it
                long newest = newestTick();
                await().atMost(Duration.ofSeconds(180)).until(() -> slowestConsumerTick() >= newest);
                await().atMost(Duration.ofSeconds(30)).until(() -> changeRows() < 10_000);
                long firstId = maxChangeId();
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                StringBuilder series = new StringBuilder();
                while (System.nanoTime() < until && failure.get() == null) {
                    long rows = changeRows();
                    series.append(rows).append(' ');
                    maxChangeRows.accumulateAndGet(rows, Math::max);
                    Thread.sleep(200);
                }
                System.out.println("change rows every 200 ms: " + series);
                writtenMeanwhile.set(maxChangeId() - firstId);
                loading.set(false);
                types.join();
                longOnes.join();
                assertThat(failure.get()).as("load generator").isNull();
                cluster.assertFollowersEqual(Duration.ofSeconds(180), "sakila.*", "tm.*");
                // both followers have everything: the purge empties the change table
                await().atMost(Duration.ofSeconds(60)).until(() -> changeRows() == 0);
                assertThat(daemon.terminate()).as("exit code after SIGTERM").isZero();
            } finally {
                daemon.close();
            }
        }
        System.out.printf("trigger mode: %d leader transactions; in 20 s of sustained load %d change rows were written and"
                + " the change table peaked at %d rows%n", transactions.get() + sakilaWrites.get(), writtenMeanwhile.get(),
                maxChangeRows.get());
        assertThat(writtenMeanwhile.get()).as("change rows written under sustained load").isGreaterThan(5_000);
        assertThat(maxChangeRows.get()).as("change rows kept while the followers stream")
                .isLessThan(writtenMeanwhile.get() * 3 / 4);

        Path status = dir.resolve("status.log");
        assertThat(DaemonProcess.runToEnd(status, env, "check", "--config", config.toString()))
                .as("check:\n%s", Files.readString(status)).isZero();
        assertThat(DaemonProcess.runToEnd(status, env, "triggers", "status", "--config", config.toString())).isZero();
        assertThat(DaemonProcess.runToEnd(status, env, "status", "--config", config.toString())).isZero();
        assertThat(Files.readString(status)).contains("sakila.film_text").contains("current")
                .contains("TICKS BEHIND").contains("leader position: tick");
        assertThat(Files.readString(log) + Files.readString(status)).doesNotContain(Cluster.LEADER_PASSWORD);
    }

    @Test
    void installRefusesATableWithoutKeyAndChangesNothing(@TempDir Path dir) throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE tmref", "CREATE TABLE tmref.ok (id INT PRIMARY KEY)",
                "CREATE TABLE tmref.nokey (a INT, b INT)", "GRANT TRIGGER ON tmref.* TO 'understudy'@'%'",
                "GRANT ALL ON understudy.* TO 'understudy'@'%'");
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, cluster.yaml("trigger", List.of("tmref.*"), 0));
        Path log = dir.resolve("install.log");
        assertThat(DaemonProcess.runToEnd(log, cluster.environment(), "triggers", "install", "--config", config.toString()))
                .isEqualTo(1);
        assertThat(Files.readString(log)).contains("triggers not installed on leader").contains("nothing was changed")
                .contains("table tmref.nokey has no primary key; add one, or name its key columns in capture.keys");
        try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = 'tmref'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    /** The smallest tick the followers have committed, from their own position tables ("tick:N@installation"). */
    private static long slowestFollowerTick() throws Exception {
        long slowest = Long.MAX_VALUE;
        for (var follower : List.of(cluster.postgres, cluster.mariadb)) {
            try (Connection c = follower.connect(null); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT encoded_position FROM understudy.applied_position")) {
                long tick = rs.next() ? Long.parseLong(rs.getString(1).replaceAll("^tick:(\\d+)@.*$", "$1")) : 0;
                slowest = Math.min(slowest, tick);
            }
        }
        return slowest;
    }

    private static long newestTick() throws Exception {
        return leaderLong("SELECT COALESCE(MAX(id), 0) FROM understudy.tick");
    }

    /** The tick of the follower furthest behind, as recorded on the leader. */
    private static long slowestConsumerTick() throws Exception {
        return leaderLong("SELECT COALESCE(MIN(tick), 0) FROM understudy.consumer");
    }

    private static long maxChangeId() throws Exception {
        return leaderLong("SELECT COALESCE(MAX(id), 0) FROM understudy.change_log");
    }

    private static long changeRows() throws Exception {
        return leaderLong("SELECT COUNT(*) FROM understudy.change_log");
    }

    private static long leaderLong(String sql) throws Exception {
        try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Short multi-statement transactions over every type, plus counter increments (lost or doubled ones show). */
    private static void types(AtomicBoolean loading, AtomicBoolean paced, AtomicLong transactions,
                              AtomicReference<Throwable> failure) {
        try (Connection c = cluster.leader.connect(null); Connection counters = cluster.leader.connect(null)) {
            TypesWorkload workload = new TypesWorkload(c, "tm", 5, false);
            counters.setAutoCommit(false);
            int i = 0;
            while (loading.get()) {
                workload.step();
                try (Statement s = counters.createStatement()) {
                    s.executeUpdate("UPDATE tm.counter SET n = n + 1 WHERE id = " + (2 + i++ % 2));
                }
                counters.commit();
                transactions.addAndGet(2);
                if (paced.get()) {
                    Thread.sleep(2);
                }
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    /** Transactions that start first and commit last: open, write, wait while others commit, write again, commit. */
    private static void longTransactions(AtomicBoolean loading, AtomicReference<Throwable> failure) {
        try (Connection c = cluster.leader.connect(null)) {
            c.setAutoCommit(false);
            long id = 1_000_000_000L;
            while (loading.get()) {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE tm.counter SET n = n + 100 WHERE id = 1");
                    s.executeUpdate("INSERT INTO tm.all_types (id, c_varchar) VALUES (" + (id++) + ", 'long transaction')");
                    Thread.sleep(1500);
                    s.executeUpdate("UPDATE tm.all_types SET c_int = 7 WHERE id = " + (id - 1));
                    s.executeUpdate("UPDATE tm.counter SET n = n + 1000 WHERE id = 1");
                }
                c.commit();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }
}

package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the daemon at random moments under sustained load: after each restart every follower
 * resumes from the position committed with its data, so both end exactly equal to the leader (a lost
 * or duplicated change would show up in the checksums: updates increment counters, PK changes move rows).
 */
class CrashIT extends ClusterTest {

    @Test
    void killMinus9UnderLoadLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE crash", TypesWorkload.DDL.formatted("crash"),
                "CREATE TABLE crash.counter (id INT PRIMARY KEY, n BIGINT NOT NULL)",
                "INSERT INTO crash.counter VALUES (1, 0), (2, 0), (3, 0)");
        cluster.createFollowerTables("crash.*");
        cluster.followers().forEach(f -> f.execute(null, "INSERT INTO crash.counter VALUES (1, 0), (2, 0), (3, 0)"));
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, cluster.yaml(List.of("crash.*"), 0));
        Path log = dir.resolve("daemon.log");

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong transactions = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread load = new Thread(() -> load(loading, transactions, failure), "load");
        DaemonProcess daemon = DaemonProcess.start(log, cluster.environment(), "run", "--config", config.toString());
        cluster.awaitPositionsStored(Duration.ofSeconds(60));
        load.start();
        Random random = new Random(7);
        for (int crash = 0; crash < 4; crash++) {
            long target = transactions.get() + 200 + random.nextInt(600);
            while (transactions.get() < target && failure.get() == null) {
                Thread.sleep(5);
            }
            daemon.kill9();
            daemon = DaemonProcess.start(log, cluster.environment(), "run", "--config", config.toString());
        }
        loading.set(false);
        load.join();
        assertThat(failure.get()).as("load generator").isNull();
        try {
            cluster.assertFollowersEqual(Duration.ofSeconds(180), "crash.*");
            assertThat(daemon.terminate()).as("exit code after SIGTERM").isZero();
        } finally {
            daemon.close();
        }
        assertThat(Files.readString(log)).doesNotContain(Cluster.LEADER_PASSWORD);

        Path status = dir.resolve("status.log");
        assertThat(DaemonProcess.runToEnd(status, cluster.environment(), "status", "--config", config.toString())).isZero();
        assertThat(Files.readString(status)).contains("leader position: mysql-bin").contains("pg").contains("maria")
                .doesNotContain(Cluster.LEADER_PASSWORD);
    }

    private static void load(AtomicBoolean loading, AtomicLong transactions, AtomicReference<Throwable> failure) {
        try (Connection c = cluster.leader.connect(null); Connection counters = cluster.leader.connect(null)) {
            TypesWorkload workload = new TypesWorkload(c, "crash", 1);
            counters.setAutoCommit(false);
            int i = 0;
            while (loading.get()) {
                workload.step();
                try (var s = counters.createStatement()) {
                    s.executeUpdate("UPDATE crash.counter SET n = n + 1 WHERE id = " + (1 + i++ % 3));
                    s.executeUpdate("UPDATE crash.counter SET n = n + 10 WHERE id = " + (1 + i % 3));
                }
                counters.commit();
                transactions.addAndGet(2);
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }
}

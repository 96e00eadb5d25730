package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.config.UnderstudyConfig;
import io.understudy.model.RetriableException;
import io.understudy.model.TableId;
import io.understudy.snapshot.ProgressListener;
import io.understudy.snapshot.Snapshot;
import io.understudy.snapshot.SnapshotOptions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code understudy snapshot --table} on followers that already stream, while the leader takes writes: a table
 * added to capture.tables later, and a table whose DDL stopped the PostgreSQL follower. Afterwards
 * {@code understudy run} continues from the followers' stored positions and both end equal to the leader.
 */
class RecopyIT extends ClusterTest {
    private static final TableId A = new TableId("rc", "a");
    private static final TableId B = new TableId("rc", "b");

    @Test
    void recopiedTablesJoinStreamingWithoutGapOrDuplicate() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE rc",
                "CREATE TABLE rc.a (id INT AUTO_INCREMENT PRIMARY KEY, x INT)",
                "CREATE TABLE rc.b (id INT PRIMARY KEY, v VARCHAR(40), n INT NOT NULL DEFAULT 0)");
        cluster.leader.execute("rc", "INSERT INTO b (id, v) SELECT seq, CONCAT('row ', seq) FROM seq_1_to_30000");
        cluster.createFollowerTables("rc.a");
        UnderstudyConfig onlyA = cluster.config(List.of("rc.a"));
        UnderstudyConfig both = cluster.config(List.of("rc.a", "rc.b"));
        try (Load load = new Load()) {
            try (Daemon daemon = new Daemon(onlyA, Clock.systemUTC())) {
                daemon.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                        .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));
load.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream().allMatch(s -> s.transactions() >= 5));
                // the daemon holds each follower: a snapshot into it now is refused, nothing is written
assertThatThrownBy(() -> recopy(both, "maria", B)).isInstanceOf(RetriableException.class)
                        .hasMessageContaining("being written by another Understudy process");
cluster.leader.execute(null, "ALTER TABLE rc.a ADD COLUMN parent INT",
                        "ALTER TABLE rc.a ADD CONSTRAINT ck_parent CHECK (parent IS NULL OR parent > 0)");
                await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                        .anyMatch(s -> s.follower().equals("pg") && s.phase() == FollowerState.Phase.FAILED));
                assertThat(daemon.states()).filteredOn(s -> s.follower().equals("pg")).singleElement()
                        .satisfies(s -> assertThat(s.error()).contains("ck_parent").contains("--table rc.a"));
            }
            // rc.b joins capture.tables; rc.a is copied again onto the PostgreSQL follower past its refused DDL
recopy(both, "maria", B);
            recopy(both, "pg", A, B);
            try (Daemon daemon = new Daemon(both, Clock.systemUTC())) {
                daemon.start();
                long before = load.written.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.written.get() > before + 2_000);
                load.stopAndAwait();
                cluster.assertFollowersEqual(Duration.ofSeconds(120), "rc.*");
                assertThat(daemon.states()).allSatisfy(s -> assertThat(s.phase()).isEqualTo(FollowerState.Phase.STREAMING));
            }
        }
    }

    private static void recopy(UnderstudyConfig config, String follower, TableId... tables) throws InterruptedException {
        new Snapshot(config, follower, new SnapshotOptions(2, 2000, false, false, List.of(tables)), Clock.systemUTC(),
                ProgressListener.NONE).run();
    }

    /** One leader session writing small transactions to rc.a and rc.b until stopped. */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong written = new AtomicLong();
        private final Thread thread = new Thread(this::run, "recopy-load");
        private volatile Exception failure;

        void start() {
            thread.start();
        }

        private void run() {
            try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement()) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (running.get()) {
                    int id = r.nextInt(1, 40_000);
                    switch (r.nextInt(4)) {
                        case 0 -> s.execute("INSERT INTO rc.a (x) VALUES (" + id + ")");
                        case 1 -> s.execute("UPDATE rc.b SET n = n + 1, v = CONCAT('upd ', " + id + ") WHERE id = " + id);
                        case 2 -> s.execute("DELETE FROM rc.b WHERE id = " + id);
                        default -> s.execute("INSERT INTO rc.b (id, v) VALUES (" + id + ", 'new') ON DUPLICATE KEY UPDATE n = n + 10");
                    }
                    written.incrementAndGet();
                    LockSupport.parkNanos(2_000_000); // ~400 transactions/s: a steady load, not a flood
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        void stopAndAwait() throws Exception {
            running.set(false);
            thread.join();
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() throws Exception {
            stopAndAwait();
        }
    }
}

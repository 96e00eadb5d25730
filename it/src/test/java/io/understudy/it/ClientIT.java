package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.client.Ack;
import io.understudy.client.Fallback;
import io.understudy.client.Read;
import io.understudy.client.ReadRouter;
import io.understudy.client.Session;
import io.understudy.client.StaleReadException;
import io.understudy.config.ConfigLoader;
import io.understudy.config.UnderstudyConfig;
import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java client against real followers of both kinds while the daemon streams and the MariaDB follower is held
 * back again and again: thousands of write-then-read pairs from concurrent sessions never miss their own write (plain
 * follower reads right after the write do), a session reading a counter the leader keeps raising from both followers
 * never sees it go back, a token carried to another router works, acknowledgement by apply names who has a write,
 * and the fallback policies do what they say.
 */
class ClientIT extends ClusterTest {
    private static final int SESSIONS = 4;
    private static final int PAIRS = 500;

    @BeforeEach
    void forgetEarlierRuns() {
        cluster.forgetPositions();
    }

    @Test
    void readYourWritesMonotonicReadsAndAcknowledgement() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE rdc", "CREATE TABLE rdc.items (id INT PRIMARY KEY, owner INT NOT NULL)",
                "CREATE TABLE rdc.counter (id INT PRIMARY KEY, n BIGINT NOT NULL)", "INSERT INTO rdc.counter VALUES (1, 0)");
        cluster.createFollowerTables("rdc.*");
        String yaml = cluster.yaml(List.of("rdc.*"), 0) + "lag: { heartbeat-interval: 200ms }\n";
        UnderstudyConfig config = new ConfigLoader(cluster.environment()).parse(yaml, "client.yaml");
        try (Daemon daemon = new Daemon(config, Clock.systemUTC());
             HikariDataSource leader = pool(cluster.leader, ""); HikariDataSource maria = pool(cluster.mariadb, "mysql");
             HikariDataSource pg = pool(cluster.postgres, null);
             ReadRouter router = ReadRouter.builder().leader(leader).follower("maria", maria).follower("pg", pg)
                     .waitAtMost(Duration.ofMillis(300)).build()) {
            daemon.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                    .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));

            AtomicBoolean holding = new AtomicBoolean(true);
            Thread holder = new Thread(() -> holdBack(holding), "hold-maria");
            holder.start();
            AtomicInteger stalePlain = new AtomicInteger();
            AtomicInteger missed = new AtomicInteger();
            AtomicInteger fromLeader = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> sessions = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                int owner = s;
                sessions.add(new Thread(() -> {
                    Session session = router.session();
                    try (Connection plain = maria.getConnection()) {
                        plain.setAutoCommit(true);
                        for (int i = 0; i < PAIRS; i++) {
                            int id = owner * 1_000_000 + i;
                            session.write(c -> execute(c, "INSERT INTO rdc.items VALUES (" + id + ", " + owner + ")"));
                            if (count(plain, "SELECT count(*) FROM rdc.items WHERE id = " + id) == 0) {
                                stalePlain.incrementAndGet();
                            }
                            Read<Long> r = session.readStamped(c -> count(c, "SELECT count(*) FROM rdc.items WHERE id = " + id));
                            if (r.value() != 1) {
                                missed.incrementAndGet();
                            }
                            if (r.source().equals("leader")) {
                                fromLeader.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "session-" + s));
            }
            AtomicBoolean counting = new AtomicBoolean(true);
            Thread counter = new Thread(() -> {
                try (Connection c = cluster.leader.connect(null); Statement st = c.createStatement()) {
                    while (counting.get()) {
                        st.executeUpdate("UPDATE rdc.counter SET n = n + 1 WHERE id = 1");
                    }
                } catch (SQLException e) {
                    failure.compareAndSet(null, e);
                }
            }, "counter");
            sessions.forEach(Thread::start);
            counter.start();
            Session reader = router.session();
            long last = -1;
            int backwards = 0;
            double maxPgLag = 0;
            for (int i = 0; i < 600; i++) {
                if (i % 50 == 0) { // lag under load: the follower that is not held back stays close
                    Double pgLag = daemon.reports().stream().filter(r -> r.follower().equals("pg")).findFirst()
                            .orElseThrow().lagSeconds();
                    assertThat(pgLag).as("pg lag under load").isNotNull();
                    maxPgLag = Math.max(maxPgLag, pgLag);
                }
                long n = reader.read(c -> count(c, "SELECT n FROM rdc.counter WHERE id = 1"));
                if (n < last) {
                    backwards++;
                }
                last = Math.max(last, n);
            }
            for (Thread t : sessions) {
                t.join();
            }
            counting.set(false);
            counter.join();
            assertThat(failure.get()).isNull();
            assertThat(missed.get()).as("reads through the client that missed their own write").isZero();
            assertThat(backwards).as("monotonic reads going back").isZero();
            assertThat(maxPgLag).as("lag of the follower that is not held back, under load").isLessThan(5.0);
            assertThat(stalePlain.get()).as("plain reads of the held-back follower right after the write are stale").isPositive();
            System.out.printf("client: %d write->read pairs, none missed; %d plain follower reads were stale; %d reads"
                    + " fell back to the leader%n", SESSIONS * PAIRS, stalePlain.get(), fromLeader.get());

            // a token carried to another process: a fresh router and session there read the write
            Session writer = router.session();
            writer.write(c -> execute(c, "INSERT INTO rdc.items VALUES (9999999, 9)"));
            try (ReadRouter elsewhere = ReadRouter.builder().leader(leader).follower("pg", pg).follower("maria", maria)
                    .waitAtMost(Duration.ofSeconds(5)).whenBehind(Fallback.FAIL).build()) {
                long there = elsewhere.session(writer.token()).read(c -> count(c, "SELECT count(*) FROM rdc.items WHERE id = 9999999"));
                assertThat(there).isOne();
            }

            // acknowledgement by apply, and the fallbacks, with the MariaDB follower held for good
            try (Connection lock = cluster.mariadb.connect(null); Statement s = lock.createStatement()) {
                holding.set(false);
                holder.join();
                s.execute("LOCK TABLES rdc.items READ");
                writer.write(c -> execute(c, "INSERT INTO rdc.items VALUES (9999998, 9)"));
                Ack both = router.awaitReplicated(writer.token(), 2, Duration.ofMillis(500));
                assertThat(both.satisfied()).isFalse();
                assertThat(both.have()).containsExactly("pg");
                assertThat(both.missing()).containsExactly("maria");
                assertThat(router.awaitReplicated(writer.token(), 1, Duration.ofSeconds(5)).satisfied()).isTrue();
                try (ReadRouter onlyMaria = ReadRouter.builder().leader(leader).follower("maria", maria)
                        .waitAtMost(Duration.ofMillis(200)).whenBehind(Fallback.STALE).build()) {
                    Read<Long> stale = onlyMaria.session(writer.token())
                            .readStamped(c -> count(c, "SELECT count(*) FROM rdc.items WHERE id = 9999998"));
                    assertThat(stale.stale()).isTrue();
                    assertThat(stale.value()).isZero();
                    assertThat(stale.source()).isEqualTo("maria");
                }
                try (ReadRouter strict = ReadRouter.builder().leader(leader).follower("maria", maria)
                        .waitAtMost(Duration.ofMillis(200)).whenBehind(Fallback.FAIL).build()) {
                    assertThatThrownBy(() -> strict.session(writer.token()).read(c -> 0)).isInstanceOf(StaleReadException.class)
                            .hasMessageContaining("no follower had");
                }
                Thread.sleep(1200);
                try (ReadRouter bounded = ReadRouter.builder().leader(leader).follower("maria", maria).maxLag(Duration.ofSeconds(1))
                        .waitAtMost(Duration.ofMillis(200)).whenBehind(Fallback.FAIL).build()) {
                    assertThatThrownBy(() -> bounded.session().read(c -> 0)).as("bounded staleness")
                            .isInstanceOf(StaleReadException.class);
                }
                s.execute("UNLOCK TABLES");
            }
            Ack both = router.awaitReplicated(writer.token(), 2, Duration.ofSeconds(10));
            assertThat(both.satisfied()).isTrue();
            assertThat(both.have()).containsExactlyInAnyOrder("pg", "maria");
        }
    }

    /** Holds the MariaDB follower's apply back for 300 ms at a time, with 200 ms between. */
    private static void holdBack(AtomicBoolean holding) {
        try (Connection c = cluster.mariadb.connect(null); Statement s = c.createStatement()) {
            while (holding.get()) {
                s.execute("LOCK TABLES rdc.items READ, rdc.counter READ");
                Thread.sleep(300);
                s.execute("UNLOCK TABLES");
                Thread.sleep(200);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static HikariDataSource pool(DatabaseServer server, String database) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.jdbcUrl(database));
        c.setUsername(server.user());
        c.setPassword(server.password());
        c.setMaximumPoolSize(8);
        return new HikariDataSource(c);
    }
}

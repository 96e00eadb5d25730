package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.daemon.Daemon;
import io.understudy.config.ConfigLoader;
import io.understudy.config.TableFilter;
import io.understudy.config.UnderstudyConfig;
import io.understudy.demo.DemoComparison;
import io.understudy.demo.WriterPool;
import io.understudy.servers.DatabaseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Foreign-key cascades, which a MariaDB leader does not log (only the parent row reaches the binlog, and cascades fire
 * no triggers), reach both follower kinds exactly: every action of {@link CascadeSchema} in both capture modes and with
 * one and four apply threads, checked by checksum after each leader transaction; Sakila's own keys bootstrapped onto
 * empty servers by {@code snapshot} under a load that renumbers customers and deletes rentals; the foreign-key graph
 * following DDL; and kill -9 of the daemon under a cascading load while readers on the followers check that no child
 * ever shows without its parent.
 */
class CascadeIT extends ClusterTest {
    private static final Duration EQUAL = Duration.ofSeconds(60);

    @BeforeEach
    void forgetEarlierRuns() {
        cluster.forgetPositions();
    }

    /** The cluster's configuration with {@code apply-threads} set on both followers. */
    private static String yaml(String mode, List<String> tables, int threads) {
        return cluster.yaml(mode, tables, 0)
                .replace("password: '${PG_PASSWORD}' }", "password: '${PG_PASSWORD}', apply-threads: " + threads + " }")
                .replace("password: '${MARIA_PASSWORD}' }", "password: '${MARIA_PASSWORD}', apply-threads: " + threads + " }");
    }

    private static UnderstudyConfig config(String yaml) throws Exception {
        return new ConfigLoader(cluster.environment()).parse(yaml, "it.yaml");
    }

    /** Runs each step as one leader transaction and compares both followers with the leader after each. */
    private static void runSteps(String schema) throws Exception {
        for (CascadeSchema.Step step : CascadeSchema.steps(schema)) {
            CascadeSchema.run(cluster.leader, schema, step);
            assertEqual(step.what(), schema + ".*");
        }
    }

    private static void assertEqual(String after, String... patterns) throws Exception {
        assertEqual(after, cluster.followers(), patterns);
    }

    private static void assertEqual(String after, List<DatabaseServer> followers, String... patterns) throws Exception {
        TableFilter filter = new TableFilter(List.of(patterns), List.of());
        SoftAssertions softly = new SoftAssertions();
        for (DatabaseServer f : followers) {
            DemoComparison.Result r = DemoComparison.awaitEqual(cluster.leader, f, filter, EQUAL);
            softly.assertThat(r.tables()).as("after '%s': leader vs %s follower", after, f.kind())
                    .isNotEmpty().allMatch(DemoComparison.TableResult::equal);
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "binlog mode, apply-threads {0}")
    @ValueSource(ints = {1, 4})
    void everyCascadingActionReachesBothFollowers(int threads) throws Exception {
        String schema = "cb" + threads;
        cluster.leader.execute(null, CascadeSchema.ddl(schema).toArray(String[]::new));
        cluster.createFollowerTables(schema + ".*");
        try (Daemon daemon = new Daemon(config(yaml("binlog", List.of(schema + ".*"), threads)), Clock.systemUTC())) {
            daemon.start();
            cluster.awaitPositionsStored(Duration.ofSeconds(60));
            runSteps(schema);
        }
    }

    @Test
    void triggerModeReplaysTheCascadesTriggersCannotSee(@TempDir Path dir) throws Exception {
        String schema = "ct";
        cluster.leader.execute(null, CascadeSchema.ddl(schema).toArray(String[]::new));
        cluster.leader.execute(null, "GRANT TRIGGER ON ct.* TO 'understudy'@'%'", "GRANT ALL ON understudy.* TO 'understudy'@'%'",
                "SET GLOBAL log_bin_trust_function_creators = 1");
        cluster.createFollowerTables(schema + ".*");
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, yaml("trigger", List.of(schema + ".*"), 4));
        Path log = dir.resolve("understudy.log");
        assertThat(DaemonProcess.runToEnd(log, cluster.environment(), "triggers", "install", "--config", config.toString()))
                .as("install; log:\n%s", Files.readString(log)).isZero();
        try (Daemon daemon = new Daemon(config(Files.readString(config)), Clock.systemUTC())) {
            daemon.start();
            cluster.awaitPositionsStored(Duration.ofSeconds(60));
            runSteps(schema);
        }
        assertThat(DaemonProcess.runToEnd(log, cluster.environment(), "triggers", "uninstall", "--config", config.toString()))
                .isZero();
    }

    /** Keys added, changed and dropped on the leader while streaming: the followers replay what the leader's keys do now. */
    @Test
    void theForeignKeysFollowDdl() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE cd", "CREATE TABLE cd.parent (id INT PRIMARY KEY)",
                "CREATE TABLE cd.child (id INT PRIMARY KEY, p INT)");
        cluster.createFollowerTables("cd.*");
        try (Daemon daemon = new Daemon(config(yaml("binlog", List.of("cd.*"), 4)), Clock.systemUTC())) {
            daemon.start();
            cluster.awaitPositionsStored(Duration.ofSeconds(60));
            List<String> seed = new ArrayList<>();
            for (int i = 1; i <= 9; i++) {
                seed.add("INSERT INTO cd.parent VALUES (" + i + ")");
                seed.add("INSERT INTO cd.child VALUES (" + (10 * i) + ", " + i + "), (" + (10 * i + 1) + ", " + i + ")");
            }
            cluster.leader.execute(null, seed.toArray(String[]::new));
            cluster.leader.execute(null, "DELETE FROM cd.parent WHERE id = 1"); // no key yet: the children stay
            cluster.leader.execute(null, "UPDATE cd.child SET p = NULL WHERE p = 1");
            cluster.leader.execute(null, "ALTER TABLE cd.child ADD CONSTRAINT child_parent FOREIGN KEY (p) REFERENCES"
                    + " cd.parent (id) ON DELETE CASCADE ON UPDATE CASCADE");
            cluster.leader.execute(null, "DELETE FROM cd.parent WHERE id = 2", "UPDATE cd.parent SET id = 30 WHERE id = 3");
            assertEqual("a cascading key added", "cd.*");
            cluster.leader.execute(null, "ALTER TABLE cd.child DROP FOREIGN KEY child_parent",
                    "ALTER TABLE cd.child ADD CONSTRAINT child_parent_null FOREIGN KEY (p) REFERENCES cd.parent (id)"
                            + " ON DELETE SET NULL ON UPDATE SET NULL");
            cluster.leader.execute(null, "DELETE FROM cd.parent WHERE id = 4", "UPDATE cd.parent SET id = 50 WHERE id = 5");
            assertThat(Cluster.count(cluster.leader, "SELECT count(*) FROM cd.child WHERE p IS NULL")).isEqualTo(6);
            assertEqual("the key changed to SET NULL", "cd.*");
            cluster.leader.execute(null, "ALTER TABLE cd.child DROP FOREIGN KEY child_parent_null");
            cluster.leader.execute(null, "DELETE FROM cd.parent WHERE id = 6");
            assertThat(Cluster.count(cluster.leader, "SELECT count(*) FROM cd.child WHERE p = 6")).isEqualTo(2);
            assertEqual("the key dropped", "cd.*");
        }
    }

    /**
     * Sakila bootstrapped with {@code snapshot} onto servers that have never seen it (the follower URLs name database
     * {@code sakila}, which neither server has), under a load whose customer renumbering and rental deletes only
     * foreign-key cascades finish, then streamed with more cascading statements of Sakila's own keys.
     */
    @Test
    void sakilaOnEmptyServersKeepsEveryCascade(@TempDir Path dir) throws Exception {
        cluster.runScript(cluster.leader, Cluster.SAKILA.resolve("sakila-schema.sql"));
        cluster.runScript(cluster.leader, Cluster.SAKILA.resolve("sakila-data.sql"));
        cluster.leader.execute("sakila", "ALTER TABLE payment MODIFY payment_id INT UNSIGNED NOT NULL AUTO_INCREMENT");
        assertThat(Cluster.count(cluster.mariadb, "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'sakila'")).isZero();
        assertThat(Cluster.count(cluster.postgres, "SELECT count(*) FROM pg_database WHERE datname = 'sakila'")).isZero();
        String yaml = String.join("\n",
                "leader: { kind: mariadb, url: '" + cluster.leaderUrl() + "', user: understudy, password: '${LEADER_PASSWORD}' }",
                "capture: { mode: binlog, tables: [sakila.*] }",
                "followers:",
                "  - { name: pg, kind: postgresql, url: '" + cluster.postgres.jdbcUrl("sakila") + "', user: "
                        + cluster.postgres.user() + ", password: '${PG_PASSWORD}' }",
                "  - { name: maria, kind: mariadb, url: '" + cluster.mariadb.jdbcUrl("sakila") + "', user: "
                        + cluster.mariadb.user() + ", password: '${MARIA_PASSWORD}' }", "");
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, yaml);
        Path log = dir.resolve("understudy.log");
        Map<String, String> env = cluster.environment();
        List<DatabaseServer> followers = List.of(inDatabase(cluster.postgres, "sakila"), cluster.mariadb);
        AtomicLong written = new AtomicLong();
        try (WriterPool writers = WriterPool.start(2, () -> cluster.leader.connect(null), written)) {
            for (String follower : List.of("pg", "maria")) {
                assertThat(DaemonProcess.runToEnd(log, env, "snapshot", "--config", config.toString(), "--follower", follower))
                        .as("snapshot of %s onto an empty server; log:\n%s", follower, Files.readString(log)).isZero();
            }
            DaemonProcess daemon = DaemonProcess.start(log, env, "run", "--config", config.toString());
            try {
                long before = written.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > before + 200);
                writers.close(); // the statements below would deadlock on the leader with the load's own renumbering
                cluster.leader.execute("sakila",
                        "UPDATE language SET language_id = 100 WHERE language_id = 1", // 1,000 films follow
                        "UPDATE store SET store_id = 3 WHERE store_id = 2", // customers, inventory, staff
                        "UPDATE film SET film_id = 5000 WHERE film_id = 7", // film_actor's key, film_category, inventory
                        "UPDATE actor SET actor_id = 500 WHERE actor_id = 3",
                        "UPDATE city SET city_id = 1000 WHERE city_id = 300",
                        "DELETE FROM rental WHERE customer_id = 9"); // payments keep their rows, lose the rental
                assertEqual("snapshot onto empty servers, then streaming", followers, "sakila.*");
                assertThat(daemon.terminate()).isZero();
            } finally {
                daemon.close();
            }
        }
        assertThat(Cluster.count(cluster.leader, "SELECT count(*) FROM sakila.film WHERE language_id = 100")).isEqualTo(1000);
        Path check = dir.resolve("check.log");
        DaemonProcess.runToEnd(check, env, "check", "--config", config.toString());
        assertThat(Files.readString(check)).contains("foreign key cascades")
                .contains("cascading foreign key(s) between replicated tables").contains("replays them")
                .doesNotContain("followers miss them");
    }

    /** A follower user that may not create databases gets the statements to run, and nothing is written. */
    @Test
    void aFollowerUserWithoutCreateGetsTheStatementsAndNothingIsWritten(@TempDir Path dir) throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE cnc", "CREATE TABLE cnc.t (id INT PRIMARY KEY)");
        cluster.mariadb.execute(null, "CREATE USER 'plain'@'%' IDENTIFIED BY 'plain-pw'",
                "CREATE USER 'plain'@'localhost' IDENTIFIED BY 'plain-pw'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO 'plain'@'%'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO 'plain'@'localhost'");
        cluster.postgres.execute(null, "CREATE ROLE plain LOGIN PASSWORD 'plain-pw'");
        String yaml = String.join("\n",
                "leader: { kind: mariadb, url: '" + cluster.leaderUrl() + "', user: understudy, password: '${LEADER_PASSWORD}' }",
                "capture: { mode: binlog, tables: [cnc.*] }",
                "followers:",
                "  - { name: pg, kind: postgresql, url: '" + cluster.postgres.jdbcUrl("shop_pg") + "', user: plain,"
                        + " password: plain-pw }",
                "  - { name: maria, kind: mariadb, url: '" + cluster.mariadb.jdbcUrl("shop") + "', user: plain,"
                        + " password: plain-pw }", "");
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, yaml);
        Path maria = dir.resolve("maria.log");
        assertThat(DaemonProcess.runToEnd(maria, cluster.environment(), "snapshot", "--config", config.toString(),
                "--follower", "maria")).isEqualTo(1);
        assertThat(Files.readString(maria)).contains("may not create them").contains("Nothing was written")
                .contains("CREATE DATABASE `shop`;").contains("CREATE DATABASE `cnc`;")
                .contains("GRANT ALL PRIVILEGES ON `cnc`.* TO 'plain'@");
        assertThat(Cluster.count(cluster.mariadb, "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('shop', 'cnc')"))
                .isZero();
        Path pg = dir.resolve("pg.log");
        assertThat(DaemonProcess.runToEnd(pg, cluster.environment(), "snapshot", "--config", config.toString(),
                "--follower", "pg")).isEqualTo(1);
        assertThat(Files.readString(pg)).contains("does not exist and plain may not create it")
                .contains("CREATE DATABASE \"shop_pg\" OWNER \"plain\";");
        assertThat(Cluster.count(cluster.postgres, "SELECT count(*) FROM pg_database WHERE datname = 'shop_pg'")).isZero();
        Path check = dir.resolve("check.log");
        DaemonProcess.runToEnd(check, cluster.environment(), "check", "--config", config.toString());
        assertThat(Files.readString(check)).contains("database 'shop' does not exist")
                .contains("understudy snapshot --follower maria");
    }

    /**
     * kill -9 of the daemon under a load of inserts, cascading deletes and cascading key changes, with apply-threads 1
     * on the PostgreSQL follower and 4 on the MariaDB one; readers on both followers check all along that no item or
     * option ever shows without its parent (one leader transaction is one follower transaction, cascade included).
     */
    @Test
    void killMinus9UnderACascadingLoad(@TempDir Path dir) throws Exception {
        String s = "cc";
        cluster.leader.execute(null, CascadeSchema.ddl(s).toArray(String[]::new));
        cluster.createFollowerTables(s + ".*");
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, cluster.yaml(List.of(s + ".*"), 0)
                .replace("password: '${PG_PASSWORD}' }", "password: '${PG_PASSWORD}', apply-threads: 1 }"));
        Path log = dir.resolve("daemon.log");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong transactions = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        List<String> orphans = java.util.Collections.synchronizedList(new ArrayList<>());
        DaemonProcess daemon = DaemonProcess.start(log, cluster.environment(), "run", "--config", config.toString());
        cluster.awaitPositionsStored(Duration.ofSeconds(60));
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> cascadingLoad(s, loading, transactions, failure), "load"));
        for (DatabaseServer f : cluster.followers()) {
            threads.add(new Thread(() -> orphanReader(f, s, loading, reads, orphans, failure), "reader-" + f.kind()));
        }
        threads.forEach(Thread::start);
        try {
            Random random = new Random(5);
            for (int crash = 0; crash < 3; crash++) {
                long target = transactions.get() + 150 + random.nextInt(300);
                while (transactions.get() < target && failure.get() == null) {
                    Thread.sleep(5);
                }
                daemon.kill9();
                daemon = DaemonProcess.start(log, cluster.environment(), "run", "--config", config.toString());
            }
            long until = transactions.get() + 200;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // go on until the readers, too, have done their share (a fast load would otherwise end before they do)
            while ((transactions.get() < until || reads.get() <= 100) && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            loading.set(false);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failure.get()).as("load and readers").isNull();
            assertEqual("kill -9 under a cascading load", s + ".*");
            assertThat(daemon.terminate()).as("exit code after SIGTERM").isZero();
        } finally {
            loading.set(false);
            daemon.close();
        }
        assertThat(orphans).as("a follower showed a child without its parent").isEmpty();
        assertThat(reads.get()).as("reads while applying").isGreaterThan(50);
        System.out.printf("cascading load: %d leader transactions, %d reads of the followers, no orphan%n",
                transactions.get(), reads.get());
    }

    private static void cascadingLoad(String s, AtomicBoolean loading, AtomicLong transactions, AtomicReference<Throwable> failure) {
        Random random = new Random(3);
        List<Integer> orders = new ArrayList<>();
        int next = 1;
        try (Connection c = cluster.leader.connect(null); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            while (loading.get()) {
                int kind = random.nextInt(10);
                if (kind < 4 || orders.size() < 20) {
                    int id = next++;
                    st.executeUpdate("INSERT INTO " + s + ".orders VALUES (" + id + ", 'k" + id + "', 'new')");
                    for (int line = 1; line <= 2; line++) {
                        st.executeUpdate("INSERT INTO " + s + ".items VALUES (" + id + ", " + line + ", 1)");
                        st.executeUpdate("INSERT INTO " + s + ".options VALUES (" + (id * 10 + line) + ", " + id + ", "
                                + line + ", 'o')");
                    }
                    orders.add(id);
                } else if (kind < 6) {
                    int id = orders.remove(random.nextInt(orders.size()));
                    st.executeUpdate("INSERT INTO " + s + ".items VALUES (" + id + ", 9, 0)"); // a child right before
                    st.executeUpdate("DELETE FROM " + s + ".orders WHERE id = " + id);
                } else if (kind < 8) {
                    int at = random.nextInt(orders.size());
                    int id = orders.get(at);
                    int to = next++;
                    st.executeUpdate("UPDATE " + s + ".orders SET id = " + to + " WHERE id = " + id);
                    st.executeUpdate("UPDATE " + s + ".items SET qty = qty + 1 WHERE order_id = " + to); // right after
                    orders.set(at, to);
                } else {
                    int id = orders.get(random.nextInt(orders.size()));
                    st.executeUpdate("UPDATE " + s + ".options SET v = 'u" + transactions.get() + "' WHERE order_id = " + id);
                }
                c.commit();
                transactions.incrementAndGet();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    /** Counts, in one statement (one consistent view), items without their order and options without their item. */
    private static void orphanReader(DatabaseServer f, String s, AtomicBoolean loading, AtomicLong reads, List<String> orphans,
                                     AtomicReference<Throwable> failure) {
        String sql = "SELECT (SELECT count(*) FROM " + s + ".items i WHERE NOT EXISTS (SELECT 1 FROM " + s + ".orders o"
                + " WHERE o.id = i.order_id)) + (SELECT count(*) FROM " + s + ".options p WHERE p.order_id IS NOT NULL"
                + " AND NOT EXISTS (SELECT 1 FROM " + s + ".items i WHERE i.order_id = p.order_id AND i.line = p.line))";
        try (Connection c = f.connect(null); Statement st = c.createStatement()) {
            while (loading.get()) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    if (rs.getLong(1) != 0) {
                        orphans.add(f.kind() + ": " + rs.getLong(1) + " orphan(s) at read " + reads.get());
                    }
                }
                reads.incrementAndGet();
                Thread.sleep(20);
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }


    /** The server, with {@code database} as the one {@code connect(null)} opens (PostgreSQL). */
    private static DatabaseServer inDatabase(DatabaseServer server, String database) {
        return new DatabaseServer() {
            @Override
            public String kind() {
                return server.kind();
            }

            @Override
            public String host() {
                return server.host();
            }

            @Override
            public int port() {
                return server.port();
            }

            @Override
            public String user() {
                return server.user();
            }

            @Override
            public String password() {
                return server.password();
            }

            @Override
            public String jdbcUrl(String db) {
                return server.jdbcUrl(db == null ? database : db);
            }

            @Override
            public void stop() {
                server.stop();
            }

            @Override
            public void start() {
                server.start();
            }

            @Override
            public void close() {
                // the cluster closes the server
            }
        };
    }
}

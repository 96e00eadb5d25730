package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.Main;
import io.understudy.cli.VerifyCommand;
import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code understudy verify} against a replicating daemon: equal (exit 0) while a write load runs, because rows
 * that differ only by lag are checked again after the follower catches up; exit 3 naming the keys once
 * differences are planted on the followers.
 */
class VerifyIT extends ClusterTest {

    /** Output and exit code of one in-process run. */
    record Run(int exit, String out) {
    }

    private static Run verify(Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new VerifyCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Run(exit, out + err.toString());
    }

    /** The operator's YAML with the environment's passwords written in (the in-process run sees no extra env). */
    private static Path configFile() throws Exception {
        String yaml = cluster.yaml(List.of("vfy.*"), 0);
        for (Map.Entry<String, String> e : cluster.environment().entrySet()) {
            yaml = yaml.replace("${" + e.getKey() + "}", e.getValue());
        }
        Path file = Files.createTempFile("verify-it", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void equalWhileReplicatingAndPlantedDifferencesAreNamed() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE vfy",
                "CREATE TABLE vfy.t (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, note VARCHAR(40), n INT)",
                "CREATE TABLE vfy.s (code VARCHAR(20) PRIMARY KEY, v INT, note TEXT)");
        cluster.createFollowerTables("vfy.*");
        Path config = configFile();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Daemon daemon = new Daemon(cluster.config(List.of("vfy.*")), Clock.systemUTC())) {
            daemon.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                    .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));
            seed();
            Thread load = new Thread(() -> writeLoad(daemon, loading, failure), "verify-it-load");
            load.start();
            try {
                Run during = verify(config, "--chunk-size", "500");
                assertThat(during.exit()).as(during.out()).isEqualTo(0);
                assertThat(during.out()).contains("vfy.t").contains("vfy.s").contains("equal");
            } finally {
                loading.set(false);
                load.join();
            }
            assertThat(failure.get()).isNull();
            cluster.assertFollowersEqual(Duration.ofSeconds(120), "vfy.*");
            printPositions();

            cluster.postgres.execute(null, "UPDATE vfy.t SET name = 'planted' WHERE id = 7",
                    "UPDATE vfy.s SET note = NULL WHERE code = 'Code-3'");
            cluster.mariadb.execute(null, "DELETE FROM vfy.t WHERE id = 8",
                    "INSERT INTO vfy.t VALUES (100000, 'extra', NULL, 1)");
            long start = System.nanoTime();
            Run planted = verify(config, "--chunk-size", "500", "--max-wait", "20s");
            System.out.printf("verify with planted differences took %.1f s%n%s%n", (System.nanoTime() - start) / 1e9, planted.out());
            assertThat(planted.exit()).as(planted.out()).isEqualTo(VerifyCommand.DIFFERENCES);
            assertThat(planted.out()).contains("pg vfy.t: different values {id=7}")
                    .contains("pg vfy.s: different values {code=Code-3}")
                    .contains("maria vfy.t: missing on follower {id=8}")
                    .contains("maria vfy.t: extra on follower {id=100000}");

            Run json = verify(config, "--follower", "maria", "--table", "vfy.t", "--json", "--max-wait", "0");
            assertThat(json.exit()).isEqualTo(VerifyCommand.DIFFERENCES);
            assertThat(json.out()).contains("\"differences\" : 2").doesNotContain("\"pg\"")
                    .contains("\"kind\" : \"missing_on_follower\"");
            assertThat(verify(config, "--follower", "nobody").exit()).isEqualTo(2);
        }
    }

    private static void seed() throws Exception {
        try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement()) {
            for (int from = 0; from < 3000; from += 500) {
                List<String> rows = new ArrayList<>();
                for (int i = from; i < from + 500; i++) {
                    rows.add("(" + i + ", 'name " + i + "', " + (i % 5 == 0 ? "NULL" : "''") + ", " + i + ")");
                }
                s.execute("INSERT INTO vfy.t VALUES " + String.join(", ", rows));
            }
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                codes.add("('" + (i % 2 == 0 ? "code-" : "Code-") + i + "', " + i + ", 'n" + i + "')");
            }
            s.execute("INSERT INTO vfy.s VALUES " + String.join(", ", codes));
        }
    }

    /** Keeps changing rows, staying within a few hundred transactions of the followers so lag stays bounded. */
    private static void writeLoad(Daemon daemon, AtomicBoolean loading, AtomicReference<Throwable> failure) {
        Random random = new Random(11);
        try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement()) {
            int next = 3000;
            long written = 0;
            while (loading.get()) {
                if (++written % 50 == 0) {
                    long target = written * 4 - 400;
                    await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                            .allMatch(st -> st.transactions() >= target));
                }
                int id = 10 + random.nextInt(2990);
                s.execute("UPDATE vfy.t SET n = n + 1, note = 'u" + id + "' WHERE id = " + id);
                s.execute("INSERT INTO vfy.t VALUES (" + next++ + ", 'new', NULL, 0)");
                s.execute("DELETE FROM vfy.t WHERE id = " + (next - 500 + random.nextInt(400)));
                s.execute("UPDATE vfy.s SET v = v + 1 WHERE code = '" + (id % 2 == 0 ? "code-" : "Code-") + (id % 300) + "'");
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    /** Leader's binlog end next to each follower's stored position once idle (documents what "caught up" means). */
    private static void printPositions() throws Exception {
        try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            System.out.println("leader at " + rs.getString(1) + ":" + rs.getLong(2));
        }
        for (var f : cluster.followers()) {
            try (Connection c = f.connect(null); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT description FROM understudy.applied_position")) {
                rs.next();
                System.out.println(f.kind() + " at " + rs.getString(1));
            }
        }
    }
}

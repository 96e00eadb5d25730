package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.servers.DatabaseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused with a message that names the problem and the fix, and nothing is written. */
class RefusalIT extends ClusterTest {

    @Test
    void invalidYamlAndUnknownKeysExitWithCode2AndLineNumbers(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "leader: { kind: mariadb, url: [unclosed\n");
        Path log = dir.resolve("out.log");
        assertThat(DaemonProcess.runToEnd(log, cluster.environment(), "check", "--config", bad.toString())).isEqualTo(2);
        assertThat(Files.readString(log)).contains("bad.yaml");

        Path unknown = dir.resolve("unknown.yaml");
        Files.writeString(unknown, cluster.yaml(List.of("x.*"), 0).replace("user: understudy", "usr: understudy"));
        Path log2 = dir.resolve("out2.log");
        assertThat(DaemonProcess.runToEnd(log2, cluster.environment(), "run", "--config", unknown.toString())).isEqualTo(2);
        assertThat(Files.readString(log2)).contains("unknown.yaml:1").contains("usr").contains("possible values");
    }

    @Test
    void checkPassesOnAGoodSetupAndNamesTheFixOtherwise(@TempDir Path dir) throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE chk", "CREATE TABLE chk.t (id INT PRIMARY KEY)");
        Path config = dir.resolve("ok.yaml");
        Files.writeString(config, cluster.yaml(List.of("chk.*"), 0));
        Path log = dir.resolve("ok.log");
        assertThat(DaemonProcess.runToEnd(log, cluster.environment(), "check", "--config", config.toString()))
                .as(Files.exists(log) ? Files.readString(log) : "").isZero();
        assertThat(Files.readString(log)).contains("PASS").doesNotContain("FAIL").doesNotContain(Cluster.LEADER_PASSWORD);

        cluster.leader.execute(null, "CREATE TABLE chk.nopk (a INT, b INT)");
        Path log2 = dir.resolve("nopk.log");
        assertThat(DaemonProcess.runToEnd(log2, cluster.environment(), "check", "--config", config.toString())).isEqualTo(1);
        assertThat(Files.readString(log2)).contains("chk.nopk").contains("FAIL");
        cluster.leader.execute(null, "DROP TABLE chk.nopk");

        Path unreachable = dir.resolve("down.yaml");
        Files.writeString(unreachable, cluster.yaml(List.of("chk.*"), 0).replace(":" + cluster.leader.port() + "/", ":1/"));
        Path log3 = dir.resolve("down.log");
        assertThat(DaemonProcess.runToEnd(log3, cluster.environment(), "check", "--config", unreachable.toString())).isEqualTo(1);
        assertThat(Files.readString(log3)).contains("127.0.0.1:1").doesNotContain(Cluster.LEADER_PASSWORD);
    }

    @Test
    void statementBinlogFormatAtStartIsRefusedAndNothingIsWritten() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE stmt1", "CREATE TABLE stmt1.t (id INT PRIMARY KEY, v INT)");
        cluster.createFollowerTables("stmt1.*");
        cluster.leader.execute(null, "SET GLOBAL binlog_format = 'STATEMENT'");
        try (Daemon daemon = new Daemon(cluster.config(List.of("stmt1.*")), Clock.systemUTC())) {
            daemon.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                    .allMatch(s -> s.phase() == FollowerState.Phase.FAILED));
            assertThat(daemon.states()).allSatisfy(s -> assertThat(s.error()).contains("binlog_format").contains("ROW"));
        } finally {
            cluster.leader.execute(null, "SET GLOBAL binlog_format = 'ROW'");
        }
    }

    @Test
    void midStreamRefusalsStopTheFollowerBeforeApplyingAnything() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE mid", "CREATE TABLE mid.t (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE mid.nopk (a INT, b INT)");
        cluster.createFollowerTables("mid.t");
        try (Daemon daemon = new Daemon(cluster.config(List.of("mid.t")), Clock.systemUTC())) {
            daemon.start();
            awaitStreaming(daemon);
            cluster.leader.execute(null, "INSERT INTO mid.t VALUES (1, 1)");
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.states().stream().allMatch(s -> s.transactions() >= 1));
            try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement()) {
                s.execute("SET SESSION binlog_format = 'STATEMENT'");
                s.execute("INSERT INTO mid.t VALUES (2, 2)");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.states().stream()
                    .allMatch(s -> s.phase() == FollowerState.Phase.FAILED));
            assertThat(daemon.states()).allSatisfy(s -> assertThat(s.error()).containsIgnoringCase("statement"));
        }
        for (DatabaseServer f : cluster.followers()) {
            assertThat(count(f, "mid.t")).as("only the row-format insert reached " + f.kind()).isEqualTo(1);
        }
    }

    @Test
    void unsupportedDdlAndTablesWithoutKeysStopTheFollowerWithTheStatementAndPosition() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE ddl", "CREATE TABLE ddl.t (id INT PRIMARY KEY, v INT)");
        cluster.createFollowerTables("ddl.*");
        String skip;
        try (Daemon daemon = new Daemon(cluster.config(List.of("ddl.*")), Clock.systemUTC())) {
            daemon.start();
            awaitStreaming(daemon);
            cluster.leader.execute(null, "INSERT INTO ddl.t VALUES (1, 1)");
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.states().stream().allMatch(s -> s.transactions() >= 1));
            // a CHECK constraint has no PostgreSQL translation (followers check nothing the leader decided); MariaDB
            // takes it as is
            cluster.leader.execute(null, "ALTER TABLE ddl.t ADD CONSTRAINT ck_v CHECK (v >= 0)",
                    "INSERT INTO ddl.t VALUES (2, 2)");
            await().atMost(Duration.ofSeconds(30)).until(() -> pg(daemon).phase() == FollowerState.Phase.FAILED);
            assertThat(pg(daemon).error()).contains("CHECK").contains("--skip-ddl-at").contains("understudy snapshot");
            skip = pg(daemon).error().replaceAll("(?s).*--skip-ddl-at '([^']+)'.*", "$1");
        }
        assertThat(count(cluster.postgres, "ddl.t")).isEqualTo(1);
        // the operator applies what matters by hand (nothing, for a check) and tells Understudy to continue after it
        try (Daemon daemon = new Daemon(cluster.config(List.of("ddl.*")), Clock.systemUTC(), Set.of(skip))) {
            daemon.start();
            cluster.assertFollowersEqual(Duration.ofSeconds(60), "ddl.*");
        }

        cluster.leader.execute(null, "CREATE DATABASE nokey", "CREATE TABLE nokey.t (a INT, b INT)");
        cluster.createFollowerTablesAllowingNoKey("nokey.*");
        try (Daemon daemon = new Daemon(cluster.config(List.of("nokey.*")), Clock.systemUTC())) {
            daemon.start();
            awaitStreaming(daemon);
            cluster.leader.execute(null, "INSERT INTO nokey.t VALUES (1, 1)");
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.states().stream()
                    .allMatch(s -> s.phase() == FollowerState.Phase.FAILED));
            assertThat(daemon.states()).allSatisfy(s -> assertThat(s.error()).contains("nokey.t").contains("primary key"));
        }
        for (DatabaseServer f : cluster.followers()) {
            assertThat(count(f, "nokey.t")).isZero();
        }
    }

    private static FollowerState pg(Daemon daemon) {
        return daemon.states().stream().filter(s -> s.follower().equals("pg")).findFirst().orElseThrow();
    }

    private static void awaitStreaming(Daemon daemon) {
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));
    }

    private static long count(DatabaseServer server, String table) throws Exception {
        try (Connection c = server.connect(null); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package io.understudy.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.config.CaptureConfig;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.Secret;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeaderChecksTest {
    static DatabaseServer leader;

    @BeforeAll
    static void startLeader() {
        leader = Servers.mariadb();
        leader.execute("", "CREATE DATABASE chk", "CREATE TABLE chk.keyed (id INT PRIMARY KEY)", "CREATE TABLE chk.bare (a INT)",
                // 'localhost' too: MariaDB's anonymous ''@'localhost' would win over 'user'@'%'
                "CREATE USER 'weak'@'localhost' IDENTIFIED BY 'weak-pw'", "GRANT SELECT ON other.* TO 'weak'@'localhost'",
                "CREATE USER 'cdc'@'localhost' IDENTIFIED BY 'cdc-pw'",
                "GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'cdc'@'localhost'");
    }

    @AfterAll
    static void stopLeader() {
        leader.close();
    }

    static Map<String, CheckResult> check(String user, String password, CaptureConfig capture) {
        Endpoint endpoint = new Endpoint(DatabaseKind.MARIADB, leader.jdbcUrl(""), user, new Secret(password));
        return LeaderChecks.run(endpoint, capture).stream().collect(Collectors.toMap(CheckResult::name, Function.identity()));
    }

    @Test
    void aWellPreparedLeaderPassesEverything() {
        Map<String, CheckResult> results = check("cdc", "cdc-pw", Capture.config(List.of("chk.*"), List.of("chk.bare"), Map.of()));
        assertThat(results.values()).allMatch(CheckResult::ok, "all ok");
        assertThat(results).containsKeys("reachable", "log_bin", "binlog_format", "binlog_row_image",
                "replication privileges", "select privileges", "tables", "primary keys");
    }

    @Test
    void reportsEachProblemWithAFix() {
        Map<String, CheckResult> results = check("weak", "weak-pw", Capture.config(List.of("chk.*"), List.of(), Map.of()));
        assertThat(results.get("replication privileges").ok()).isFalse();
        assertThat(results.get("replication privileges").fix()).contains("GRANT REPLICATION SLAVE");
        assertThat(results.get("select privileges").detail()).contains("[chk]");
        CheckResult keys = check("cdc", "cdc-pw", Capture.config(List.of("chk.*"), List.of(), Map.of())).get("primary keys");
        assertThat(keys.ok()).isFalse();
        assertThat(keys.detail()).contains("chk.bare").doesNotContain("keyed");
        assertThat(keys.fix()).contains("capture.keys");
        assertThat(check("cdc", "cdc-pw", Capture.config(List.of("nothing.*"), List.of(), Map.of())).get("tables").ok()).isFalse();
    }

    @Test
    void anUnreachableLeaderIsOneFailureNamingHostAndUser() {
        List<CheckResult> results = LeaderChecks.run(new Endpoint(DatabaseKind.MARIADB, leader.jdbcUrl(""), "cdc",
                new Secret("wrong-secret")), Capture.config(List.of("chk.*"), List.of(), Map.of()));
        assertThat(results).hasSize(1);
        assertThat(results.get(0).ok()).isFalse();
        assertThat(results.get(0).detail()).contains(":" + leader.port()).contains("cdc").doesNotContain("wrong-secret");
    }
}

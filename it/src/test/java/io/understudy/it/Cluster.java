package io.understudy.it;

import io.understudy.catalog.FollowerSchema;
import io.understudy.catalog.SqlScript;
import io.understudy.config.ConfigException;
import io.understudy.config.ConfigLoader;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.config.UnderstudyConfig;
import io.understudy.demo.DemoComparison;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real leader (MariaDB with a row binlog) and two real followers (PostgreSQL and MariaDB) for one
 * test class, plus helpers to configure Understudy against them and compare their contents.
 */
final class Cluster implements AutoCloseable {
    static final String LEADER_PASSWORD = "Le4der-S3cret-pw";
    static final Path SAKILA = Path.of(System.getProperty("sakila.dir", "../testdata/sakila"));

    final DatabaseServer leader;
    final DatabaseServer postgres;
    final DatabaseServer mariadb;

    /** A MariaDB leader. */
    Cluster() {
        this(Servers.mariadb());
    }

    /** The given leader (MariaDB or MySQL) with a capture user holding exactly the documented privileges. */
    Cluster(DatabaseServer leader) {
        this.leader = leader;
        postgres = Servers.postgres();
        mariadb = Servers.mariadb();
        if ("postgresql".equals(leader.kind())) {
            // trigger mode's documented privileges: create schema understudy, and membership of the tables' owner role
            leader.execute(null,
                    "CREATE ROLE app_owner NOLOGIN",
                    "CREATE ROLE understudy LOGIN PASSWORD '" + LEADER_PASSWORD + "'",
                    "GRANT CREATE ON DATABASE " + leaderDatabase() + " TO understudy",
                    "GRANT app_owner TO understudy");
            return;
        }
        String binlogPrivilege = "mysql".equals(leader.kind()) ? "REPLICATION CLIENT" : "BINLOG MONITOR";
        leader.execute(null,
                "CREATE USER 'understudy'@'%' IDENTIFIED BY '" + LEADER_PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, " + binlogPrivilege + " ON *.* TO 'understudy'@'%'");
    }

    private String leaderDatabase() {
        String url = leader.jdbcUrl(null);
        String path = url.substring(url.indexOf("//") + 2);
        path = path.substring(path.indexOf('/') + 1);
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    List<DatabaseServer> followers() {
        return List.of(postgres, mariadb);
    }

    /** The YAML an operator would write, with passwords taken from the environment. */
    String yaml(List<String> tables, int httpPort) {
        return yaml("binlog", tables, httpPort);
    }

    /** Like {@link #yaml(List, int)} with the given capture mode ({@code binlog} or {@code trigger}). */
    String yaml(String mode, List<String> tables, int httpPort) {
        return String.join("\n",
                "leader: { kind: " + leader.kind() + ", url: '" + leaderUrl() + "', user: understudy, password: '${LEADER_PASSWORD}' }",
                "capture: { mode: " + mode + ", tables: [" + String.join(", ", tables) + "] }",
                "followers:",
                "  - { name: pg, kind: postgresql, url: '" + postgres.jdbcUrl(null) + "', user: " + postgres.user() + ", password: '${PG_PASSWORD}' }",
                "  - { name: maria, kind: mariadb, url: '" + mariadb.jdbcUrl("mysql") + "', user: " + mariadb.user() + ", password: '${MARIA_PASSWORD}' }",
                httpPort > 0 ? "http: { port: " + httpPort + " }" : "",
                "");
    }

    /** MariaDB/MySQL: no default database; PostgreSQL: the server's database. */
    String leaderUrl() {
        return leader.jdbcUrl("postgresql".equals(leader.kind()) ? null : "");
    }

    Map<String, String> environment() {
        return Map.of("LEADER_PASSWORD", LEADER_PASSWORD, "PG_PASSWORD", postgres.password(),
                "MARIA_PASSWORD", mariadb.password());
    }

    UnderstudyConfig config(List<String> tables) throws ConfigException {
        return new ConfigLoader(environment()).parse(yaml(tables, 0), "it.yaml");
    }

    void runScript(DatabaseServer server, Path file) throws Exception {
        String sql = Files.readString(file, StandardCharsets.UTF_8);
        try (Connection c = server.connect(null); Statement s = c.createStatement()) {
            for (String statement : SqlScript.statements(sql)) {
                s.execute(statement);
            }
        }
    }

    /** Creates the leader's tables that match the patterns on both followers. */
    void createFollowerTables(String... patterns) throws Exception {
        TableFilter filter = new TableFilter(List.of(patterns), List.of());
        for (DatabaseServer f : followers()) {
            try (Connection l = leader.connect(null); Connection fc = f.connect(null)) {
                FollowerSchema.create(l, fc, kind(f), filter);
            }
        }
    }

    /** For the no-key refusal test: plain tables, created by hand as an operator might. */
    void createFollowerTablesAllowingNoKey(String pattern) {
        String schema = pattern.substring(0, pattern.indexOf('.'));
        postgres.execute(null, "CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".t (a INT, b INT)");
        mariadb.execute(null, "CREATE DATABASE " + schema, "CREATE TABLE " + schema + ".t (a INT, b INT)");
    }

    /** Waits until every follower has recorded its start position (the daemon has started on it). */
    void awaitPositionsStored(Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).ignoreExceptions().until(() -> {
            for (DatabaseServer f : followers()) {
                try (Connection c = f.connect(null); Statement s = c.createStatement();
                     java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM understudy.applied_position")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    /**
     * Waits on {@code follower} with {@code understudy.wait_for} (a procedure on MariaDB/MySQL, a function on
     * PostgreSQL) until it has applied {@code token}; false at the timeout.
     */
    static boolean waitFor(DatabaseServer follower, String token, double seconds) throws Exception {
        boolean postgres = "postgresql".equals(follower.kind());
        try (Connection c = follower.connect(null); java.sql.PreparedStatement call = postgres
                ? c.prepareStatement("SELECT understudy.wait_for(?, ?)") : c.prepareCall("CALL understudy.wait_for(?, ?)")) {
            call.setString(1, token);
            call.setDouble(2, seconds);
            try (java.sql.ResultSet rs = call.executeQuery()) {
                rs.next();
                return postgres ? rs.getBoolean(1) : rs.getInt("satisfied") == 1;
            }
        }
    }

    /** Forgets what earlier tests of the class left on the followers: stored positions and snapshot progress. */
    void forgetPositions() {
        for (DatabaseServer f : followers()) {
            for (String table : List.of("understudy.applied_position", "understudy.snapshot_progress")) {
                try {
                    f.execute(null, "DELETE FROM " + table);
                } catch (RuntimeException e) {
                    // not created yet
                }
            }
        }
    }

    /** The single number {@code sql} returns on {@code server} (its default database). */
    static long count(DatabaseServer server, String sql) throws Exception {
        try (Connection c = server.connect(null); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static DatabaseKind kind(DatabaseServer server) {
        return DatabaseKind.valueOf(server.kind().toUpperCase(Locale.ROOT));
    }

    /**
     * Waits until every follower equals the leader on the given tables, by checksum; fails otherwise, after
     * comparing every follower, so a failure shows whether one follower kind or all of them differ.
     */
    void assertFollowersEqual(Duration timeout, String... patterns) throws Exception {
        TableFilter filter = new TableFilter(List.of(patterns), List.of());
        org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
        for (DatabaseServer f : followers()) {
            DemoComparison.Result r = DemoComparison.awaitEqual(leader, f, filter, timeout);
            softly.assertThat(r.tables()).as("tables compared on %s", f.kind()).isNotEmpty();
            softly.assertThat(r.tables()).as("leader vs %s follower", f.kind()).allMatch(DemoComparison.TableResult::equal);
        }
        softly.assertAll();
    }

    @Override
    public void close() {
        for (DatabaseServer s : List.of(leader, postgres, mariadb)) {
            s.close();
        }
    }
}

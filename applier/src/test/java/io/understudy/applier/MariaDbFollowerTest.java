package io.understudy.applier;

import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The follower contract on MariaDB; each test gets its own database {@code shopN} and a fresh
 * {@code understudy} database (the position table is per server).
 */
class MariaDbFollowerTest extends FollowerApplierContract {
    @Override
    protected DatabaseServer launch() {
        return Servers.mariadb();
    }

    @Override
    protected void prepare(int testNumber) {
        schema = "shop" + testNumber;
        server.execute(null, "DROP DATABASE IF EXISTS understudy", "DROP DATABASE IF EXISTS " + schema,
                "CREATE DATABASE " + schema);
        url = server.jdbcUrl(schema);
    }

    @Override
    protected List<String> ddl() {
        return List.of(
                "CREATE TABLE types (id BIGINT PRIMARY KEY, i INT, big BIGINT UNSIGNED, amount DECIMAL(10,2), f FLOAT,"
                        + " dbl DOUBLE, flag BOOLEAN, s VARCHAR(100), txt TEXT, bin BLOB, dt_date DATE,"
                        + " dt_local DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), doc JSON, bits BIT(8), geo GEOMETRY)",
                "CREATE TABLE pair (a INT, b VARCHAR(10), v BIGINT, PRIMARY KEY (a, b))",
                "CREATE TABLE big (id BIGINT PRIMARY KEY, v TEXT)");
    }

    @Override
    protected String probeSql() {
        return "SELECT i, big, amount, f, dbl, flag, s, txt, bin, dt_date, dt_local, UNIX_TIMESTAMP(ts) AS ts_epoch,"
                + " CAST(tm AS CHAR) AS tm, doc, BIN(bits) AS bits, ST_AsBinary(geo) AS geo FROM types WHERE id = ?";
    }

    @Override
    protected List<Map.Entry<String, Object>> unrepresentable() {
        return List.of(Map.entry("s", "x".repeat(101)), Map.entry("tm", Duration.ofHours(900)),
                Map.entry("i", 3_000_000_000L), Map.entry("dbl", Double.NaN), Map.entry("f", Float.NEGATIVE_INFINITY),
                Map.entry("amount", new java.math.BigDecimal("1.234")), // DECIMAL(10,2) would round it
                Map.entry("dt_local", java.time.LocalDateTime.of(-43, 3, 15, 12, 0))); // 44 BC, not 0044
    }

    /** A follower user with the documented grants but no CREATE ROUTINE still replicates; only wait_for is missing. */
    @org.junit.jupiter.api.Test
    void aUserThatMayNotCreateRoutinesStillReplicates() throws Exception {
        String user = "noroutine" + testNumber();
        server.execute(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'", "CREATE USER '" + user + "'@'localhost' IDENTIFIED BY 'pw'",
                "GRANT CREATE, ALTER, SELECT, INSERT, UPDATE, DELETE ON understudy.* TO '" + user + "'@'%'",
                "GRANT CREATE, ALTER, SELECT, INSERT, UPDATE, DELETE ON understudy.* TO '" + user + "'@'localhost'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + schema + ".* TO '" + user + "'@'%'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + schema + ".* TO '" + user + "'@'localhost'");
        io.understudy.config.FollowerConfig restricted = new io.understudy.config.FollowerConfig("r" + testNumber(),
                new io.understudy.config.Endpoint(kind(), url, user, new io.understudy.config.Secret("pw")));
        try (FollowerApplier a = FollowerApplier.open(restricted, java.time.Clock.systemUTC())) {
            a.begin("0-1-1");
            a.changes(bigRows(1, 1));
            a.commit(Changes.tx(1, 1));
            a.endOfBatch();
        }
        org.assertj.core.api.Assertions.assertThat(count("big")).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(strings("SELECT count(*) FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA = 'understudy'")).containsExactly("0");
    }

    /**
     * A follower trigger makes every group lock the same counter row, which write sets cannot see: a later group
     * holding it while it waits for its turn would block the earlier group forever. Lanes release their locks
     * after a while and write again once it is their turn.
     */
    @org.junit.jupiter.api.Test
    void parallelApplyGetsPastLocksItCannotSee() throws Exception {
        exec("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)", "INSERT INTO counter VALUES (1, 0)",
                "CREATE TRIGGER big_count AFTER INSERT ON big FOR EACH ROW UPDATE counter SET n = n + 1 WHERE id = 1");
        io.understudy.model.TransactionHandler h = applier().handler();
        for (long n = 1; n <= 200; n++) {
            h.begin("0-1-" + n);
            h.changes(bigRows((int) n, 1));
            h.commit(Changes.tx(n, 1));
            if (n % 25 == 0) {
                h.endOfBatch();
            }
        }
        h.endOfBatch();
        reopen();
        org.assertj.core.api.Assertions.assertThat(count("big")).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(strings("SELECT n FROM " + schema + ".counter")).containsExactly("200");
    }
}

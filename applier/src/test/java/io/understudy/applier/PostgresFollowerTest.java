package io.understudy.applier;

import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The follower contract on PostgreSQL; each test gets its own database with schema {@code shop}. */
class PostgresFollowerTest extends FollowerApplierContract {
    @Override
    protected DatabaseServer launch() {
        return Servers.postgres();
    }

    @Override
    protected void prepare(int testNumber) {
        String database = "follower" + testNumber;
        server.execute(null, "DROP DATABASE IF EXISTS " + database, "CREATE DATABASE " + database);
        url = server.jdbcUrl(database);
        schema = "shop";
    }

    @Override
    protected List<String> ddl() {
        return List.of("CREATE SCHEMA shop",
                "CREATE TABLE shop.types (id BIGINT PRIMARY KEY, i INT, big NUMERIC(20), amount NUMERIC(10,2), f REAL,"
                        + " dbl DOUBLE PRECISION, flag BOOLEAN, s VARCHAR(100), txt TEXT, bin BYTEA, dt_date DATE,"
                        + " dt_local TIMESTAMP(6), ts TIMESTAMPTZ(6), tm TIME(6), doc JSONB, bits BIT VARYING(16), geo BYTEA)",
                "CREATE TABLE shop.pair (a INT, b VARCHAR(10), v BIGINT, PRIMARY KEY (a, b))",
                "CREATE TABLE shop.big (id BIGINT PRIMARY KEY, v TEXT)");
    }

    @Override
    protected String probeSql() {
        return "SELECT i, big, amount, f, dbl, flag, s, txt, bin, dt_date, dt_local, extract(epoch FROM ts) AS ts_epoch,"
                + " tm::text AS tm, doc::text AS doc, bits::text AS bits, geo FROM shop.types WHERE id = ?";
    }

    @Override
    protected List<Map.Entry<String, Object>> unrepresentable() {
        return List.of(Map.entry("s", "nul\u0000char"), Map.entry("tm", Duration.ofHours(-1)),
                Map.entry("tm", Duration.ofHours(30)), Map.entry("i", 3_000_000_000L), Map.entry("flag", 2L));
    }

    @org.junit.jupiter.api.Test
    void followerTriggersDoNotFire() throws Exception {
        exec("CREATE TABLE shop.audit (id BIGINT)",
                "CREATE FUNCTION shop.audit_fn() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN INSERT INTO shop.audit VALUES (NEW.id); RETURN NEW; END $$",
                "CREATE TRIGGER audit_big AFTER INSERT ON shop.big FOR EACH ROW EXECUTE FUNCTION shop.audit_fn()");
        apply(1, bigRows(0, 5));
        org.assertj.core.api.Assertions.assertThat(count("big")).isEqualTo(5);
        org.assertj.core.api.Assertions.assertThat(count("audit")).isZero();
    }
}

package io.understudy.trigger;

import io.understudy.config.DatabaseKind;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresTriggerCaptureTest extends TriggerCaptureContract {
    private static DatabaseServer server;

    @BeforeAll
    static void start() {
        server = Servers.postgres();
    }

    @AfterAll
    static void shutdown() {
        server.close();
    }

    @org.junit.jupiter.api.Test
    void anApplicationTriggerThatUpdatesTheSameRowIsCapturedAfterTheChangeThatFiredIt() throws Exception {
        try (java.sql.Connection c = connect()) {
            exec(c, "CREATE FUNCTION " + schema + ".stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " UPDATE " + schema + ".t SET txn = 'stamped' WHERE id = NEW.id; RETURN NULL; END $$");
            // "a_stamp" sorts before "understudy_...": the capture trigger still fires first
            exec(c, "CREATE TRIGGER a_stamp AFTER INSERT ON " + schema + ".t FOR EACH ROW EXECUTE FUNCTION " + schema + ".stamp()");
        }
        installer().install(false);
        Recorder recorder = new Recorder();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        run("f1", java.util.Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        try (java.sql.Connection c = connect()) {
            exec(c, "INSERT INTO " + schema + ".t VALUES (1, 'inserted', 1, 1.00)");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> failure.get() != null || recorder.changeCount(io.understudy.model.Op.UPDATE) == 1);
        org.assertj.core.api.Assertions.assertThat(failure.get()).isNull();
        org.assertj.core.api.Assertions.assertThat(sorted(recorder.snapshot())).isEqualTo(sorted(leaderRows()));
        org.assertj.core.api.Assertions.assertThat(recorder.snapshot().get(1L)).containsEntry("txn", "stamped");
    }

    @org.junit.jupiter.api.Test
    void aDeferrableKeyIsRefusedAndPartitionedTablesInstallTwice() throws Exception {
        try (java.sql.Connection c = connect()) {
            exec(c, "CREATE TABLE " + schema + ".ev (id bigint, day date, v text, PRIMARY KEY (id, day)) PARTITION BY RANGE (day)");
            exec(c, "CREATE TABLE " + schema + ".ev_2024 PARTITION OF " + schema + ".ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
            exec(c, "CREATE TABLE " + schema + ".dk (id int PRIMARY KEY DEFERRABLE INITIALLY IMMEDIATE)");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> installer().install(false))
                .hasMessageContaining("table " + schema + ".dk has the DEFERRABLE key");
        try (java.sql.Connection c = connect()) {
            exec(c, "DROP TABLE " + schema + ".dk");
        }
        installer().install(false);
        org.assertj.core.api.Assertions.assertThat(installer().install(false).statements()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(installer().status().healthy()).isTrue();
        Recorder recorder = new Recorder();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        run("f1", java.util.Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        try (java.sql.Connection c = connect()) {
            exec(c, "INSERT INTO " + schema + ".ev VALUES (1, '2024-05-06', 'in a partition')");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> failure.get() != null || recorder.changeCount(io.understudy.model.Op.INSERT) == 1);
        org.assertj.core.api.Assertions.assertThat(recorder.batches).flatExtracting(Recorder.Batch::changes)
                .extracting(ch -> ch.table().table()).containsExactly("ev");
    }

    @org.junit.jupiter.api.Test
    void rowsWrittenAfterDdlAreReadWithTheNextInstallsDefinition() throws Exception {
        installer().install(false);
        Recorder recorder = new Recorder();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        run("f1", java.util.Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        try (java.sql.Connection c = connect()) {
            exec(c, "ALTER TABLE " + schema + ".t ADD COLUMN note text");
            exec(c, "INSERT INTO " + schema + ".t VALUES (1, 'after ddl', 1, 1.00, 'new column')");
        }
        // the image has a column the definition lacks: the source retries (not a follower failure) until install
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> failure.get() != null);
        org.assertj.core.api.Assertions.assertThat(failure.get()).isInstanceOf(io.understudy.model.RetriableException.class)
                .hasMessageContaining("install them again");
        installer().install(false);
        Recorder after = new Recorder();
        failure.set(null);
        run("f1", java.util.Optional.of(new io.understudy.model.TickPosition(consumerTick("f1"), installation())), after, failure);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> failure.get() != null || after.snapshot().size() == 1);
        org.assertj.core.api.Assertions.assertThat(failure.get()).isNull();
        org.assertj.core.api.Assertions.assertThat(after.snapshot().get(1L)).containsEntry("note", "new column");
    }

    @Override
    String unsupportedType() {
        return "interval";
    }

    @Override
    DatabaseServer leader() {
        return server;
    }

    @Override
    DatabaseKind kind() {
        return DatabaseKind.POSTGRESQL;
    }

    @Override
    String url() {
        return server.jdbcUrl(null);
    }

    @Override
    void createSchema(Statement s, String schema) throws SQLException {
        s.execute("CREATE SCHEMA " + schema);
    }

    @Override
    List<String> leaderObjects(Statement s) throws SQLException {
        List<String> all = new java.util.ArrayList<>();
        String user = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'"
                + " AND n.nspname NOT LIKE 'pg_toast_temp%'";
        all.addAll(strings(s, "SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE " + user));
        all.addAll(strings(s, "SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + user));
        all.addAll(strings(s, "SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE a.attnum > 0 AND NOT a.attisdropped AND " + user));
        all.addAll(strings(s, "SELECT 'trigger ' || t.tgname || ' on ' || c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND " + user));
        all.addAll(strings(s, "SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE " + user));
        java.util.Collections.sort(all);
        return all;
    }

    @Override
    void dropUnderstudy(Statement s) throws SQLException {
        s.execute("DROP SCHEMA IF EXISTS understudy CASCADE");
        for (String old : strings(s, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tc%'")) {
            s.execute("DROP SCHEMA " + old + " CASCADE");
        }
    }
}

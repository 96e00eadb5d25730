package io.understudy.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.config.CaptureConfig;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.SchemaChange;
import io.understudy.model.UnsupportedSchemaChangeException;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.Servers;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the binlog source refuses, and what it ignores. */
class RefusalTest {
    static DatabaseServer leader;

    @BeforeAll
    static void startLeader() {
        leader = Servers.mariadb();
    }

    @AfterAll
    static void stopLeader() {
        leader.close();
    }

    static Position now(CaptureConfig config) {
        return new BinlogChangeSource("probe", Capture.endpoint(leader), config, Clock.systemUTC()).currentPosition();
    }

    @Test
    void refusesATableWithoutKeyAndAbortsItsTransaction() throws Exception {
        leader.execute("", "CREATE DATABASE nopk_db", "CREATE TABLE nopk_db.keyed (id INT PRIMARY KEY)",
                "CREATE TABLE nopk_db.bare (a INT, b INT)");
        CaptureConfig config = Capture.config(List.of("nopk_db.*"), List.of(), Map.of());
        Position start = now(config);
        leader.execute("nopk_db", "BEGIN", "INSERT INTO keyed VALUES (1)", "INSERT INTO bare VALUES (1, 2)", "COMMIT");
        try (Capture capture = Capture.start("nopk", leader, config, Optional.of(start))) {
            assertThat(capture.failure()).isInstanceOf(ReplicationException.class)
                    .hasMessageContaining("table nopk_db.bare has no primary key")
                    .hasMessageContaining("capture.keys");
            assertThat(capture.handler.committed).isEmpty();
            assertThat(capture.handler.calls).last().asString().startsWith("abort");
        }
        CaptureConfig withKeys = Capture.config(List.of("nopk_db.*"), List.of(), Map.of(new TableId("nopk_db", "bare"), List.of("a")));
        try (Capture capture = Capture.start("nopk-keys", leader, withKeys, Optional.of(start))) {
            var tx = capture.awaitRows(1).get(0);
            assertThat(tx.changes()).hasSize(2);
            assertThat(tx.changes().get(1).keyColumns()).containsExactly("a");
        }
    }

    @Test
    void refusesALeaderWithStatementBinlog() {
        try (EmbeddedMariaDb statementLeader = EmbeddedMariaDb.launch("--binlog-format=STATEMENT")) {
            CaptureConfig config = Capture.config(List.of("x.*"), List.of(), Map.of());
            BinlogChangeSource source = new BinlogChangeSource("stmt", Capture.endpoint(statementLeader), config, Clock.systemUTC());
            assertThatThrownBy(() -> source.run(Optional.empty(), new RecordingHandler()))
                    .isInstanceOf(ReplicationException.class)
                    .hasMessageContaining(":" + statementLeader.port() + " has binlog_format=STATEMENT; Understudy needs ROW");
        }
    }

    @Test
    void detectsRowsWrittenAsStatementsMidStream() throws Exception {
        leader.execute("", "CREATE DATABASE stmt_db", "CREATE TABLE stmt_db.t (id INT PRIMARY KEY)");
        CaptureConfig config = Capture.config(List.of("stmt_db.*"), List.of(), Map.of());
        Position start = now(config);
        leader.execute("stmt_db", "INSERT INTO t VALUES (1)");
        try (Connection c = leader.connect("stmt_db"); Statement s = c.createStatement()) {
            s.execute("SET SESSION binlog_format = 'STATEMENT'");
            s.execute("BEGIN");
            s.execute("INSERT INTO t VALUES (2)");
            s.execute("COMMIT");
        }
        leader.execute("stmt_db", "INSERT INTO t VALUES (3)");
        try (Capture capture = Capture.start("stmt-mid", leader, config, Optional.of(start))) {
            assertThat(capture.failure()).isInstanceOf(ReplicationException.class)
                    .hasMessageContaining("binlog_format=STATEMENT")
                    .hasMessageContaining("INSERT INTO t VALUES (2)")
                    .hasMessageContaining("re-snapshot");
            assertThat(capture.handler.withRows()).hasSize(1);
        }
    }

    @Test
    void deliversDdlBetweenTransactionsWithTheNewStructureAndResumesAfterARefusal() throws Exception {
        leader.execute("", "CREATE DATABASE ddl_db", "CREATE TABLE ddl_db.t (id INT PRIMARY KEY)");
        CaptureConfig config = Capture.config(List.of("ddl_db.*"), List.of(), Map.of());
        UnsupportedSchemaChangeException refused;
        try (Capture capture = Capture.start("ddl", leader, config, Optional.of(now(config)))) {
            leader.execute("ddl_db", "INSERT INTO t VALUES (1)");
            capture.awaitRows(1); // the engine streams: the DDL below is not part of its start-up schema
            leader.execute("ddl_db", "ALTER TABLE t ADD COLUMN v BIGINT UNSIGNED NOT NULL DEFAULT 3", "INSERT INTO t VALUES (2, 2)");
            Throwable failure = capture.failure(); // RecordingHandler keeps the default: it refuses DDL
            assertThat(failure).isInstanceOf(UnsupportedSchemaChangeException.class)
                    .hasMessageContaining("ALTER TABLE t ADD COLUMN v").hasMessageContaining("--skip-ddl-at");
            assertThat(capture.handler.withRows()).hasSize(1);
            refused = (UnsupportedSchemaChangeException) failure;
            SchemaChange change = capture.handler.schemaChanges.get(0);
            assertThat(change.database()).isEqualTo("ddl_db");
            assertThat(change.tables()).singleElement().satisfies(t -> {
                assertThat(t.kind()).isEqualTo(SchemaChange.Kind.ALTER);
                assertThat(t.primaryKey()).containsExactly("id");
                assertThat(t.columns()).extracting(SchemaChange.ColumnSpec::name).containsExactly("id", "v");
                assertThat(t.columns().get(1).typeName()).isEqualTo("BIGINT UNSIGNED");
                assertThat(t.columns().get(1).nullable()).isFalse();
                assertThat(t.columns().get(1).defaultValue()).isEqualTo("3");
            });
        }
        try (Capture capture = Capture.start("ddl-after", leader, config, Optional.of(refused.resumeAfterDdl()))) {
            var tx = capture.awaitRows(1).get(0);
            assertThat(tx.changes().get(0).after().asMap()).isEqualTo(Map.of("id", 2L, "v", java.math.BigInteger.TWO));
        }
    }

    @Test
    void ignoresExcludedTables() throws Exception {
        leader.execute("", "CREATE DATABASE excl_db", "CREATE TABLE excl_db.kept (id INT PRIMARY KEY)",
                "CREATE TABLE excl_db.skipped (a INT)");
        CaptureConfig config = Capture.config(List.of("excl_db.*"), List.of("excl_db.skip*"), Map.of());
        Position start = now(config);
        leader.execute("excl_db", "INSERT INTO skipped VALUES (1)", "BEGIN", "INSERT INTO skipped VALUES (2)",
                "INSERT INTO kept VALUES (1)", "COMMIT", "ALTER TABLE skipped ADD COLUMN b INT", "INSERT INTO kept VALUES (2)");
        try (Capture capture = Capture.start("excl", leader, config, Optional.of(start))) {
            var txs = capture.awaitRows(2);
            assertThat(txs).flatExtracting(RecordingHandler.Committed::changes)
                    .allMatch(c -> c.table().table().equals("kept")).hasSize(2);
        }
    }
}

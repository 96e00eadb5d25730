package io.understudy.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.config.CaptureConfig;
import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import io.understudy.model.Op;
import io.understudy.model.Position;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BinlogChangeSourceTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static DatabaseServer leader;

    @BeforeAll
    static void startLeader() {
        leader = Servers.mariadb();
    }

    @AfterAll
    static void stopLeader() {
        leader.close();
    }

    static CaptureConfig schema(String schema) {
        return Capture.config(List.of(schema + ".*"), List.of(), Map.of());
    }

    static Position now(CaptureConfig config) {
        return new BinlogChangeSource("probe", Capture.endpoint(leader), config, java.time.Clock.systemUTC()).currentPosition();
    }

    @Test
    void deliversWholeTransactionsInCommitOrderWithExactValues() throws Exception {
        leader.execute("", "CREATE DATABASE types_db",
                "CREATE TABLE types_db.t (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, bi BIGINT, ubi BIGINT UNSIGNED,"
                        + " b1 TINYINT(1), dec1 DECIMAL(30,10), dec0 DECIMAL(20,0), f FLOAT, d DOUBLE, vc VARCHAR(50), bl BLOB, dt DATE,"
                        + " tm TIME(6), dtm DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL, yr YEAR, en ENUM('a','b'), st SET('x','y','z'),"
                        + " bit1 BIT(1), bit5 BIT(5), js JSON, geo GEOMETRY, n INT NULL)",
                "CREATE TABLE types_db.other (id INT PRIMARY KEY, v INT)",
                "INSERT INTO types_db.other VALUES (1, 1), (2, 2)");
        CaptureConfig config = schema("types_db");
        Position start = now(config);
        try (Capture capture = Capture.start("types", leader, config, Optional.of(start))) {
            leader.execute("types_db", "SET time_zone = '+00:00'", "BEGIN",
                    "INSERT INTO t VALUES (1, -128, -32768, -8388608, -9223372036854775808, 18446744073709551615, 1,"
                            + " '12345678901234567890.0123456789', 99999999999999999999, 1.5, 2.25, 'héllo 😀', X'00FF10', '2024-02-29',"
                            + " '-838:59:59.000000', '2024-01-02 03:04:05.123456', '1999-12-31 23:59:59', '2024-01-02 03:04:05.654321', 2024, 'b', 'x,z',"
                            + " b'1', b'10110', '{\"a\": [1, 2]}', ST_GeomFromText('POINT(1 2)'), NULL)",
                    "INSERT INTO t (id, dt, dtm) VALUES (2, '0001-01-01', '0069-05-06 07:08:09')",
                    "COMMIT");
            leader.execute("types_db", "BEGIN", "UPDATE t SET vc = 'x', tm = '25:00:00.5' WHERE id = 1", "DELETE FROM t WHERE id = 2",
                    "UPDATE other SET id = 3 WHERE id = 2", "COMMIT");
            leader.execute("types_db", "TRUNCATE TABLE other");
            List<RecordingHandler.Committed> txs = capture.awaitRows(3);
            assertThat(txs.get(0).changes()).extracting(RowChange::op).containsExactly(Op.INSERT, Op.INSERT);
            assertThat(txs.get(0).transaction().changes()).isEqualTo(2);
            Row row = txs.get(0).changes().get(0).after();
            assertThat(txs.get(0).changes().get(0).keyColumns()).containsExactly("id");
            Map<String, Object> v = row.asMap();
            assertThat(v.get("id")).isEqualTo(1L);
            assertThat(v.get("ti")).isEqualTo(-128L);
            assertThat(v.get("si")).isEqualTo(-32768L);
            assertThat(v.get("mi")).isEqualTo(-8388608L);
            assertThat(v.get("bi")).isEqualTo(Long.MIN_VALUE);
            assertThat(v.get("ubi")).isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(v.get("b1")).isEqualTo(1L);
            assertThat(v.get("dec1")).isEqualTo(new BigDecimal("12345678901234567890.0123456789"));
            assertThat(v.get("dec0")).isEqualTo(new BigDecimal("99999999999999999999"));
            assertThat(((Number) v.get("f")).doubleValue()).isEqualTo(1.5);
            assertThat(v.get("d")).isEqualTo(2.25);
            assertThat(v.get("vc")).isEqualTo("héllo 😀");
            assertThat((byte[]) v.get("bl")).containsExactly(0, -1, 16);
            assertThat(v.get("dt")).isEqualTo(LocalDate.of(2024, 2, 29));
            assertThat(v.get("tm")).isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
            assertThat(v.get("dtm")).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123456000));
            assertThat(v.get("dt0")).isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59));
            assertThat(v.get("ts")).isEqualTo(Instant.parse("2024-01-02T03:04:05.654321Z"));
            assertThat(v.get("yr")).isEqualTo(2024L);
            assertThat(v.get("en")).isEqualTo("b");
            assertThat(v.get("st")).isEqualTo("x,z");
            assertThat(v.get("bit1")).isEqualTo(true);
            assertThat(v.get("bit5")).isEqualTo(new Bits("10110"));
            // MariaDB JSON is LONGTEXT with a json_valid check: Debezium sends it as a plain string
            assertThat(v.get("js")).isEqualTo("{\"a\": [1, 2]}");
            assertThat(((Geometry) v.get("geo")).srid()).isZero();
            assertThat(((Geometry) v.get("geo")).wkb()).hasSize(21);
            assertThat(v.get("n")).isNull();
            assertThat(txs.get(0).changes().get(1).after().get("vc")).isNull();
            // years below 100 stay as written (Debezium's two-digit-year adjuster would make them 2001 and 2069)
            assertThat(txs.get(0).changes().get(1).after().get("dt")).isEqualTo(LocalDate.of(1, 1, 1));
            assertThat(txs.get(0).changes().get(1).after().get("dtm")).isEqualTo(LocalDateTime.of(69, 5, 6, 7, 8, 9));

            List<RowChange> second = txs.get(1).changes();
            // the key change is one UPDATE again (Debezium splits it into a delete and an insert)
            assertThat(second).extracting(RowChange::op).containsExactly(Op.UPDATE, Op.DELETE, Op.UPDATE);
            assertThat(second.get(0).before().get("vc")).isEqualTo("héllo 😀");
            assertThat(second.get(0).after().get("vc")).isEqualTo("x");
            assertThat(second.get(0).after().get("tm")).isEqualTo(Duration.ofHours(25).plusMillis(500));
            assertThat(second.get(1).before().get("id")).isEqualTo(2L);
            assertThat(second.get(2).before().asMap()).isEqualTo(Map.of("id", 2L, "v", 2L));
            assertThat(second.get(2).after().asMap()).isEqualTo(Map.of("id", 3L, "v", 2L));
            assertThat(second.get(2).changesKey()).isTrue();

            assertThat(txs.get(2).changes()).containsExactly(RowChange.truncate(new io.understudy.model.TableId("types_db", "other")));
            assertThat(capture.handler.calls).noneMatch(c -> c.startsWith("abort"));
        }
    }

    /**
     * Key changes arrive as the leader made them: an UPDATE (Debezium's delete + insert joined again), row by row in
     * statement order; a REPLACE of a referenced parent really is a delete and an insert (InnoDB's cascade acts on the
     * delete), while INSERT ... ON DUPLICATE KEY UPDATE changing the key is an update.
     */
    @Test
    void keyChangesArriveAsUpdatesInStatementOrder() throws Exception {
        leader.execute("", "CREATE DATABASE keys_db", "CREATE TABLE keys_db.p (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE keys_db.c (id INT PRIMARY KEY, p INT,"
                        + " FOREIGN KEY (p) REFERENCES keys_db.p (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "INSERT INTO keys_db.p VALUES (1, 1), (2, 2), (3, 3)", "INSERT INTO keys_db.c VALUES (10, 1)");
        CaptureConfig config = schema("keys_db");
        Position start = now(config);
        try (Capture capture = Capture.start("keys", leader, config, Optional.of(start))) {
            leader.execute("keys_db", "UPDATE p SET id = id + 10 ORDER BY id DESC");
            leader.execute("keys_db", "REPLACE INTO p VALUES (11, 111)");
            leader.execute("keys_db", "INSERT INTO p VALUES (12, 0) ON DUPLICATE KEY UPDATE id = 22");
            List<RecordingHandler.Committed> txs = capture.awaitRows(3);
            assertThat(txs.get(0).changes()).extracting(RowChange::op).containsExactly(Op.UPDATE, Op.UPDATE, Op.UPDATE);
            assertThat(txs.get(0).changes()).extracting(c -> c.before().get("id") + ">" + c.after().get("id"))
                    .containsExactly("3>13", "2>12", "1>11");
            assertThat(txs.get(1).changes()).extracting(RowChange::op).containsExactly(Op.DELETE, Op.INSERT);
            assertThat(txs.get(2).changes()).singleElement().satisfies(c -> {
                assertThat(c.op()).isEqualTo(Op.UPDATE);
                assertThat(c.after().get("id")).isEqualTo(22L);
            });
        }
    }

    @Test
    void resumesExactlyAfterAStoredPosition() throws Exception {
        leader.execute("", "CREATE DATABASE resume_db", "CREATE TABLE resume_db.t (id INT PRIMARY KEY, v VARCHAR(10))",
                "CREATE TABLE resume_db.u (id INT PRIMARY KEY)");
        CaptureConfig config = schema("resume_db");
        Position start = now(config);
        for (int i = 1; i <= 4; i++) {
            leader.execute("resume_db", "INSERT INTO t VALUES (" + i + ", 'v" + i + "')");
        }
        leader.execute("resume_db", "TRUNCATE TABLE u", "INSERT INTO t VALUES (6, 'v6')");
        Position afterSecond;
        Position afterTruncate;
        try (Capture first = Capture.start("resume-1", leader, config, Optional.of(start))) {
            List<RecordingHandler.Committed> txs = first.awaitRows(6);
            assertThat(txs).extracting(c -> c.changes().get(0).op()).containsExactly(Op.INSERT, Op.INSERT, Op.INSERT, Op.INSERT, Op.TRUNCATE, Op.INSERT);
            afterSecond = txs.get(1).transaction().position();
            afterTruncate = txs.get(4).transaction().position();
        }
        Position decoded = BinlogChangeSource.decode(afterSecond.encode());
        assertThat(decoded).isEqualTo(afterSecond);
        leader.execute("resume_db", "INSERT INTO t VALUES (5, 'v5')");
        try (Capture second = Capture.start("resume-2", leader, config, Optional.of(decoded))) {
            List<RecordingHandler.Committed> txs = second.awaitRows(5);
            assertThat(txs).extracting(c -> c.changes().get(0).op()).containsExactly(Op.INSERT, Op.INSERT, Op.TRUNCATE, Op.INSERT, Op.INSERT);
        }
        try (Capture third = Capture.start("resume-3", leader, config, Optional.of(afterTruncate))) {
            List<RecordingHandler.Committed> txs = third.awaitRows(2);
            assertThat(txs).extracting(c -> c.changes().get(0).after().get("id")).containsExactly(6L, 5L);
        }
    }

    @Test
    void closeStopsRunAndAbortsNothingCommitted() throws Exception {
        leader.execute("", "CREATE DATABASE close_db", "CREATE TABLE close_db.t (id INT PRIMARY KEY)");
        CaptureConfig config = schema("close_db");
        Capture capture = Capture.start("close", leader, config, Optional.empty());
        // run() starts at the leader's current position, so keep writing until one arrives
        int[] next = {0};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            leader.execute("close_db", "INSERT INTO t VALUES (" + ++next[0] + ")");
            return !capture.handler.withRows().isEmpty();
        });
        capture.source.close();
        capture.ended.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(capture.ended).isCompleted();
    }

    @Test
    void interruptStopsRunWithInterruptedException() throws Exception {
        leader.execute("", "CREATE DATABASE intr_db", "CREATE TABLE intr_db.t (id INT PRIMARY KEY)");
        CaptureConfig config = schema("intr_db");
        RecordingHandler handler = new RecordingHandler();
        Position start = now(config);
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        BinlogChangeSource source = new BinlogChangeSource("intr", Capture.endpoint(leader), config, java.time.Clock.systemUTC());
        Thread thread = new Thread(() -> {
            try {
                source.run(Optional.of(start), handler);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        thread.start();
        leader.execute("intr_db", "INSERT INTO t VALUES (1)");
        await().atMost(WAIT).until(() -> outcome.isDone() || handler.withRows().size() == 1);
        assertThat(handler.withRows()).hasSize(1);
        thread.interrupt();
        assertThat(outcome.get(60, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }
}

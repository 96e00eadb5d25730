package io.understudy.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.Secret;
import io.understudy.model.Bits;
import io.understudy.model.Json;
import io.understudy.model.ReplicationException;
import io.understudy.model.Row;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Snapshot chunks through COPY: the text encoding, and that COPY stores exactly what the applier's upsert stores. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresCopyTest {
    private static final TableId TYPES = new TableId("shop", "types");
    private static final List<String> ID = List.of("id");
    private DatabaseServer server;
    private int databases;

    @BeforeAll
    void start() {
        server = Servers.postgres();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static String copy(Object value, String type) {
        StringBuilder out = new StringBuilder();
        assertThat(PostgresValues.appendCopy(out, value, new FollowerColumn("c", Types.OTHER, type, 16))).isTrue();
        return out.toString();
    }

    @Test
    void encodesTrickyValuesInCopyTextFormat() {
        assertThat(copy("a\tb\nc\rd\\e", "text")).isEqualTo("a\\tb\\nc\\rd\\\\e");
        assertThat(copy(null, "text")).isEqualTo("\\N");
        assertThat(copy("", "text")).isEmpty();
        assertThat(copy("\\N", "varchar")).isEqualTo("\\\\N");
        assertThat(copy("emoji 😀 é", "text")).isEqualTo("emoji 😀 é");
        assertThat(copy(new byte[] {0, 1, (byte) 0xab, (byte) 0xff}, "bytea")).isEqualTo("\\\\x0001abff");
        assertThat(copy(new byte[0], "bytea")).isEqualTo("\\\\x");
        assertThat(copy(true, "bool")).isEqualTo("t");
        assertThat(copy(0L, "bool")).isEqualTo("f");
        assertThat(copy(Instant.parse("2024-01-02T03:04:05.000001Z"), "timestamptz"))
                .isEqualTo("2024-01-02 03:04:05.000001000+00");
        assertThat(copy(LocalDateTime.of(2024, 1, 2, 3, 4), "timestamp")).isEqualTo("2024-01-02 03:04:00");
        assertThat(copy(LocalDate.of(0, 1, 1), "date")).isEqualTo("0001-01-01 BC");
        assertThat(copy(Duration.ofHours(-30).minusMillis(5), "interval")).isEqualTo("-30:00:00.005000");
        assertThat(copy(Duration.ofSeconds(3661), "time")).isEqualTo("01:01:01");
        assertThat(copy(Duration.ofDays(1), "time")).as("a PostgreSQL leader's time may be 24:00").isEqualTo("24:00:00");
        assertThat(copy(new Json("{\"a\": \"x\\ty\"}"), "jsonb")).isEqualTo("{\"a\": \"x\\\\ty\"}");
        assertThat(copy(new Bits("0101"), "varbit")).isEqualTo("0101");
        assertThat(copy(new BigDecimal("1E+3"), "numeric")).isEqualTo("1000");
        assertThat(copy(1.1f, "float4")).isEqualTo("1.1");
        assertThat(copy(Double.NaN, "float8")).isEqualTo("NaN");
        assertThat(copy("small", "my_enum")).isEqualTo("small");
        assertThat(PostgresValues.appendCopy(new StringBuilder(), 5L, new FollowerColumn("c", Types.OTHER, "money", 0)))
                .as("a value only the driver knows how to bind").isFalse();
    }

    @Test
    void copyStoresWhatTheUpsertStores() throws SQLException {
        String url = freshDatabase();
        List<Row> copied = new ArrayList<>();
        List<Row> upserted = new ArrayList<>();
        for (long id = 1; id <= 4; id++) {
            copied.add(tricky(id));
            upserted.add(tricky(100 + id));
        }
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            w.insertChunk(TYPES, ID, copied, progress("4"));
            w.writeChunk(TYPES, ID, upserted, progress("104"));
            assertThat(w.progress()).singleElement().extracting(SnapshotProgress::lastKey).isEqualTo("104");
        }
        List<String> viaCopy = rows(url, "id < 100");
        assertThat(viaCopy).hasSize(4).isEqualTo(rows(url, "id > 100"));
        assertThat(viaCopy.get(0)).contains("tab\there").contains("😀").contains("back\\\\slash");
        assertThat(viaCopy.get(1)).as("NULL stays NULL, empty text stays empty").isEqualTo("(,,,,,,\"\",\"\",,,,,,,,)");
    }

    @Test
    void unrepresentableValuesFailLikeTheApplierAndCommitNothing() {
        String url = freshDatabase();
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            for (Map.Entry<String, Object> bad : List.<Map.Entry<String, Object>>of(Map.entry("s", "nul\u0000char"),
                    Map.entry("tm", Duration.ofHours(30)), Map.entry("i", 3_000_000_000L), Map.entry("flag", 2L))) {
                Map<String, Object> values = TypesRow.nulls(7);
                values.put(bad.getKey(), bad.getValue());
                List<Row> rows = List.of(Row.of(TypesRow.nulls(6)), Row.of(values));
                Throwable viaCopy = catchThrowable(() -> w.insertChunk(TYPES, ID, rows, progress("7")));
                Throwable viaUpsert = catchThrowable(() -> w.writeChunk(TYPES, ID, rows, progress("7")));
                assertThat(viaCopy).isInstanceOf(ReplicationException.class).hasMessageContaining(bad.getKey())
                        .hasMessage(viaUpsert.getMessage());
            }
            assertThat(w.progress()).isEmpty();
        }
        assertThat(rows(url, "true")).isEmpty();
    }

    @Test
    void aRowThatExistsFailsTheCopyInsteadOfBeingOverwritten() {
        String url = freshDatabase();
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            w.insertChunk(TYPES, ID, List.of(Row.of(TypesRow.nulls(1))), progress("1"));
            assertThat(catchThrowable(() -> w.insertChunk(TYPES, ID, List.of(tricky(1)), progress("2"))))
                    .isInstanceOf(ReplicationException.class).hasMessageContaining("shop.types")
                    .hasMessageContaining("duplicate key");
            assertThat(w.progress()).singleElement().extracting(SnapshotProgress::lastKey).isEqualTo("1");
        }
    }

    /** Odd ids: the sample with awkward text; even ids: all NULL except empty strings. */
    private static Row tricky(long id) {
        Map<String, Object> m = id % 2 == 1 ? TypesRow.sample(id) : TypesRow.nulls(id);
        if (id % 2 == 1) {
            m.put("s", "tab\there, new\nline, cr\r, back\\slash, \\N, 😀");
            m.put("txt", "\\.");
            m.put("doc", new Json("{\"k\": \"line\\nbreak \\\\ \\u00e9\"}"));
        } else {
            m.put("s", "");
            m.put("txt", "");
        }
        return Row.of(m);
    }

    private static SnapshotProgress progress(String lastKey) {
        return new SnapshotProgress(TYPES, "{}", "test", lastKey, "[]", 1, false);
    }

    private FollowerConfig follower(String url) {
        return new FollowerConfig("copy" + databases,
                new Endpoint(DatabaseKind.POSTGRESQL, url, server.user(), new Secret(server.password())));
    }

    private String freshDatabase() {
        String database = "copy" + ++databases;
        server.execute(null, "DROP DATABASE IF EXISTS " + database, "CREATE DATABASE " + database);
        String url = server.jdbcUrl(database);
        exec(url, "CREATE SCHEMA shop",
                "CREATE TABLE shop.types (id BIGINT PRIMARY KEY, i INT, big NUMERIC(20), amount NUMERIC(10,2), f REAL,"
                        + " dbl DOUBLE PRECISION, flag BOOLEAN, s VARCHAR(100), txt TEXT, bin BYTEA, dt_date DATE,"
                        + " dt_local TIMESTAMP(6), ts TIMESTAMPTZ(6), tm TIME(6), doc JSONB, bits BIT VARYING(16), geo BYTEA)");
        return url;
    }

    /** Each row as text without its id, ordered by id. */
    private List<String> rows(String url, String where) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (i, big, amount, f, dbl, flag, s, txt, bin, dt_date, dt_local, ts, tm,"
                     + " doc, bits, geo)::text FROM shop.types WHERE " + where + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    private void exec(String url, String... statements) {
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}

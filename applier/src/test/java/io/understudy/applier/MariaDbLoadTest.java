package io.understudy.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.Secret;
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
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Snapshot chunks into MariaDB through LOAD DATA LOCAL: the text encoding, that it stores exactly what the applier's
 * bound INSERT stores, and that it stays strict although LOCAL turns refusals into warnings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbLoadTest {
    private static final TableId TYPES = new TableId("loaded", "types");
    private static final List<String> ID = List.of("id");
    private DatabaseServer server;
    private int databases;

    @BeforeAll
    void start() {
        server = Servers.mariadb();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static String text(Object value, String type) {
        FollowerColumn c = new FollowerColumn("c", Types.OTHER, type, 16, 2);
        StringBuilder out = new StringBuilder();
        assertThat(MariaDbLoad.append(out, value, c, MariaDbLoad.form(c))).isTrue();
        return out.toString();
    }

    @Test
    void encodesTrickyValuesInLoadDataTextFormat() {
        assertThat(text("a\tb\nc\rd\\e\0f", "varchar")).isEqualTo("a\\tb\\nc\\rd\\\\e\\0f");
        assertThat(text(null, "text")).isEqualTo("\\N");
        assertThat(text("", "text")).isEmpty();
        assertThat(text("\\N", "varchar")).isEqualTo("\\\\N");
        assertThat(text(new byte[] {0, 1, (byte) 0xab, (byte) 0xff}, "blob")).isEqualTo("0001ABFF");
        assertThat(text(new byte[0], "varbinary")).isEmpty();
        assertThat(text(true, "bit")).isEqualTo("1");
        assertThat(text(new io.understudy.model.Bits("100000001"), "bit")).isEqualTo("257");
        assertThat(text(true, "tinyint")).isEqualTo("1");
        assertThat(text(Instant.parse("2024-01-02T03:04:05.000001Z"), "timestamp")).isEqualTo("2024-01-02 03:04:05.000001");
        assertThat(text(LocalDateTime.of(2024, 1, 2, 3, 4), "datetime")).isEqualTo("2024-01-02 03:04:00");
        assertThat(text(Duration.ofHours(-30).minusMillis(5), "time")).isEqualTo("-30:00:00.005000");
        assertThat(text(new BigDecimal("1E+3"), "decimal")).isEqualTo("1000");
        assertThat(text(1.1f, "float")).as("the float's exact value").isEqualTo(Double.toString(1.1f));
        assertThat(text(null, "geometry")).as("WKB and SRID").isEqualTo("\\N\t\\N");
        assertThat(MariaDbLoad.append(new StringBuilder(), java.util.UUID.randomUUID(),
                new FollowerColumn("c", Types.OTHER, "varchar", 36), MariaDbLoad.Form.PLAIN))
                .as("a value only the driver knows how to bind").isFalse();
    }

    @Test
    void loadStoresWhatTheBoundInsertStores() throws SQLException {
        String url = freshDatabase();
        List<Row> loaded = new ArrayList<>();
        List<Row> inserted = new ArrayList<>();
        for (long id = 1; id <= 4; id++) {
            loaded.add(tricky(id));
            inserted.add(tricky(100 + id));
        }
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            w.insertChunk(TYPES, ID, loaded, progress("4"));
            w.writeChunk(TYPES, ID, inserted, progress("104"));
            assertThat(w.progress()).singleElement().extracting(SnapshotProgress::lastKey).isEqualTo("104");
        }
        List<String> viaLoad = rows(url, "id < 100");
        assertThat(viaLoad).hasSize(4).isEqualTo(rows(url, "id > 100"));
        assertThat(viaLoad.get(0)).contains("tab\there").contains("😀").contains("back\\slash").contains("010203FF");
        assertThat(viaLoad.get(1)).as("NULL stays NULL, empty text stays empty")
                .isEqualTo("NULL|NULL|NULL|NULL|NULL|NULL||NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL");
        TypesRow sample;
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            try (ResultSet rs = s.executeQuery("SELECT *, UNIX_TIMESTAMP(ts) AS ts_epoch, ST_AsBinary(geo) AS geo"
                    + " FROM loaded.types WHERE id = 3")) {
                rs.next();
                sample = TypesRow.read(rs);
            }
        }
        assertThat(sample.tsEpoch()).isEqualByComparingTo("1704164645.500000");
    }

    @Test
    void valuesTheFollowerRefusesFailTheChunkNamingColumnAndKeyAndCommitNothing() {
        String url = freshDatabase();
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            for (Map.Entry<String, Object> bad : List.<Map.Entry<String, Object>>of(Map.entry("i", 3_000_000_000L),
                    Map.entry("s", "x".repeat(101)), Map.entry("tm", Duration.ofHours(900)),
                    Map.entry("dt_date", java.time.LocalDate.of(10000, 1, 1)), Map.entry("amount", new BigDecimal("1.234")),
                    Map.entry("dbl", Double.NaN))) {
                Map<String, Object> values = TypesRow.nulls(7);
                values.put(bad.getKey(), bad.getValue());
                List<Row> rows = List.of(Row.of(TypesRow.nulls(6)), Row.of(values));
                Throwable viaLoad = catchThrowable(() -> w.insertChunk(TYPES, ID, rows, progress("7")));
                assertThat(viaLoad).as(bad.getKey()).isInstanceOf(ReplicationException.class)
                        .hasMessageContaining("loaded.types").hasMessageContaining("'" + bad.getKey() + "'")
                        .hasMessageContaining("key 7");
            }
            assertThat(w.progress()).isEmpty();
        }
        assertThat(rows(url, "true")).isEmpty();
    }

    @Test
    void aRowThatExistsFailsTheLoadInsteadOfBeingSkipped() {
        String url = freshDatabase();
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            w.insertChunk(TYPES, ID, List.of(Row.of(TypesRow.nulls(1))), progress("1"));
            assertThat(catchThrowable(() -> w.insertChunk(TYPES, ID, List.of(tricky(2), tricky(1)), progress("2"))))
                    .isInstanceOf(ReplicationException.class).hasMessageContaining("loaded.types")
                    .hasMessageContaining("Duplicate entry");
            assertThat(w.progress()).singleElement().extracting(SnapshotProgress::lastKey).isEqualTo("1");
        }
        assertThat(rows(url, "true")).hasSize(1);
    }

    @Test
    void aFollowerWithoutLocalInfileGetsInsertsInstead() throws SQLException {
        String url = freshDatabase();
        server.execute(null, "SET GLOBAL local_infile = 0");
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            w.insertChunk(TYPES, ID, List.of(tricky(1), tricky(2)), progress("2"));
            w.insertChunk(TYPES, ID, List.of(tricky(3)), progress("3"));
            assertThat(w.progress()).singleElement().extracting(SnapshotProgress::lastKey).isEqualTo("3");
        } finally {
            server.execute(null, "SET GLOBAL local_infile = 1");
        }
        assertThat(rows(url, "true")).hasSize(3);
    }

    @Test
    void aLoadRefusedAfterTheWriterOpenedIsWrittenWithInsertsInstead() throws SQLException {
        String url = freshDatabase();
        try (SnapshotWriter w = SnapshotWriter.open(follower(url), 2, Clock.systemUTC())) {
            server.execute(null, "SET GLOBAL local_infile = 0");
            w.insertChunk(TYPES, ID, List.of(tricky(1), tricky(2)), progress("2"));
            w.insertChunk(TYPES, ID, List.of(tricky(3)), progress("3"));
            assertThat(w.progress()).singleElement().extracting(SnapshotProgress::lastKey).isEqualTo("3");
        } finally {
            server.execute(null, "SET GLOBAL local_infile = 1");
        }
        assertThat(rows(url, "true")).hasSize(3);
    }

    /** Odd ids: the sample with awkward text; even ids: all NULL except an empty string. */
    private static Row tricky(long id) {
        Map<String, Object> m = id % 2 == 1 ? TypesRow.sample(id) : TypesRow.nulls(id);
        if (id % 2 == 1) {
            m.put("s", "tab\there, new\nline, cr\r, back\\slash, \\N, 😀");
            m.put("doc", new Json("{\"k\": \"line\\nbreak \\\\ \\u00e9\"}"));
        } else {
            m.put("s", "");
        }
        return Row.of(m);
    }

    private static SnapshotProgress progress(String lastKey) {
        return new SnapshotProgress(TYPES, "{}", "test", lastKey, "[]", 1, false);
    }

    private FollowerConfig follower(String url) {
        return new FollowerConfig("load" + databases,
                new Endpoint(DatabaseKind.MARIADB, url, server.user(), new Secret(server.password())));
    }

    private String freshDatabase() {
        databases++;
        server.execute(null, "DROP DATABASE IF EXISTS loaded", "CREATE DATABASE loaded", "DROP DATABASE IF EXISTS understudy",
                "CREATE TABLE loaded.types (id BIGINT PRIMARY KEY, i INT, big BIGINT UNSIGNED, amount DECIMAL(10,2), f FLOAT,"
                        + " dbl DOUBLE, flag BOOLEAN, s VARCHAR(100), txt TEXT, bin BLOB, dt_date DATE,"
                        + " dt_local DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), doc JSON, bits BIT(8), geo GEOMETRY)");
        return server.jdbcUrl("loaded");
    }

    /** Each row as text without its id (binary columns in hex, geometry as WKT), ordered by id. */
    private List<String> rows(String url, String where) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CONCAT_WS('|', IFNULL(i, 'NULL'), IFNULL(big, 'NULL'),"
                     + " IFNULL(amount, 'NULL'), IFNULL(f, 'NULL'), IFNULL(dbl, 'NULL'), IFNULL(flag, 'NULL'), IFNULL(s, 'NULL'),"
                     + " IFNULL(txt, 'NULL'), IFNULL(HEX(bin), 'NULL'), IFNULL(dt_date, 'NULL'), IFNULL(dt_local, 'NULL'),"
                     + " IFNULL(ts, 'NULL'), IFNULL(tm, 'NULL'), IFNULL(doc, 'NULL'), IFNULL(bits + 0, 'NULL'),"
                     + " IFNULL(ST_AsText(geo), 'NULL')) FROM loaded.types WHERE " + where + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }
}

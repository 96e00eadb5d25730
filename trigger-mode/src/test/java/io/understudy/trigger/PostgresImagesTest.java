package io.understudy.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.catalog.TableDef;
import io.understudy.model.Bits;
import io.understudy.model.Json;
import io.understudy.model.Row;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row images written by the real capture function of the leader migration on a real PostgreSQL, decoded by
 * {@link PostgresImages}. Writers run with settings unlike the function's. Each test has its own schema and
 * capture id.
 */
class PostgresImagesTest {
    static final String ALL_TYPES = "id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, n numeric,"
            + " n2 numeric(10,3), r real, d double precision, b boolean, t text, vc varchar(5), c char(4), by bytea,"
            + " dt date, ts timestamp, tz timestamptz, tm time, j json, jb jsonb, u uuid, m %s.mood, bt bit(3)";

    private static DatabaseServer server;
    private static PostgresTestLeader leader;
    private final PostgresImages images = new PostgresImages();

    @BeforeAll
    static void start() {
        server = Servers.postgres();
        leader = PostgresTestLeader.install(server, null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void allTypesTable(String schema, int captureId) {
        leader.execute("CREATE SCHEMA " + schema, "CREATE TYPE " + schema + ".mood AS ENUM ('ok', 'with ''quote\"')",
                "CREATE TABLE " + schema + ".t (" + ALL_TYPES.formatted(schema) + ")");
        leader.capture(schema + ".t", captureId);
    }

    @Test
    void everySupportedTypeDecodesToTheModelType() throws Exception {
        allTypesTable("img", 1);
        leader.writeOddly("INSERT INTO img.t VALUES (1, -32768, 2147483647, -9223372036854775808,"
                        + " 123456789012345678901234567890.000100, 1.5, 0.1, 0.1::float8 + 0.2, true,"
                        + " E'a\"b\\\\c\\n\\t\\u0001 😀 é', 'héllo', 'ab', '\\x00ff41', '2024-02-29',"
                        + " '2024-02-29 23:59:59.999999', '2024-06-01 12:00:00.5+02', '23:59:59.999999',"
                        + " ' {\"b\": 1.50, \"a\": [1,2], \"a\": 3} ', '{\"b\": 1.50, \"a\": 2}',"
                        + " 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'with ''quote\"', B'101')",
                "INSERT INTO img.t (id) VALUES (2)",
                "INSERT INTO img.t (id, n, r, d, t, c, by, dt, ts, tz, tm) VALUES (3, 0.00000000000000000001, 'NaN',"
                        + " '-Infinity', '', '    ', '', '0044-03-15 BC', '0001-01-01 00:00:00 BC',"
                        + " '294276-12-31 23:59:59.999999+00', '24:00:00')",
                "INSERT INTO img.t (id, r, d, dt, tz) VALUES (4, 3.4028235e38, 5e-324, '0001-01-01 BC',"
                        + " '0001-01-01 00:00:00+00 BC')");
        CaptureDefinition def = leader.definition(1, "img", "t");
        List<Row> rows = leader.changes(1).stream().map(c -> images.decode(def, c.after())).toList();

        assertRow(rows.get(0), entries("id", 1L, "i2", -32768L, "i4", 2147483647L, "i8", Long.MIN_VALUE,
                "n", new BigDecimal("123456789012345678901234567890.000100"), "n2", new BigDecimal("1.500"),
                "r", 0.1f, "d", 0.30000000000000004, "b", true, "t", "a\"b\\c\n\t\u0001 😀 é", "vc", "héllo",
                "c", "ab", "by", new byte[] {0, -1, 0x41}, "dt", LocalDate.of(2024, 2, 29),
                "ts", LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000), "tz", Instant.parse("2024-06-01T10:00:00.5Z"),
                "tm", Duration.ofDays(1).minusNanos(1000), "j", new Json(" {\"b\": 1.50, \"a\": [1,2], \"a\": 3} "),
                "jb", new Json("{\"a\": 2, \"b\": 1.50}"), "u", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "m", "with 'quote\"", "bt", new Bits("101")));
        Map<String, Object> nulls = new LinkedHashMap<>();
        for (String column : def.table().columnNames()) {
            nulls.put(column, column.equals("id") ? 2L : null);
        }
        assertRow(rows.get(1), nulls);
        assertThat(rows.get(2).asMap()).containsEntry("n", new BigDecimal("0.00000000000000000001"))
                .containsEntry("r", Float.NaN).containsEntry("d", Double.NEGATIVE_INFINITY).containsEntry("t", "")
                .containsEntry("c", "").containsEntry("dt", LocalDate.of(-43, 3, 15))
                .containsEntry("ts", LocalDateTime.of(0, 1, 1, 0, 0))
                .containsEntry("tz", Instant.parse("+294276-12-31T23:59:59.999999Z"))
                .containsEntry("tm", Duration.ofDays(1));
        assertThat((byte[]) rows.get(2).get("by")).isEmpty();
        assertThat(rows.get(3).asMap()).containsEntry("r", Float.MAX_VALUE).containsEntry("d", Double.MIN_VALUE)
                .containsEntry("dt", LocalDate.of(0, 1, 1)).containsEntry("tz", Instant.parse("0000-01-01T00:00:00Z"));
    }

    @Test
    void theWritersSessionSettingsDoNotChangeTheImage() throws Exception {
        allTypesTable("sess", 2);
        String values = " VALUES (%d, 1, 2, 3, 4.5, 1.25, 0.1, 0.1::float8 + 0.2, false, 'x', 'y', 'z', '\\x01',"
                + " '2024-01-31', '2024-01-31 01:02:03.5', '2024-01-31 01:02:03.5+00', '01:02:03', '[1]', '{}',"
                + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ok', B'001')";
        leader.execute("INSERT INTO sess.t" + values.formatted(1));
        leader.writeOddly("INSERT INTO sess.t" + values.formatted(2));
        List<PostgresTestLeader.Change> changes = leader.changes(2);
        assertThat(changes.get(1).after()).isEqualTo(changes.get(0).after().replace("\"id\":1,", "\"id\":2,"));
        assertThat(changes.get(0).after()).contains("\"d\":0.30000000000000004", "\"by\":\"\\\\x01\"",
                "\"tz\":\"2024-01-31T01:02:03.5+00:00\"", "\"ts\":\"2024-01-31T01:02:03.5\"", "\"dt\":\"2024-01-31\"");
        // without the function's settings the same row reads differently
        assertThat(leader.queryOddly("SELECT row_to_json(x)::text FROM sess.t x WHERE id = 1"))
                .contains("\"d\":0.3,", "\"by\":\"\\\\001\"", "\"tz\":\"2024-01-30T21:32:03.5-03:30\"");
    }

    @Test
    void updatesAndDeletesCarryBothImages() throws Exception {
        allTypesTable("upd", 3);
        leader.writeOddly("INSERT INTO upd.t (id, t) VALUES (1, 'a')", "UPDATE upd.t SET t = 'b', id = 2",
                "DELETE FROM upd.t");
        CaptureDefinition def = leader.definition(3, "upd", "t");
        List<PostgresTestLeader.Change> changes = leader.changes(3);
        assertThat(changes).extracting(PostgresTestLeader.Change::op).containsExactly("I", "U", "D");
        assertThat(images.decode(def, changes.get(1).before()).get("t")).isEqualTo("a");
        assertThat(images.decode(def, changes.get(1).after()).asMap()).containsEntry("id", 2L).containsEntry("t", "b");
        assertThat(images.decode(def, changes.get(2).before()).get("id")).isEqualTo(2L);
    }

    @Test
    void valuesWithoutAnExactModelValueFailNamingTheColumn() throws Exception {
        allTypesTable("bad", 4);
        leader.writeOddly("INSERT INTO bad.t (id, n) VALUES (1, 'NaN')", "INSERT INTO bad.t (id, n) VALUES (2, '-Infinity')",
                "INSERT INTO bad.t (id, dt) VALUES (3, 'infinity')", "INSERT INTO bad.t (id, ts) VALUES (4, '-infinity')",
                "INSERT INTO bad.t (id, tz) VALUES (5, 'infinity')");
        CaptureDefinition def = leader.definition(4, "bad", "t");
        List<PostgresTestLeader.Change> changes = leader.changes(4);
        List<String> column = List.of("n", "n", "dt", "ts", "tz");
        List<String> value = List.of("NaN", "-Infinity", "infinity", "-infinity", "infinity");
        for (int i = 0; i < changes.size(); i++) {
            String after = changes.get(i).after();
            assertThatThrownBy(() -> images.decode(def, after)).isInstanceOf(ImageDecoder.ImageException.class)
                    .hasMessageContaining("column " + column.get(i)).hasMessageContaining(value.get(i));
        }
    }

    @Test
    void jsonNullIsSqlNullUnlessTheColumnIsNotNull() throws Exception {
        leader.execute("CREATE SCHEMA js", "CREATE TABLE js.t (id int PRIMARY KEY, j json, jn jsonb NOT NULL)");
        leader.capture("js.t", 5);
        leader.writeOddly("INSERT INTO js.t VALUES (1, 'null', 'null'), (2, NULL, '\"s\"'), (3, '5', '[]')");
        CaptureDefinition def = leader.definition(5, "js", "t");
        List<Row> rows = leader.changes(5).stream().map(c -> images.decode(def, c.after())).toList();
        assertThat(rows).extracting(r -> r.get("j")).containsExactly(null, null, new Json("5"));
        assertThat(rows).extracting(r -> r.get("jn")).containsExactly(new Json("null"), new Json("\"s\""), new Json("[]"));
        assertThat(PostgresImages.caveats(def.table())).singleElement().asString().contains("column j ", "JSON null");
    }

    @Test
    void unsupportedNamesEveryColumnThatCannotBeCaptured() throws Exception {
        leader.execute("CREATE SCHEMA uns", "CREATE TYPE uns.pair AS (a int, b int)",
                "CREATE TABLE uns.t (id int PRIMARY KEY, ok text, iv interval, mo money, tt timetz, arr int[],"
                        + " vb varbit(4), x xml, ip inet, p uns.pair, rg int4range)");
        List<String> problems = PostgresImages.unsupported(leader.table("uns", "t"));
        assertThat(problems).hasSize(9);
        List<String> columns = List.of("iv", "mo", "tt", "arr", "vb", "x", "ip", "p", "rg");
        for (int i = 0; i < columns.size(); i++) {
            assertThat(problems.get(i)).contains("uns.t column " + columns.get(i) + " has type", "capture.exclude");
        }
        assertThat(problems.get(0)).contains("interval", "months and days");
        assertThat(problems.get(1)).contains("money", "lc_monetary");
        assertThat(problems.get(3)).contains("integer[]", "arrays");
        assertThat(problems.get(7)).contains("uns.pair");
        allTypesTable("sup", 6);
        assertThat(PostgresImages.unsupported(leader.table("sup", "t"))).isEmpty();
        assertThatThrownBy(() -> PostgresImages.unsupported(new TableDef(new io.understudy.model.TableId("a", "b"),
                leader.table("sup", "t").columns(), List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not read from a PostgreSQL leader");
    }

    @Test
    void aSnapshotWithTheFunctionsSettingsReadsTheSameImages() throws Exception {
        allTypesTable("snap", 7);
        leader.writeOddly("INSERT INTO snap.t VALUES (1, 1, 2, 3, 4.5, 1.25, 0.1, 0.1::float8 + 0.2, false, 'x', 'y',"
                + " 'z', '\\x01', '2024-01-31', '2024-01-31 01:02:03.5', '2024-01-31 01:02:03.5+00', '01:02:03', '[1]',"
                + " '{}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ok', B'001')");
        List<String> snapshot = new ArrayList<>();
        List<String> functionSettings = new ArrayList<>();
        try (Connection c = leader.connect(); Statement s = c.createStatement()) {
            s.execute("SET extra_float_digits = 0");
            s.execute("SET TimeZone = 'Asia/Kathmandu'");
            s.execute("SET bytea_output = 'escape'");
            c.setAutoCommit(false);
            for (String set : PostgresImages.SET_LOCAL) {
                s.execute(set);
            }
            try (ResultSet rs = s.executeQuery(PostgresImages.imageSelect(leader.table("snap", "t")))) {
                while (rs.next()) {
                    snapshot.add(rs.getString(1));
                }
            }
            c.commit();
            try (ResultSet rs = s.executeQuery("SELECT unnest(proconfig) FROM pg_proc WHERE oid = 'understudy.capture'::regproc")) {
                while (rs.next()) {
                    functionSettings.add(rs.getString(1));
                }
            }
        }
        assertThat(snapshot).containsExactly(leader.changes(7).get(0).after());
        assertThat(functionSettings).containsExactly("search_path=pg_catalog, pg_temp", "extra_float_digits=3",
                "TimeZone=UTC", "bytea_output=hex");
        assertThat(PostgresImages.SET_LOCAL).hasSize(functionSettings.size() - 1); // search_path needs no match
    }

    @Test
    void anImageTheDefinitionDoesNotDescribeFails() throws Exception {
        leader.execute("CREATE SCHEMA ddl", "CREATE TABLE ddl.t (id int PRIMARY KEY, v int)");
        leader.capture("ddl.t", 8);
        CaptureDefinition before = leader.definition(8, "ddl", "t");
        leader.execute("ALTER TABLE ddl.t ADD COLUMN extra text", "INSERT INTO ddl.t VALUES (1, 2, 'x')",
                "ALTER TABLE ddl.t DROP COLUMN extra", "ALTER TABLE ddl.t ALTER COLUMN v TYPE text",
                "INSERT INTO ddl.t VALUES (2, 'two')", "ALTER TABLE ddl.t DROP COLUMN v", "INSERT INTO ddl.t VALUES (3)");
        List<PostgresTestLeader.Change> changes = leader.changes(8);
        assertThatThrownBy(() -> images.decode(before, changes.get(0).after()))
                .isInstanceOf(ImageDecoder.ImageException.class).hasMessageContaining("[extra]")
                .hasMessageContaining("capture definition 8 of table ddl.t");
        assertThatThrownBy(() -> images.decode(before, changes.get(1).after()))
                .isInstanceOf(ImageDecoder.ImageException.class).hasMessageContaining("column v (integer)")
                .hasMessageContaining("string");
        assertThat(images.decode(before, changes.get(2).after()).columns()).containsExactly("id");
    }

    private static Map<String, Object> entries(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    /** Column by column, with the value's Java type, so a failure names the column; byte arrays by content. */
    private static void assertRow(Row row, Map<String, Object> expected) {
        assertThat(row.columns()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((column, value) -> {
            Object actual = row.get(column);
            if (value instanceof byte[] bytes) {
                assertThat(actual).as(column).isInstanceOf(byte[].class);
                assertThat(Arrays.equals((byte[]) actual, bytes)).as(column).isTrue();
            } else {
                assertThat(actual).as(column).isEqualTo(value);
                if (value != null) {
                    assertThat(actual).as(column).isExactlyInstanceOf(value.getClass());
                }
            }
        });
    }
}

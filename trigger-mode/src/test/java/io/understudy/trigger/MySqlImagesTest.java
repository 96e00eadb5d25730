package io.understudy.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.LeaderCatalog;
import io.understudy.catalog.LeaderValues;
import io.understudy.catalog.TableDef;
import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import io.understudy.model.Row;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row images written by real triggers generated with {@link MySqlImages#imageSql} on an embedded MariaDB, decoded and
 * compared with what {@link LeaderValues#read} (the snapshot's JDBC read, session time zone UTC) gives for the same row.
 */
class MySqlImagesTest {
    static DatabaseServer leader;
    private final MySqlImages images = new MySqlImages();

    @BeforeAll
    static void startLeader() {
        leader = Servers.mariadb();
    }

    @AfterAll
    static void stopLeader() {
        if (leader != null) {
            leader.close();
        }
    }

    @Test
    void everyTypeRoundTripsExactlyAsTheSnapshotReadsIt() throws Exception {
        String schema = "img_types";
        TableDef table = createCapturedTable(schema, "all_types", AllTypes.DDL, "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION");
        assertThat(MySqlImages.unsupported(table)).isEmpty();
        List<Row> expected = new ArrayList<>();
        List<String> leaderValuesDeviations = new ArrayList<>();
        try (Connection writer = leader.connect(schema); Connection reader = utcReader(schema)) {
            execute(writer, "SET sql_mode = ''"); // zero dates, invalid ENUM values
            for (AllTypes.Write w : AllTypes.writes()) {
                execute(writer, "SET time_zone = '" + w.timeZone() + "'");
                if (w.op() != 'I') {
                    expected.add(reference(reader, table, w.id(), leaderValuesDeviations));
                }
                w.run(writer, schema);
                if (w.op() != 'D') {
                    expected.add(reference(reader, table, w.id(), leaderValuesDeviations));
                }
            }
        }
        List<Row> decoded = decodedImages(schema, table);
        assertThat(decoded).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(decoded.get(i).columns()).isEqualTo(table.columnNames());
            for (String column : table.columnNames()) {
                assertThat(comparable(decoded.get(i).get(column))).as("image %d of row %s, column %s", i,
                        expected.get(i).get("id"), column).isEqualTo(comparable(expected.get(i).get(column)));
            }
        }
        // LeaderValues (the snapshot's read) gives exactly the same values (it read FLOAT as 6-digit text and failed on
        // dates with a zero month or day until this test found them)
        assertThat(leaderValuesDeviations).isEmpty();
        assertEdgeValues(decoded);
    }

    /** Spot checks against literal values, so that the comparison above does not rest on LeaderValues alone. */
    private static void assertEdgeValues(List<Row> images) {
        Map<Long, Row> inserted = new LinkedHashMap<>();
        for (Row r : images.subList(0, 8)) {
            inserted.put((Long) r.get("id"), r);
        }
        Row max = inserted.get(1L);
        assertThat(max.get("c_big_u")).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(max.get("c_big")).isEqualTo(Long.MAX_VALUE);
        assertThat(max.get("c_int_zf")).isEqualTo(42L);
        assertThat(max.get("c_big_zf")).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(max.get("c_dec_zf")).isEqualTo(new BigDecimal("3.500"));
        assertThat(max.get("c_double_zf")).isEqualTo(12345678.91);
        assertThat(max.get("c_dec65")).isEqualTo(new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999"));
        assertThat(max.get("c_double")).isEqualTo(Double.MAX_VALUE);
        assertThat(max.get("c_bit64")).isEqualTo(new Bits("1".repeat(64)));
        assertThat(max.get("c_time6")).isEqualTo(Duration.ofHours(838).plusMinutes(59).plusSeconds(59).plusNanos(999_999_000));
        assertThat(max.get("c_dt6")).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(max.get("c_ts6")).isEqualTo(Instant.parse("2038-01-19T03:14:07.999999Z"));
        assertThat(max.get("c_text")).isEqualTo(AllTypes.ODD_TEXT);
        assertThat(max.get("c_geo")).isEqualTo(new Geometry(HexFormat.of().parseHex("0101000000000000000000F03F0000000000000040"), 4326));
        Row min = inserted.get(2L);
        assertThat(min.get("c_dec")).isEqualTo(new BigDecimal("-99999999999999999999.9999999999"));
        assertThat(min.get("c_binary")).isEqualTo(new byte[] {1, 0, 0, 0});
        assertThat(min.get("c_blob")).isEqualTo(new byte[0]);
        assertThat(min.get("c_time6")).isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59).minusNanos(999_999_000));
        assertThat(min.get("c_enum")).isEqualTo("");
        assertThat(min.get("c_set")).isEqualTo("");
        assertThat(min.get("c_bit1")).isEqualTo(false);
        assertThat(min.get("c_date")).isEqualTo(LocalDate.of(1, 1, 1));
        Row pi = inserted.get(3L);
        assertThat(pi.get("c_float")).isEqualTo(3.1415927f);
        assertThat(pi.get("c_dec65")).isEqualTo(new BigDecimal("-0.000000000000000000000000000001"));
        assertThat(pi.get("c_dec")).isEqualTo(new BigDecimal("-0.0000000001"));
        assertThat(pi.get("c_double")).isEqualTo(0.1 + 0.2);
        assertThat(pi.get("c_ts6")).as("written in +05:30").isEqualTo(Instant.parse("2021-03-03T23:36:07.123456Z"));
        assertThat(pi.get("c_time3")).isEqualTo(Duration.ofMillis(-500));
        assertThat(pi.get("c_json")).isEqualTo(AllTypes.ODD_JSON);
        Row big = inserted.get(4L);
        assertThat(big.get("c_float")).isEqualTo(16777216f);
        assertThat(big.get("c_double")).isEqualTo(Double.MIN_VALUE);
        assertThat(big.get("c_ts6")).as("written in -08:00").isEqualTo(Instant.parse("2038-01-19T03:14:07.999999Z"));
        assertThat(big.get("c_time6")).isEqualTo(Duration.ofHours(25).plusMillis(500));
        Row zero = inserted.get(5L);
        assertThat(Float.floatToRawIntBits((Float) zero.get("c_float"))).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(Double.doubleToRawLongBits((Double) zero.get("c_double"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(zero.get("c_date")).isNull();
        assertThat(zero.get("c_date_nn")).as("zero date, NOT NULL column").isNull();
        assertThat(zero.get("c_ts6")).isNull();
        assertThat(zero.get("c_year")).isEqualTo(0L);
        Row partial = inserted.get(6L);
        assertThat(partial.get("c_date")).isNull();
        assertThat(partial.get("c_dt_nn")).isEqualTo(LocalDateTime.of(0, 1, 1, 0, 0));
        assertThat(partial.get("c_json")).isEqualTo("null");
        assertThat(inserted.get(8L).asMap()).allSatisfy((column, value) -> {
            if (!column.equals("id") && !column.endsWith("_nn")) {
                assertThat(value).as(column).isNull();
            }
        });
    }

    /** A trigger runs under the sql_mode it was created with; none may change what the images hold. */
    @Test
    void oddColumnNamesAreQuotedWhateverTheSqlMode() throws Exception {
        String schema = "img_names";
        List<String> names = List.of("it's", "back`tick", "back\\slash", "dou\"ble", "名前", "with space", "NEW", "select",
                "Ünïcödé", "$dollar", "a,b:c{}[]", "\\'", "_utf8mb4");
        StringBuilder ddl = new StringBuilder("CREATE TABLE %s (`id` INT PRIMARY KEY, `ch` CHAR(5)");
        for (String n : names) {
            ddl.append(", ").append(MySqlImages.quote(n)).append(" VARCHAR(20)");
        }
        ddl.append(")");
        for (String mode : List.of("NO_BACKSLASH_ESCAPES,ANSI_QUOTES,PAD_CHAR_TO_FULL_LENGTH,STRICT_ALL_TABLES",
                "STRICT_ALL_TABLES")) {
            String tableName = "odd `t'" + mode.length();
            TableDef table = createCapturedTable(schema, tableName, ddl.toString(), mode);
            assertThat(table.columnNames()).containsAll(names);
            try (Connection c = leader.connect(schema);
                 PreparedStatement ps = c.prepareStatement("INSERT INTO " + MySqlImages.quote(tableName)
                         + " VALUES (1, 'ab '" + ", ?".repeat(names.size()) + ")")) {
                for (int i = 0; i < names.size(); i++) {
                    ps.setString(i + 1, names.get(i));
                }
                ps.executeUpdate();
            }
            Row row = decodedImages(schema, table).get(0);
            assertThat(row.columns()).isEqualTo(table.columnNames());
            assertThat(row.get("ch")).as(mode).isEqualTo("ab");
            for (String n : names) {
                assertThat(row.get(n)).as(mode + ": " + n).isEqualTo(n);
            }
        }
    }

    @Test
    void unsupportedTypesAreNamedAndRefused() throws Exception {
        String schema = "img_unsupported";
        leader.execute(null, "CREATE DATABASE " + schema);
        leader.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, a INET4, b INET6, c UUID, d YEAR(2), e VARCHAR(5))");
        TableDef table;
        try (Connection c = leader.connect(schema)) {
            table = LeaderCatalog.table(c, new TableId(schema, "t"));
        }
        List<String> problems = MySqlImages.unsupported(table);
        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).contains(schema + ".t.a", "inet4", "exclude the table or change the column type");
        assertThat(problems.get(1)).contains(".t.b", "inet6");
        assertThat(problems.get(2)).contains(".t.c", "uuid");
        assertThat(problems.get(3)).contains(".t.d", "year(2)", "MODIFY `d` YEAR", "exclude the table");
        assertThatThrownBy(() -> MySqlImages.imageSql(table, "NEW")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inet4");
    }

    /**
     * MariaDB's JSON_OBJECT, once it exceeded max_allowed_packet inside a trigger, answers NULL for every later row of
     * that trigger; the CONCAT around it keeps later images intact. Under a non-strict sql_mode the oversized image
     * itself is NULL, which decode refuses.
     */
    @Test
    void oversizedImageDoesNotSpoilLaterImages() throws Exception {
        String schema = "img_oversized";
        String ddl = "CREATE TABLE %s (id INT PRIMARY KEY, b LONGBLOB)";
        TableDef strict = createCapturedTable(schema, "strict_t", ddl, "STRICT_ALL_TABLES");
        TableDef lax = createCapturedTable(schema, "lax_t", ddl, "");
        long packet = globalMaxAllowedPacket();
        leader.execute(null, "SET GLOBAL max_allowed_packet = 65536");
        try (Connection c = leader.connect(schema)) {
            for (String t : List.of("strict_t", "lax_t")) {
                execute(c, "INSERT INTO " + t + " VALUES (1, 'a')");
                try {
                    execute(c, "INSERT INTO " + t + " VALUES (2, REPEAT('b', 40000))"); // 80,000 hex digits
                    assertThat(t).as("only the non-strict trigger lets the write through").isEqualTo("lax_t");
                } catch (SQLException e) {
                    assertThat(t).isEqualTo("strict_t");
                    assertThat(e.getMessage()).contains("max_allowed_packet");
                }
                execute(c, "INSERT INTO " + t + " VALUES (3, 'c')");
            }
        } finally {
            leader.execute(null, "SET GLOBAL max_allowed_packet = " + packet);
        }
        List<String> strictImages = rawImages(schema, "strict_t");
        assertThat(strictImages).hasSize(2);
        assertThat(decode(strict, strictImages.get(1)).get("b")).isEqualTo(new byte[] {'c'});
        List<String> laxImages = rawImages(schema, "lax_t");
        assertThat(laxImages).hasSize(3);
        assertThat(laxImages.get(1)).isNull();
        assertThatThrownBy(() -> decode(lax, laxImages.get(1))).isInstanceOf(ImageDecoder.ImageException.class)
                .hasMessageContaining("max_allowed_packet");
        assertThat(decode(lax, laxImages.get(2)).get("b")).isEqualTo(new byte[] {'c'});
    }

    // --- fixture ---

    /**
     * Creates {@code schema.name} from {@code ddl} (with %s for the table), a change_log like the leader migration's,
     * and AFTER INSERT/UPDATE/DELETE triggers made with {@link MySqlImages#imageSql} under {@code sqlMode}.
     */
    static TableDef createCapturedTable(String schema, String name, String ddl, String sqlMode) throws SQLException {
        String table = MySqlImages.quote(name);
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + schema);
            s.execute("USE " + schema);
            s.execute("CREATE TABLE IF NOT EXISTS change_log (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " tbl VARCHAR(64) NOT NULL, op CHAR(1) NOT NULL, before_image LONGTEXT NULL, after_image LONGTEXT NULL)"
                    + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
            s.execute(ddl.formatted(table));
            TableDef def = LeaderCatalog.table(c, new TableId(schema, name));
            String log = "INSERT INTO change_log (tbl, op, before_image, after_image) VALUES ("
                    + MySqlImages.keyLiteral(name) + ", ";
            s.execute("SET sql_mode = '" + sqlMode + "'");
            String tag = Integer.toHexString(name.hashCode());
            s.execute("CREATE TRIGGER `ai_" + tag + "` AFTER INSERT ON " + table + " FOR EACH ROW " + log + "'I', NULL, "
                    + MySqlImages.imageSql(def, "NEW") + ")");
            s.execute("CREATE TRIGGER `au_" + tag + "` AFTER UPDATE ON " + table + " FOR EACH ROW " + log + "'U', "
                    + MySqlImages.imageSql(def, "OLD") + ", " + MySqlImages.imageSql(def, "NEW") + ")");
            s.execute("CREATE TRIGGER `ad_" + tag + "` AFTER DELETE ON " + table + " FOR EACH ROW " + log + "'D', "
                    + MySqlImages.imageSql(def, "OLD") + ", NULL)");
            return def;
        }
    }

    private Row decode(TableDef table, String image) {
        return images.decode(new CaptureDefinition(1, table, table.primaryKey()), image);
    }

    /** Every image of the table in change order, decoded: before then after of each change. */
    private List<Row> decodedImages(String schema, TableDef table) throws SQLException {
        return rawImages(schema, table.id().table()).stream().map(image -> decode(table, image)).toList();
    }

    private static List<String> rawImages(String schema, String table) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = leader.connect(schema);
             PreparedStatement ps = c.prepareStatement("SELECT op, before_image, after_image FROM change_log"
                     + " WHERE tbl = ? ORDER BY id")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String op = rs.getString(1);
                    if (!op.equals("I")) {
                        result.add(rs.getString(2));
                    }
                    if (!op.equals("D")) {
                        result.add(rs.getString(3));
                    }
                }
            }
        }
        return result;
    }

    private static long globalMaxAllowedPacket() throws SQLException {
        try (Connection c = leader.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.max_allowed_packet")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection utcReader(String schema) throws SQLException {
        Connection c = leader.connect(schema);
        execute(c, "SET time_zone = '+00:00'");
        return c;
    }

    /**
     * The row as {@link LeaderValues#read} gives it, except where that is not the exact value (recorded in
     * {@code deviations}): FLOAT comes over JDBC's text protocol with 6 significant digits, so the exact value is read
     * as a DOUBLE; a date with a zero month or day makes LeaderValues throw, and the image gives null.
     */
    private static Row reference(Connection reader, TableDef table, long id, List<String> deviations) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        List<ColumnDef> columns = table.columns();
        for (ColumnDef c : columns) {
            sql.append(LeaderValues.select(c)).append(", ");
        }
        for (ColumnDef c : columns) {
            sql.append(c.dataType().equals("float") ? "CAST(" + LeaderValues.select(c) + " AS DOUBLE)" : "NULL").append(", ");
        }
        sql.setLength(sql.length() - 2);
        sql.append(" FROM ").append(MySqlImages.quote(table.id().table())).append(" WHERE id = ").append(id);
        List<Object> values = new ArrayList<>();
        try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            assertThat(rs.next()).as("row " + id).isTrue();
            for (int i = 0; i < columns.size(); i++) {
                ColumnDef c = columns.get(i);
                Object snapshot;
                try {
                    snapshot = LeaderValues.read(rs, i + 1, c);
                } catch (DateTimeException e) {
                    snapshot = e;
                }
                Object exact = snapshot;
                if (c.dataType().equals("float")) {
                    double d = rs.getDouble(columns.size() + i + 1);
                    exact = rs.wasNull() ? null : (float) d;
                } else if (snapshot instanceof DateTimeException) {
                    exact = null;
                }
                if (!comparable(exact).equals(comparable(snapshot))) {
                    deviations.add(c.name() + " of row " + id + ": LeaderValues " + snapshot + ", exact " + exact);
                }
                values.add(exact);
            }
        }
        return new Row(table.columnNames(), values);
    }

    /** Byte arrays as hex and every value with its class, so that 1L and 1, or 0.0 and -0.0, stay apart. */
    private static Object comparable(Object v) {
        if (v == null) {
            return "null";
        }
        String text = v instanceof byte[] b ? "0x" + HexFormat.of().formatHex(b) : String.valueOf(v);
        return v.getClass().getSimpleName() + ":" + text;
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

package io.understudy.trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A table with every MariaDB type trigger capture supports (the columns of it/TypesWorkload and more) and a sequence
 * of writes with edge values: extremes, exact floats, every fractional precision, writers in several time zones, zero
 * dates, odd text, empty and NUL-holding binaries, spatial values with SRIDs, and NULL everywhere.
 */
final class AllTypes {
    static final String DDL = """
            CREATE TABLE %s (
              id BIGINT NOT NULL PRIMARY KEY,
              c_tiny TINYINT, c_tiny_u TINYINT UNSIGNED, c_bool TINYINT(1), c_small SMALLINT, c_small_u SMALLINT UNSIGNED,
              c_medium MEDIUMINT, c_medium_u MEDIUMINT UNSIGNED, c_int INT, c_int_u INT UNSIGNED, c_big BIGINT,
              c_big_u BIGINT UNSIGNED, c_dec DECIMAL(30,10), c_dec65 DECIMAL(65,30), c_dec0 DECIMAL(20,0), c_float FLOAT,
              c_double DOUBLE, c_int_zf INT(5) ZEROFILL, c_big_zf BIGINT UNSIGNED ZEROFILL, c_dec_zf DECIMAL(10,3) ZEROFILL,
              c_double_zf DOUBLE(10,2) ZEROFILL, c_float_md FLOAT(7,3),
              c_char CHAR(10), c_varchar VARCHAR(200), c_text TEXT, c_tinytext TINYTEXT, c_mediumtext MEDIUMTEXT,
              c_longtext LONGTEXT, c_latin1 VARCHAR(50) CHARACTER SET latin1, c_latin1_text TEXT CHARACTER SET latin1,
              c_gbk VARCHAR(20) CHARACTER SET gbk, c_ucs2 VARCHAR(20) CHARACTER SET ucs2,
              c_binary BINARY(4), c_varbinary VARBINARY(50), c_tinyblob TINYBLOB, c_blob BLOB, c_mediumblob MEDIUMBLOB,
              c_longblob LONGBLOB,
              c_date DATE, c_date_nn DATE NOT NULL DEFAULT '2000-01-01',
              c_time TIME, c_time1 TIME(1), c_time2 TIME(2), c_time3 TIME(3), c_time4 TIME(4), c_time5 TIME(5), c_time6 TIME(6),
              c_dt DATETIME, c_dt1 DATETIME(1), c_dt2 DATETIME(2), c_dt3 DATETIME(3), c_dt4 DATETIME(4), c_dt5 DATETIME(5),
              c_dt6 DATETIME(6), c_dt_nn DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00',
              c_ts TIMESTAMP NULL DEFAULT NULL, c_ts1 TIMESTAMP(1) NULL DEFAULT NULL, c_ts2 TIMESTAMP(2) NULL DEFAULT NULL,
              c_ts3 TIMESTAMP(3) NULL DEFAULT NULL, c_ts4 TIMESTAMP(4) NULL DEFAULT NULL, c_ts5 TIMESTAMP(5) NULL DEFAULT NULL,
              c_ts6 TIMESTAMP(6) NULL DEFAULT NULL, c_ts_nn TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
              c_year YEAR,
              c_enum ENUM('small','medium','large'), c_set SET('red','green','blue'), c_bit1 BIT(1), c_bit5 BIT(5),
              c_bit64 BIT(64), c_json JSON,
              c_geo GEOMETRY, c_point POINT, c_linestring LINESTRING, c_polygon POLYGON, c_multipolygon MULTIPOLYGON,
              c_collection GEOMETRYCOLLECTION,
              c_virtual INT AS (c_int + 1) VIRTUAL, c_stored VARCHAR(210) AS (CONCAT('v:', c_varchar)) STORED
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    static final String ODD_TEXT = "line1\nline2\r\n\ttab \u0000 nul \u0001 ctl \u2028 ls \" dq ' sq \\ bs \\n not-a-newline /";
    static final String ODD_JSON = " {\"a\" :  1.50,\n \"e\":\"\uD83D\uDE00\", \"n\" : null , \"big\": 123456789012345678901234567890} ";

    /** A value written as SQL text rather than bound. */
    record Lit(String sql) {
    }

    /** One statement on the table, by a writer session in {@code timeZone}; {@code op} I, U or D on row {@code id}. */
    record Write(char op, long id, String timeZone, Map<String, Object> values, String sql) {
        void run(Connection writer, String schema) throws SQLException {
            if (op != 'I') {
                try (Statement s = writer.createStatement()) {
                    s.executeUpdate(sql.formatted(schema + ".all_types"));
                }
                return;
            }
            StringBuilder columns = new StringBuilder("id");
            StringBuilder exprs = new StringBuilder(String.valueOf(id));
            List<Object> bound = new ArrayList<>();
            values.forEach((column, value) -> {
                columns.append(", ").append(column);
                exprs.append(", ");
                if (value instanceof Lit lit) {
                    exprs.append(lit.sql());
                } else {
                    exprs.append('?');
                    bound.add(value);
                }
            });
            try (PreparedStatement ps = writer.prepareStatement("INSERT INTO " + schema + ".all_types (" + columns
                    + ") VALUES (" + exprs + ")")) {
                for (int i = 0; i < bound.size(); i++) {
                    ps.setObject(i + 1, bound.get(i));
                }
                ps.executeUpdate();
            }
        }
    }

    private AllTypes() {
    }

    static List<Write> writes() {
        Random random = new Random(42);
        List<Write> writes = new ArrayList<>();
        writes.add(insert(1, "+00:00", max(random)));
        writes.add(insert(2, "+00:00", min()));
        writes.add(insert(3, "+05:30", row(Map.of("c_float", lit("3.1415927"), "c_double", lit("0.1e0 + 0.2e0"),
                "c_json", ODD_JSON, "c_varchar", "x", "c_dec", lit("-0.0000000001"),
                "c_dec65", lit("-0.000000000000000000000000000001"), "c_dec0", lit("-1")),
                "'2024-02-29 12:34:56.123456'", "'-00:00:00.5'", "'2021-03-04 05:06:07.123456'")));
        writes.add(insert(4, "-08:00", row(Map.of("c_float", lit("16777217"), "c_double", lit("5e-324"), "c_json", "[]"),
                "'2024-02-29 00:00:00.000001'", "'25:00:00.5'", "'2038-01-18 19:14:07.999999'")));
        Map<String, Object> zero = row(Map.of("c_float", lit("-0e0"), "c_double", lit("-0e0"), "c_year", lit("0"),
                "c_date_nn", "0000-00-00", "c_dt_nn", "0000-00-00 00:00:00", "c_ts_nn", "0000-00-00 00:00:00"),
                "'0000-00-00 00:00:00'", "'00:00:00'", "'0000-00-00 00:00:00'");
        zero.put("c_date", "0000-00-00");
        writes.add(insert(5, "+00:00", zero));
        Map<String, Object> partial = row(Map.of("c_float", lit("1.17549435e-38"), "c_double", lit("2.2250738585072014e-308"),
                "c_date_nn", "2024-05-00", "c_dt_nn", "0000-01-01 00:00:00", "c_json", "null"),
                "'2024-00-00 10:11:12.5'", "'-12:34:56.789'", "'1970-01-01 00:00:01'");
        partial.put("c_date", "2024-00-15");
        writes.add(insert(6, "+00:00", partial));
        writes.add(insert(7, "+01:00", row(Map.of("c_float", lit("1.4e-45"), "c_double", lit("-5e-324"), "c_json", "\"str\""),
                "'1999-12-31 23:59:59.5'", "'-00:00:01'", "'1970-01-01 01:00:01'")));
        writes.add(insert(8, "+00:00", Map.of()));
        writes.add(new Write('U', 3, "+09:00", null, "UPDATE %s SET c_float = 0.5, c_text = 'changed', c_ts6 ="
                + " '2030-01-01 09:00:00.5', c_bit64 = b'1' WHERE id = 3"));
        writes.add(new Write('U', 8, "+00:00", null, "UPDATE %s SET c_int = 1, c_set = 'red,blue' WHERE id = 8"));
        writes.add(new Write('D', 2, "+00:00", null, "DELETE FROM %s WHERE id = 2"));
        writes.add(new Write('D', 5, "+00:00", null, "DELETE FROM %s WHERE id = 5"));
        return writes;
    }

    private static Write insert(long id, String timeZone, Map<String, Object> values) {
        return new Write('I', id, timeZone, values, null);
    }

    private static Lit lit(String sql) {
        return new Lit(sql);
    }

    private static Map<String, Object> max(Random random) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("c_tiny", 127);
        v.put("c_tiny_u", 255);
        v.put("c_bool", 1);
        v.put("c_small", 32767);
        v.put("c_small_u", 65535);
        v.put("c_medium", 8388607);
        v.put("c_medium_u", 16777215);
        v.put("c_int", Integer.MAX_VALUE);
        v.put("c_int_u", 4294967295L);
        v.put("c_big", Long.MAX_VALUE);
        v.put("c_big_u", lit("18446744073709551615"));
        v.put("c_dec", lit("99999999999999999999.9999999999"));
        v.put("c_dec65", lit("99999999999999999999999999999999999.999999999999999999999999999999"));
        v.put("c_dec0", lit("99999999999999999999"));
        v.put("c_float", lit("3.40282e38"));
        v.put("c_double", lit("1.7976931348623157e308"));
        v.put("c_int_zf", 42);
        v.put("c_big_zf", lit("18446744073709551615"));
        v.put("c_dec_zf", lit("3.5"));
        v.put("c_double_zf", lit("12345678.91"));
        v.put("c_float_md", lit("3.1415927"));
        v.put("c_char", "abcdefghij");
        v.put("c_varchar", "quote ' and \\ backslash \" dq");
        v.put("c_text", ODD_TEXT);
        v.put("c_tinytext", "emoji \uD83D\uDE00\uD83C\uDF89");
        v.put("c_mediumtext", "中文字符");
        v.put("c_longtext", "long \uD83D\uDE80 ".repeat(20_000));
        v.put("c_latin1", "é€ÿ£ ß");
        v.put("c_latin1_text", "Ça va? «»");
        v.put("c_gbk", "中文");
        v.put("c_ucs2", "ÿ Ω");
        v.put("c_binary", new byte[] {0, (byte) 0xff, 0, 1});
        v.put("c_varbinary", new byte[] {0, 0, 0});
        v.put("c_tinyblob", new byte[] {0});
        v.put("c_blob", bytes(random, 3000));
        v.put("c_mediumblob", bytes(random, 70_000));
        v.put("c_longblob", bytes(random, 1));
        v.put("c_year", 2155);
        v.put("c_enum", "large");
        v.put("c_set", "red,green,blue");
        v.put("c_bit1", lit("b'1'"));
        v.put("c_bit5", lit("b'11111'"));
        v.put("c_bit64", lit("b'" + "1".repeat(64) + "'"));
        v.put("c_json", "{\"id\": 1, \"tags\": [\"a\", \"\uD83D\uDE00\"]}");
        v.put("c_geo", lit("ST_GeomFromText('POINT(1 2)', 4326)"));
        v.put("c_point", lit("ST_GeomFromText('POINT(-71.0603 42.3583)', 4326)"));
        v.put("c_linestring", lit("ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0.5)')"));
        v.put("c_polygon", lit("ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))', 3857)"));
        v.put("c_multipolygon", lit("ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))', 4326)"));
        v.put("c_collection", lit("ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 1 1))')"));
        v.putAll(temporals("'9999-12-31 23:59:59.999999'", "'838:59:59.999999'", "'2038-01-19 03:14:07.999999'"));
        v.put("c_date", lit("'9999-12-31'"));
        v.put("c_date_nn", lit("'1000-01-01'"));
        return v;
    }

    private static Map<String, Object> min() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("c_tiny", -128);
        v.put("c_tiny_u", 0);
        v.put("c_bool", 0);
        v.put("c_small", -32768);
        v.put("c_small_u", 0);
        v.put("c_medium", -8388608);
        v.put("c_medium_u", 0);
        v.put("c_int", Integer.MIN_VALUE);
        v.put("c_int_u", 0);
        v.put("c_big", Long.MIN_VALUE);
        v.put("c_big_u", 0);
        v.put("c_dec", lit("-99999999999999999999.9999999999"));
        v.put("c_dec65", lit("-99999999999999999999999999999999999.999999999999999999999999999999"));
        v.put("c_dec0", lit("-99999999999999999999"));
        v.put("c_float", lit("-3.40282e38"));
        v.put("c_double", lit("-1.7976931348623157e308"));
        v.put("c_int_zf", 0);
        v.put("c_big_zf", 0);
        v.put("c_dec_zf", lit("0"));
        v.put("c_double_zf", lit("0"));
        v.put("c_float_md", lit("-9999.999"));
        for (String text : List.of("c_char", "c_varchar", "c_text", "c_tinytext", "c_mediumtext", "c_longtext",
                "c_latin1", "c_latin1_text", "c_gbk", "c_ucs2")) {
            v.put(text, "");
        }
        v.put("c_binary", new byte[] {1});
        for (String binary : List.of("c_varbinary", "c_tinyblob", "c_blob", "c_mediumblob", "c_longblob")) {
            v.put(binary, new byte[0]);
        }
        v.put("c_year", 1901);
        v.put("c_enum", "nope"); // not a member: stored as '' under a non-strict sql_mode
        v.put("c_set", "");
        v.put("c_bit1", lit("b'0'"));
        v.put("c_bit5", lit("b'0'"));
        v.put("c_bit64", lit("b'0'"));
        v.put("c_json", "{}");
        v.put("c_geo", lit("ST_GeomFromText('GEOMETRYCOLLECTION EMPTY')"));
        v.put("c_point", lit("ST_GeomFromText('POINT(0 0)')"));
        v.putAll(temporals("'1000-01-01 00:00:00'", "'-838:59:59.999999'", "'1970-01-01 00:00:01'"));
        v.put("c_date", lit("'0001-01-01'"));
        return v;
    }

    /** A row with the given values plus the same datetime, time and timestamp literal in every precision. */
    private static Map<String, Object> row(Map<String, Object> values, String dateTime, String time, String timestamp) {
        Map<String, Object> v = new LinkedHashMap<>(temporals(dateTime, time, timestamp));
        v.putAll(values);
        return v;
    }

    private static Map<String, Object> temporals(String dateTime, String time, String timestamp) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (String p : List.of("", "1", "2", "3", "4", "5", "6")) {
            v.put("c_dt" + p, lit(dateTime));
            v.put("c_time" + p, lit(time));
            v.put("c_ts" + p, lit(timestamp));
        }
        v.put("c_date", lit("DATE(" + dateTime + ")"));
        return v;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        if (n > 2) {
            b[0] = 0;
            b[n - 1] = 0;
        }
        return b;
    }
}

package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** A leader table with every supported type, created on both followers and filled with the same rows. */
final class AllTypesFixture {
    static final String TABLE = "all_types";
    static final String COLUMNS = "id, b, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, dec1, f, d, bit1, bit5, c, vc,"
            + " tt, tx, mt, lt, bin, vb, tb, bl, mb, lb, dt, tm, tm6, dtm, dtm6, ts, ts6, yr, en, st, js, geo, pt";
    private static final String ZERO_COLUMNS = "id, b, ti, dec1, f, d, bit1, bit5, c, vc, tx, bl, mb, dt, tm, dtm6,"
            + " ts, ts6, yr, en, st, js";

    private AllTypesFixture() {
    }

    static String create(String db) {
        return "CREATE TABLE " + db + "." + TABLE + " (id INT NOT NULL PRIMARY KEY, b TINYINT(1), ti TINYINT,"
                + " tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,"
                + " i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, dec1 DECIMAL(10,3) DEFAULT 1.500,"
                + " f FLOAT, d DOUBLE, bit1 BIT(1), bit5 BIT(5), c CHAR(10), vc VARCHAR(100) DEFAULT 'it''s',"
                + " tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, bin BINARY(4), vb VARBINARY(10), tb TINYBLOB,"
                + " bl BLOB, mb MEDIUMBLOB, lb LONGBLOB, dt DATE, tm TIME, tm6 TIME(6), dtm DATETIME, dtm6 DATETIME(6),"
                + " ts TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP, ts6 TIMESTAMP(6) NULL, yr YEAR,"
                + " en ENUM('a','b','it''s'), st SET('x','y','z'), js JSON, geo GEOMETRY, pt POINT,"
                + " UNIQUE KEY uk_vc (vc), KEY idx_i (i, bi), KEY idx_prefix (tx(10)), FULLTEXT KEY ft (tt))";
    }

    /** Rows as the leader and a MariaDB follower get them; TIMESTAMP literals are in +02:00. */
    static List<String> mariaDbRows(String db) {
        String t = db + "." + TABLE;
        return List.of("SET time_zone = '+02:00'",
                "INSERT INTO " + t + " (" + COLUMNS + ") VALUES (1, 1, -128, 255, -32768, 65535, -8388608, 16777215,"
                        + " -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, -1234567.125, 3.14159,"
                        + " 2.718281828459045, b'1', b'00101', 'abc', 'héllo 😀 emoji', 'tiny', 'text', 'medium', 'long',"
                        + " x'00010203', x'ff00', x'01', x'0203', x'', x'deadbeef', '2024-02-29', '12:34:56',"
                        + " '23:59:59.123456', '2024-03-10 12:34:56', '2024-03-10 12:34:56.654321',"
                        + " '2024-03-10 12:34:56', '2024-03-10 12:34:56.000001', 2024, 'it''s', 'x,z',"
                        + " '{\"b\": [1, 2.50, {\"z\": null, \"a\": true}], \"a\": \"😀\"}',"
                        + " ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), POINT(1.5, -2.25))",
                "INSERT INTO " + t + " (id, ts) VALUES (2, NULL)",
                "INSERT INTO " + t + " (" + ZERO_COLUMNS + ") VALUES (3, 0, 0, 0.000, 0, 1e300, b'0', b'00000', '', '',"
                        + " '', x'', x'', '1000-01-01', '00:00:00', '1970-01-01 00:00:00.000000',"
                        + " '2000-01-01 00:00:00', '2038-01-19 03:14:07', 1901, 'a', '', '[]')");
    }

    /** The same logical rows for PostgreSQL, converted as the applier would (WKB read from the leader). */
    static List<String> postgresRows(String db, String geoHex, String pointHex) {
        String t = "\"" + db + "\"." + TABLE;
        return List.of(
                "INSERT INTO " + t + " (" + COLUMNS + ") VALUES (1, true, -128, 255, -32768, 65535, -8388608, 16777215,"
                        + " -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, -1234567.125, 3.14159,"
                        + " 2.718281828459045, true, B'00101', 'abc', 'héllo 😀 emoji', 'tiny', 'text', 'medium', 'long',"
                        + " '\\x00010203', '\\xff00', '\\x01', '\\x0203', '\\x', '\\xdeadbeef', '2024-02-29', '12:34:56',"
                        + " '23:59:59.123456', '2024-03-10 12:34:56', '2024-03-10 12:34:56.654321',"
                        + " '2024-03-10 10:34:56+00', '2024-03-10 10:34:56.000001+00', 2024, 'it''s', 'x,z',"
                        + " '{\"a\": \"😀\", \"b\": [1, 2.5, {\"a\": true, \"z\": null}]}',"
                        + " '\\x" + geoHex + "', '\\x" + pointHex + "')",
                "INSERT INTO " + t + " (id, ts) VALUES (2, NULL)",
                "INSERT INTO " + t + " (" + ZERO_COLUMNS + ") VALUES (3, false, 0, 0.000, 0, 1e300, false, B'00000', '', '',"
                        + " '', '\\x', '\\x', '1000-01-01', '00:00:00', '1970-01-01 00:00:00.000000',"
                        + " '1999-12-31 22:00:00+00', '2038-01-19 01:14:07+00', 1901, 'a', '', '[]')");
    }

    /** Creates database {@code db} with the table on the leader and both followers, all holding the same rows. */
    static void load(String db, DatabaseServer leader, DatabaseServer pg, DatabaseServer maria) throws Exception {
        leader.execute(null, "CREATE DATABASE " + db, create(db));
        leader.execute(null, mariaDbRows(db).toArray(String[]::new));
        TableFilter filter = new TableFilter(List.of(db + ".*"), List.of());
        try (Connection l = leader.connect(null); Connection p = pg.connect(null); Connection m = maria.connect(null)) {
            FollowerSchema.create(l, p, DatabaseKind.POSTGRESQL, filter);
            FollowerSchema.create(l, m, DatabaseKind.MARIADB, filter);
            try (Statement s = l.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT HEX(ST_AsWKB(geo)), HEX(ST_AsWKB(pt)) FROM " + db + "." + TABLE + " WHERE id = 1")) {
                rs.next();
                pg.execute(null, postgresRows(db, rs.getString(1), rs.getString(2)).toArray(String[]::new));
            }
        }
        maria.execute(null, mariaDbRows(db).toArray(String[]::new));
    }
}

package io.understudy.it;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * Multi-statement transactions over a table holding every mapped MySQL type: inserts with edge values
 * (max/min integers, unsigned max, emoji, NULLs, negative TIME, fractional timestamps), updates,
 * primary-key changes, deletes, and (optionally) every 97th step a TRUNCATE. Not thread-safe.
 */
final class TypesWorkload {
    static final String DDL = """
            CREATE TABLE %s.all_types (
              id BIGINT NOT NULL PRIMARY KEY,
              c_tiny TINYINT, c_tiny_u TINYINT UNSIGNED, c_bool TINYINT(1), c_small SMALLINT, c_small_u SMALLINT UNSIGNED,
              c_medium MEDIUMINT, c_int INT, c_int_u INT UNSIGNED, c_big BIGINT, c_big_u BIGINT UNSIGNED,
              c_dec DECIMAL(30,10), c_float FLOAT, c_double DOUBLE,
              c_char CHAR(10), c_varchar VARCHAR(200), c_text TEXT, c_binary BINARY(4), c_varbinary VARBINARY(50), c_blob BLOB,
              c_date DATE, c_time TIME(6), c_datetime DATETIME(6), c_timestamp TIMESTAMP(6) NULL DEFAULT NULL, c_year YEAR,
              c_enum ENUM('small','medium','large'), c_set SET('red','green','blue'), c_bit1 BIT(1), c_bit5 BIT(5), c_json JSON
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    private static final String INSERT = "INSERT INTO %s.all_types VALUES (" + "?,".repeat(29) + "?)";
    private static final String[] TEXTS = {"plain", "emoji \uD83D\uDE80\uD83C\uDF89", "ümlaut ß", "", "quote ' and \\ backslash", "中文字符"};

    private final Connection leader;
    private final String schema;
    private final Random random;
    private final boolean truncates;
    private long nextId = 1;
    private int step;

    TypesWorkload(Connection leader, String schema, long seed) throws SQLException {
        this(leader, schema, seed, true);
    }

    /** @param truncates whether every 97th step truncates (MariaDB/MySQL triggers do not see TRUNCATE) */
    TypesWorkload(Connection leader, String schema, long seed, boolean truncates) throws SQLException {
        this.leader = leader;
        this.schema = schema;
        this.random = new Random(seed);
        this.truncates = truncates;
        leader.setAutoCommit(false);
    }

    /** One transaction of 1–5 statements; every 97th step also truncates the table. */
    void step() throws SQLException {
        step++;
        try (Statement s = leader.createStatement()) {
            if (truncates && step % 97 == 0) {
                s.execute("TRUNCATE TABLE " + schema + ".all_types");
                return;
            }
            int statements = 1 + random.nextInt(5);
            for (int i = 0; i < statements; i++) {
                int kind = random.nextInt(10);
                if (kind < 5 || nextId < 5) {
                    insert(nextId++);
                } else if (kind < 7) {
                    s.executeUpdate("UPDATE " + schema + ".all_types SET c_varchar = CONCAT(COALESCE(c_varchar,''), '+'), c_int = c_int + 1, "
                            + "c_datetime = NOW(6) WHERE id = " + (1 + random.nextInt((int) nextId)));
                } else if (kind < 8) {
                    long id = 1 + random.nextInt((int) nextId);
                    s.executeUpdate("UPDATE " + schema + ".all_types SET id = " + (nextId++) + " WHERE id = " + id);
                } else {
                    s.executeUpdate("DELETE FROM " + schema + ".all_types WHERE id = " + (1 + random.nextInt((int) nextId)));
                }
            }
        } finally {
            leader.commit();
        }
    }

    private void insert(long id) throws SQLException {
        boolean nulls = random.nextInt(8) == 0;
        boolean extremes = random.nextInt(4) == 0;
        try (PreparedStatement p = leader.prepareStatement(INSERT.formatted(schema))) {
            int i = 1;
            p.setLong(i++, id);
            if (nulls) {
                for (; i <= 30; i++) {
                    p.setNull(i, java.sql.Types.NULL);
                }
                p.executeUpdate();
                return;
            }
            p.setInt(i++, extremes ? -128 : random.nextInt(256) - 128);
            p.setInt(i++, extremes ? 255 : random.nextInt(256));
            p.setInt(i++, random.nextInt(2));
            p.setInt(i++, extremes ? Short.MIN_VALUE : random.nextInt(65536) - 32768);
            p.setInt(i++, extremes ? 65535 : random.nextInt(65536));
            p.setInt(i++, extremes ? -8388608 : random.nextInt(16777216) - 8388608);
            p.setInt(i++, extremes ? Integer.MIN_VALUE : random.nextInt());
            p.setLong(i++, extremes ? 4294967295L : Integer.toUnsignedLong(random.nextInt()));
            p.setLong(i++, extremes ? Long.MAX_VALUE : random.nextLong());
            p.setBigDecimal(i++, new BigDecimal(extremes ? new BigInteger("18446744073709551615") : BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE)));
            p.setBigDecimal(i++, extremes ? new BigDecimal("-99999999999999999999.9999999999") : BigDecimal.valueOf(random.nextLong(), 10));
            p.setFloat(i++, extremes ? 3.40282e38f : (float) (random.nextInt(100000) / 8.0));
            p.setDouble(i++, extremes ? -1.7976931348623157e308 : random.nextDouble() * 1e6);
            p.setString(i++, TEXTS[random.nextInt(TEXTS.length)].substring(0, 0) + "c" + random.nextInt(1000));
            p.setString(i++, TEXTS[random.nextInt(TEXTS.length)]);
            p.setString(i++, TEXTS[random.nextInt(TEXTS.length)].repeat(1 + random.nextInt(20)));
            p.setBytes(i++, new byte[] {0, (byte) 0xff, (byte) random.nextInt(256), 1});
            p.setBytes(i++, randomBytes(random.nextInt(50)));
            p.setBytes(i++, randomBytes(random.nextInt(3000)));
            p.setString(i++, extremes ? "1000-01-01" : "20" + (10 + random.nextInt(20)) + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10));
            p.setString(i++, extremes ? "-838:59:59.000000" : (random.nextBoolean() ? "-" : "") + random.nextInt(200) + ":0" + random.nextInt(10) + ":1" + random.nextInt(10) + "." + (100000 + random.nextInt(900000)));
            p.setString(i++, extremes ? "9999-12-31 23:59:59.999999" : "2024-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10) + " 1" + random.nextInt(10) + ":3" + random.nextInt(10) + ":00." + (100000 + random.nextInt(900000)));
            p.setString(i++, extremes ? "2038-01-19 03:14:07.999999" : "2021-0" + (1 + random.nextInt(9)) + "-2" + random.nextInt(8) + " 0" + random.nextInt(10) + ":00:00.123456");
            p.setInt(i++, extremes ? 2155 : 1901 + random.nextInt(254));
            p.setString(i++, new String[] {"small", "medium", "large"}[random.nextInt(3)]);
            p.setString(i++, new String[] {"", "red", "red,blue", "red,green,blue"}[random.nextInt(4)]);
            p.setBoolean(i++, random.nextBoolean());
            p.setInt(i++, random.nextInt(32));
            p.setString(i++, "{\"id\": " + id + ", \"tags\": [\"a\", \"\uD83D\uDE00\"], \"nested\": {\"x\": " + random.nextInt(100) + ", \"ok\": true}}");
            p.executeUpdate();
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}

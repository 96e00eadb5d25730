package io.understudy.bench;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The row shape every apply-benchmark table shares, like sysbench's {@code sbtest}: {@code id} key,
 * indexed {@code k}, {@code c CHAR(120)}, {@code pad CHAR(60)}; values derive from the id so the leader,
 * the workloads and the raw-ceiling writer produce the same bytes. Stateless.
 */
final class BenchRows {
    static final int ROWS_PER_INSERT = 1000;

    private BenchRows() {
    }

    /** MariaDB DDL of a table with this shape. */
    static String mariaTable(String table) {
        return "CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, k INT NOT NULL DEFAULT 0,"
                + " c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_idx (k)) ENGINE=InnoDB";
    }

    /** PostgreSQL DDL of a table with this shape (index created separately). */
    static String[] postgresTable(String table) {
        return new String[] {"CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, k INT NOT NULL DEFAULT 0,"
                + " c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '')",
                "CREATE INDEX ON " + table + " (k)"};
    }

    /** {@code INSERT INTO table (id, k, c, pad) VALUES (?,?,?,?), ...} with {@code rows} tuples. */
    static String multiRowInsert(String table, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (id, k, c, pad) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(?,?,?,?)" : ",(?,?,?,?)");
        }
        return sql.toString();
    }

    /** Binds row {@code id} at tuple {@code index} of a statement from {@link #multiRowInsert}. */
    static void bind(PreparedStatement ps, int index, long id) throws SQLException {
        int p = index * 4;
        ps.setLong(p + 1, id);
        ps.setInt(p + 2, k(id));
        ps.setString(p + 3, c(id));
        ps.setString(p + 4, pad(id));
    }

    static int k(long id) {
        return (int) ((id * 2654435761L) % 100_000);
    }

    static String c(long id) {
        return fill(id + "-" + Long.toHexString(id * 0x9E3779B97F4A7C15L) + "-", 120);
    }

    static String pad(long id) {
        return fill(Long.toString(id * 31 + 7, 36) + "#", 60);
    }

    private static String fill(String unit, int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            s.append(unit);
        }
        return s.substring(0, length - 1) + "x"; // no trailing space: CHAR semantics differ between engines
    }
}

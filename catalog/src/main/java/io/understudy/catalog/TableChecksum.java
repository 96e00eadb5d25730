package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checksums a table's content so that a leader table (MySQL/MariaDB or PostgreSQL) and its copy on a MariaDB,
 * MySQL or PostgreSQL follower give the same {@link Checksum} exactly when they hold the same rows.
 *
 * <p>Each row becomes a list of canonical values (see docs/type-mapping.md, "Checksums"): numbers and
 * booleans as plain decimals (1/0), FLOAT rounded to 6 and DOUBLE to 15 significant digits, strings as-is,
 * binary and geometry (WKB) as hex, dates {@code yyyy-MM-dd}, times {@code [-]HH:MM:SS.ffffff}, datetimes and
 * timestamps {@code yyyy-MM-ddTHH:MM:SS.ffffff} in UTC, JSON re-serialized with sorted keys, BIT(n) as a bit
 * string, NULL as a marker distinct from every value. The row's SHA-256 (first 128 bits) is added to a sum
 * modulo 2^128, so row order (and thus collation) does not matter and no ORDER BY is needed.
 *
 * <p>Side effects on the connection: its session time zone is set to UTC; on PostgreSQL the rows are read
 * in a transaction (so they stream) that is ended and the auto-commit state restored afterwards.
 * Stateless and thread-safe; a connection must not be used by another thread during a call.
 */
public final class TableChecksum {
    private static final int FETCH_SIZE = 1000;

    private TableChecksum() {
    }

    /**
     * Checksums {@code table} on the database behind {@code c}.
     *
     * @param kind       the engine of {@code c}
     * @param table      where the table lives on that database
     * @param keyColumns the key columns; hashed with the row (prepended if missing from {@code columns})
     * @param columns    the columns to compare, in the same order on both sides
     * @throws IllegalArgumentException if the table or a column does not exist there
     * @throws IllegalStateException    if reading fails
     */
    public static Checksum of(Connection c, DatabaseKind kind, TableId table, List<String> keyColumns,
                              List<String> columns) {
        List<String> all = new ArrayList<>(keyColumns.stream().filter(k -> !columns.contains(k)).toList());
        all.addAll(columns);
        try {
            setUtc(c, kind);
            List<ChecksumQuery.Column> plan = ChecksumQuery.columns(c, kind, table, all);
            String sql = "SELECT " + plan.stream().map(ChecksumQuery.Column::expression).collect(Collectors.joining(", "))
                    + " FROM " + Quoting.table(kind, table);
            return kind.isMySqlFamily() ? scan(c, sql, plan) : scanInTransaction(c, sql, plan);
        } catch (SQLException e) {
            throw new IllegalStateException("checksumming table " + table + " on the " + kind.configName()
                    + " database failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
        }
    }

    /**
     * Checksums every table on the leader and on the follower (same schema and table names there). The leader's
     * engine comes from each definition: PostgreSQL for {@link TableDef#fromPostgres()}, else MariaDB or MySQL.
     *
     * @return per table, in the order given, the leader's and the follower's checksum
     */
    public static Map<TableId, ChecksumComparison> ofAll(Connection leader, Connection follower,
                                                         DatabaseKind followerKind, List<TableDef> tables) {
        Map<TableId, ChecksumComparison> result = new LinkedHashMap<>();
        DatabaseKind mysqlLeader = null;
        for (TableDef t : tables) {
            if (!t.fromPostgres() && mysqlLeader == null) {
                mysqlLeader = mysqlKind(leader);
            }
            DatabaseKind leaderKind = t.fromPostgres() ? DatabaseKind.POSTGRESQL : mysqlLeader;
            Checksum l = of(leader, leaderKind, t.id(), t.primaryKey(), t.columnNames());
            Checksum f = of(follower, followerKind, t.id(), t.primaryKey(), t.columnNames());
            result.put(t.id(), new ChecksumComparison(t.id(), l, f));
        }
        return result;
    }

    private static DatabaseKind mysqlKind(Connection leader) {
        try {
            return LeaderCatalog.isMariaDb(leader) ? DatabaseKind.MARIADB : DatabaseKind.MYSQL;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the leader's version: " + e.getMessage(), e);
        }
    }

    /** Sets the session time zone to UTC, so temporal values format the same on every engine. */
    static void setUtc(Connection c, DatabaseKind kind) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(kind.isMySqlFamily() ? "SET time_zone = '+00:00'" : "SET TIME ZONE 'UTC'");
        }
    }

    private static Checksum scanInTransaction(Connection c, String sql, List<ChecksumQuery.Column> plan)
            throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            return scan(c, sql, plan);
        }
        c.setAutoCommit(false);
        try {
            return scan(c, sql, plan);
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static Checksum scan(Connection c, String sql, List<ChecksumQuery.Column> plan) throws SQLException {
        MessageDigest sha = sha256();
        long rows = 0;
        long hi = 0;
        long lo = 0;
        try (Statement s = c.createStatement()) {
            s.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    byte[] h = rowHash(sha, rs, plan);
                    long rowHi = toLong(h, 0);
                    long rowLo = toLong(h, 8);
                    long sum = lo + rowLo;
                    hi += rowHi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
                    lo = sum;
                    rows++;
                }
            }
        }
        return new Checksum(rows, String.format("%016x%016x", hi, lo));
    }

    private static byte[] rowHash(MessageDigest sha, ResultSet rs, List<ChecksumQuery.Column> plan) throws SQLException {
        return rowHash(sha, rs, plan, 1, new String[plan.size()]);
    }

    /**
     * The SHA-256 of one row's canonical values, read from {@code plan.size()} columns of {@code rs} starting at
     * {@code firstColumn}; the canonical values are also stored into {@code canonical}.
     */
    static byte[] rowHash(MessageDigest sha, ResultSet rs, List<ChecksumQuery.Column> plan, int firstColumn,
                          String[] canonical) throws SQLException {
        sha.reset();
        for (int i = 0; i < plan.size(); i++) {
            String v = plan.get(i).kind().read(rs, firstColumn + i);
            canonical[i] = v;
            if (v == null) {
                sha.update((byte) 0);
            } else {
                byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) 1);
                sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                        (byte) (bytes.length >>> 8), (byte) bytes.length});
                sha.update(bytes);
            }
        }
        return sha.digest();
    }

    private static long toLong(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}

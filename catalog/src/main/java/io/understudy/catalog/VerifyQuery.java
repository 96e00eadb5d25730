package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SELECTs {@link ChunkedVerifier} runs on one side (leader or follower) of one table: the raw key columns
 * (to bind them again) followed by {@link ChecksumQuery}'s canonical expressions of every column, restricted by
 * key. Composite key comparisons are spelled out as OR/AND so MariaDB uses the primary key's range access.
 * Immutable; one call at a time per connection.
 */
final class VerifyQuery {
    /** One row read: its canonical key, the driver's key values and the SHA-256 of all canonical values. */
    record Image(List<String> key, List<Object> keyValues, byte[] hash) {
        boolean sameValues(Image other) {
            return Arrays.equals(hash, other.hash);
        }
    }

    private final DatabaseKind kind;
    private final TableId table;
    private final List<String> keys;
    private final List<ChecksumQuery.Column> plan;
    private final int[] keyPositions;
    private final String select;

    private VerifyQuery(DatabaseKind kind, TableId table, List<String> keys, List<ChecksumQuery.Column> plan,
                        List<String> planNames) {
        this.kind = kind;
        this.table = table;
        this.keys = keys;
        this.plan = plan;
        this.keyPositions = keys.stream().mapToInt(planNames::indexOf).toArray();
        this.select = "SELECT " + Quoting.columns(kind, keys) + ", "
                + plan.stream().map(ChecksumQuery.Column::expression).collect(Collectors.joining(", "))
                + " FROM " + Quoting.table(kind, table);
    }

    /** Reads the column types on {@code c}; columns are hashed in the given order, key columns first if absent. */
    static VerifyQuery prepare(Connection c, DatabaseKind kind, TableId table, List<String> keys, List<String> columns)
            throws SQLException {
        List<String> all = new ArrayList<>(keys.stream().filter(k -> !columns.contains(k)).toList());
        all.addAll(columns);
        return new VerifyQuery(kind, table, keys, ChecksumQuery.columns(c, kind, table, all), all);
    }

    /** Up to {@code limit} rows with keys after {@code after} (from the start when null), in key order. */
    Map<List<String>, Image> page(Connection c, List<Object> after, int limit, MessageDigest sha) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = after == null ? "" : " WHERE " + compare(after, false, params);
        // by position: PostgreSQL would find a key column's name twice (raw and cast to text)
        String order = java.util.stream.IntStream.rangeClosed(1, keys.size()).mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
        return run(c, select + where + " ORDER BY " + order + " LIMIT " + limit, params, sha);
    }

    /** Rows with keys after {@code after} and up to {@code upTo} inclusive; a null bound is open. */
    Map<List<String>, Image> range(Connection c, List<Object> after, List<Object> upTo, MessageDigest sha)
            throws SQLException {
        List<Object> params = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        if (after != null) {
            conditions.add(compare(after, false, params));
        }
        if (upTo != null) {
            conditions.add(compare(upTo, true, params));
        }
        String where = conditions.isEmpty() ? "" : " WHERE (" + String.join(") AND (", conditions) + ")";
        return run(c, select + where, params, sha);
    }

    /** The rows whose key is one of {@code keyValues} (as the database's own collation compares them). */
    Map<List<String>, Image> lookup(Connection c, List<List<Object>> keyValues, MessageDigest sha) throws SQLException {
        if (keyValues.isEmpty()) {
            return Map.of();
        }
        String one = keys.size() == 1 ? "?" : "(" + "?, ".repeat(keys.size() - 1) + "?)";
        String left = keys.size() == 1 ? Quoting.quote(kind, keys.get(0)) : "(" + Quoting.columns(kind, keys) + ")";
        String in = String.join(", ", java.util.Collections.nCopies(keyValues.size(), one));
        List<Object> params = keyValues.stream().flatMap(List::stream).toList();
        return run(c, select + " WHERE " + left + " IN (" + in + ")", params, sha);
    }

    /** Lexicographic {@code (keys) > (bound)}, or {@code (keys) <= (bound)} when {@code atMost}. */
    private String compare(List<Object> bound, boolean atMost, List<Object> params) {
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            List<String> terms = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                terms.add(Quoting.quote(kind, keys.get(j)) + " = ?");
                params.add(bound.get(j));
            }
            String op = !atMost ? " > ?" : i == keys.size() - 1 ? " <= ?" : " < ?";
            terms.add(Quoting.quote(kind, keys.get(i)) + op);
            params.add(bound.get(i));
            alternatives.add(String.join(" AND ", terms));
        }
        return alternatives.size() == 1 ? alternatives.get(0) : "(" + String.join(") OR (", alternatives) + ")";
    }

    private Map<List<String>, Image> run(Connection c, String sql, List<Object> params, MessageDigest sha)
            throws SQLException {
        Map<List<String>, Image> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                if (kind == DatabaseKind.POSTGRESQL && params.get(i) instanceof String text) {
                    // untyped, so PostgreSQL reads it as the key column's type (uuid, enum, ...), not as varchar
                    ps.setObject(i + 1, text, Types.OTHER);
                } else {
                    ps.setObject(i + 1, params.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                String[] canonical = new String[plan.size()];
                while (rs.next()) {
                    List<Object> keyValues = new ArrayList<>(keys.size());
                    for (int i = 1; i <= keys.size(); i++) {
                        keyValues.add(kind == DatabaseKind.POSTGRESQL ? postgresKey(rs, i) : rs.getObject(i));
                    }
                    byte[] hash = TableChecksum.rowHash(sha, rs, plan, keys.size() + 1, canonical);
                    List<String> key = Arrays.stream(keyPositions).mapToObj(p -> canonical[p]).toList();
                    rows.put(key, new Image(key, keyValues, hash));
                }
            }
        }
        return rows;
    }

    /**
     * A PostgreSQL key value in a form the other engine can bind too: uuid, enum and other types as their text;
     * character(n) without its padding, which PostgreSQL ignores when comparing (MariaDB/MySQL CHAR drops it).
     */
    private static Object postgresKey(ResultSet rs, int column) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null || value instanceof Number || value instanceof java.time.temporal.Temporal
                || value instanceof java.util.Date || value instanceof byte[] || value instanceof Boolean) {
            return value;
        }
        String text = rs.getString(column);
        if (!"bpchar".equals(rs.getMetaData().getColumnTypeName(column))) {
            return text;
        }
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end);
    }

    TableId table() {
        return table;
    }

    DatabaseKind kind() {
        return kind;
    }
}

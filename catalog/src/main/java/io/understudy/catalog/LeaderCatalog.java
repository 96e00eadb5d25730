package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads table definitions from a MySQL or MariaDB leader's {@code information_schema}. Views, sequences and
 * the system schemas are never tables. Foreign keys and triggers are not read: followers never get them.
 *
 * <p>Stateless and thread-safe; each call uses only the connection passed in (which must not be used by
 * another thread meanwhile) and leaves its state unchanged.
 */
public final class LeaderCatalog {
    private static final Set<String> TABLE_TYPES = Set.of("BASE TABLE", "SYSTEM VERSIONED");
    private static final String SYSTEM_SCHEMAS = "('mysql','information_schema','performance_schema','sys')";
    private static final Pattern JSON_VALID = Pattern.compile("(?i)^\\s*json_valid\\(\\s*`?([^`()]+)`?\\s*\\)\\s*$");
    private static final Set<String> UNQUOTED_DEFAULT_TYPES = Set.of("tinyint", "smallint", "mediumint", "int",
            "bigint", "decimal", "float", "double", "bit", "year");

    private LeaderCatalog() {
    }

    /** Like {@link #tables(Connection, TableFilter)} for a leader of {@code kind} (PostgreSQL: {@link PostgresLeaderCatalog}). */
    public static List<TableDef> tables(Connection leader, DatabaseKind kind, TableFilter filter) {
        return kind == DatabaseKind.POSTGRESQL ? PostgresLeaderCatalog.tables(leader, filter) : tables(leader, filter);
    }

    /** Like {@link #tableIds(Connection, TableFilter)} for a leader of {@code kind}. */
    public static List<TableId> tableIds(Connection leader, DatabaseKind kind, TableFilter filter) {
        return kind == DatabaseKind.POSTGRESQL ? PostgresLeaderCatalog.tableIds(leader, filter) : tableIds(leader, filter);
    }

    /** Like {@link #table(Connection, TableId)} for a leader of {@code kind}. */
    public static TableDef table(Connection leader, DatabaseKind kind, TableId id) {
        return kind == DatabaseKind.POSTGRESQL ? PostgresLeaderCatalog.table(leader, id) : table(leader, id);
    }

    /** The leader's base tables that {@code filter} includes, ordered by schema and name, with full definitions. */
    public static List<TableDef> tables(Connection leader, TableFilter filter) {
        List<TableDef> result = new ArrayList<>();
        for (TableId id : tableIds(leader, filter)) {
            result.add(table(leader, id));
        }
        return result;
    }

    /** The ids of the leader's base tables that {@code filter} includes, ordered by schema and name. */
    public static List<TableId> tableIds(Connection leader, TableFilter filter) {
        List<String> schemas = filter.literalSchemas();
        String sql = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA NOT IN " + SYSTEM_SCHEMAS
                + (schemas.isEmpty() ? "" : " AND TABLE_SCHEMA IN (" + "?,".repeat(schemas.size() - 1) + "?)")
                + " ORDER BY TABLE_SCHEMA, TABLE_NAME";
        List<TableId> ids = new ArrayList<>();
        try (PreparedStatement ps = leader.prepareStatement(sql)) {
            for (int i = 0; i < schemas.size(); i++) {
                ps.setString(i + 1, schemas.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableId id = new TableId(rs.getString(1), rs.getString(2));
                    if (TABLE_TYPES.contains(rs.getString(3)) && filter.includes(id)) {
                        ids.add(id);
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("listing tables", null, e);
        }
        return ids;
    }

    /**
     * The definition of one leader table.
     *
     * @throws IllegalArgumentException if the table does not exist or is a view
     * @throws IllegalStateException    if the catalog cannot be read
     */
    public static TableDef table(Connection leader, TableId id) {
        try {
            requireBaseTable(leader, id);
            boolean mariadb = isMariaDb(leader);
            List<ColumnDef> columns = columns(leader, id, mariadb);
            if (mariadb) {
                columns = markJsonColumns(columns, jsonValidColumns(leader, id));
            }
            Map<String, IndexDef> indexes = indexes(leader, id);
            IndexDef primary = indexes.remove("PRIMARY");
            List<String> key = primary == null ? List.of()
                    : primary.parts().stream().map(IndexDef.Part::column).toList();
            return new TableDef(id, columns, key, List.copyOf(indexes.values()));
        } catch (SQLException e) {
            throw failure("reading the definition of", id, e);
        }
    }

    /** Whether the server behind {@code c} is MariaDB (as opposed to MySQL). */
    public static boolean isMariaDb(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT VERSION()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1).toLowerCase(Locale.ROOT).contains("mariadb");
        }
    }

    private static void requireBaseTable(Connection c, TableId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_TYPE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("table " + id + " does not exist on the leader"
                            + " (or the replication user may not see it); check the table name and grants");
                }
                if (!TABLE_TYPES.contains(rs.getString(1))) {
                    throw new IllegalArgumentException(id + " on the leader is a " + rs.getString(1)
                            + ", not a table; exclude it from the table filter");
                }
            }
        }
    }

    private static List<ColumnDef> columns(Connection c, TableId id, boolean mariadb) throws SQLException {
        String sql = "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH,"
                + " NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, COLUMN_DEFAULT, EXTRA"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
        List<ColumnDef> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String dataType = rs.getString(2).toLowerCase(Locale.ROOT);
                    String extra = nullToEmpty(rs.getString(10)).toLowerCase(Locale.ROOT);
                    columns.add(new ColumnDef(rs.getString(1), dataType, rs.getString(3),
                            "YES".equals(rs.getString(4)), longOrNull(rs, 5), intOrNull(rs, 6), intOrNull(rs, 7),
                            intOrNull(rs, 8), normalizeDefault(rs.getString(9), dataType, extra, mariadb),
                            extra.contains("auto_increment")));
                }
            }
        }
        return columns;
    }

    /** Brings MySQL's bare default values into MariaDB's expression form (see {@link ColumnDef#defaultValue()}). */
    static String normalizeDefault(String raw, String dataType, String extra, boolean mariadb) {
        if (raw == null) {
            return null;
        }
        if (mariadb) {
            return raw.equalsIgnoreCase("NULL") ? null : raw;
        }
        if (extra.contains("default_generated") || UNQUOTED_DEFAULT_TYPES.contains(dataType)) {
            return raw;
        }
        return "'" + raw.replace("'", "''") + "'";
    }

    private static Set<String> jsonValidColumns(Connection c, TableId id) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Matcher m = JSON_VALID.matcher(nullToEmpty(rs.getString(1)));
                    if (m.matches()) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    private static List<ColumnDef> markJsonColumns(List<ColumnDef> columns, Set<String> jsonColumns) {
        return columns.stream().map(col -> jsonColumns.contains(col.name()) && col.dataType().endsWith("text")
                ? new ColumnDef(col.name(), "json", col.columnType(), col.nullable(), col.charMaxLength(),
                        col.numericPrecision(), col.numericScale(), col.datetimePrecision(), col.defaultValue(),
                        col.autoIncrement())
                : col).toList();
    }

    /** All indexes incl. PRIMARY, in name order; functional (expression) indexes are left out. */
    private static Map<String, IndexDef> indexes(Connection c, TableId id) throws SQLException {
        Map<String, List<IndexDef.Part>> parts = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> functional = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE"
                + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                + " ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    unique.put(name, rs.getInt(2) == 0);
                    types.put(name, nullToEmpty(rs.getString(5)));
                    if (rs.getString(3) == null) {
                        functional.add(name);
                    } else {
                        parts.computeIfAbsent(name, n -> new ArrayList<>())
                                .add(new IndexDef.Part(rs.getString(3), intOrNull(rs, 4)));
                    }
                }
            }
        }
        Map<String, IndexDef> result = new LinkedHashMap<>();
        parts.forEach((name, p) -> {
            if (!functional.contains(name)) {
                result.put(name, new IndexDef(name, unique.get(name), types.get(name), p));
            }
        });
        return result;
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : (int) Math.min(v, Integer.MAX_VALUE);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static IllegalStateException failure(String what, TableId id, SQLException e) {
        return new IllegalStateException(what + (id == null ? "" : " table " + id) + " from the leader's"
                + " information_schema failed: " + e.getMessage()
                + " (SQLState " + e.getSQLState() + "); check that the leader is reachable and the user may read"
                + " information_schema", e);
    }
}

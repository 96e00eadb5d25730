package io.understudy.applier;

import io.understudy.model.ReplicationException;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads follower table definitions once per table and caches them. {@link #clear()} forgets them, for
 * example after a failed transaction, so that a follower table fixed by the operator is read again.
 * Not thread-safe: used by the applier's one thread.
 */
final class TableCatalog {
    private final FollowerRef where;
    private final Dialect dialect;
    private final Map<TableId, FollowerTable> tables = new HashMap<>();

    TableCatalog(FollowerRef where, Dialect dialect) {
        this.where = where;
        this.dialect = dialect;
    }

    FollowerTable table(Connection connection, TableId leaderTable) throws SQLException {
        FollowerTable cached = tables.get(leaderTable);
        if (cached != null) {
            return cached;
        }
        FollowerTable loaded = load(connection, leaderTable);
        tables.put(leaderTable, loaded);
        return loaded;
    }

    void clear() {
        tables.clear();
    }

    private FollowerTable load(Connection connection, TableId t) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String schema = t.schema();
        String table = t.table();
        Map<String, FollowerColumn> columns = read(md, schema, table);
        if (columns.isEmpty() && dialect instanceof PostgresDialect) {
            // unquoted names fold to lower case on PostgreSQL
            schema = schema.toLowerCase(Locale.ROOT);
            table = table.toLowerCase(Locale.ROOT);
            columns = read(md, schema, table);
        }
        if (columns.isEmpty()) {
            throw new ReplicationException(where + ": leader table " + t + " has no follower table "
                    + dialect.describeTarget(t) + ". Create it on the follower with the leader's columns and key "
                    + "(Understudy does not replicate DDL), then restart Understudy.");
        }
        return new FollowerTable(where, t, dialect.qualified(schema, table), columns, uniqueIndexes(md, schema, table),
                primaryKey(md, schema, table), autoUpdated(connection, schema, table));
    }

    private Map<String, FollowerColumn> read(DatabaseMetaData md, String schema, String table) throws SQLException {
        String esc = md.getSearchStringEscape();
        String tablePattern = escape(table, esc);
        Map<String, FollowerColumn> columns = new LinkedHashMap<>();
        try (ResultSet rs = dialect.schemaIsCatalog()
                ? md.getColumns(schema, null, tablePattern, "%")
                : md.getColumns(null, escape(schema, esc), tablePattern, "%")) {
            while (rs.next()) {
                String owner = dialect.schemaIsCatalog() ? rs.getString("TABLE_CAT") : rs.getString("TABLE_SCHEM");
                if (!schema.equalsIgnoreCase(owner) || !table.equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                    continue; // LIKE patterns and case-insensitive file systems can match neighbours
                }
                String name = rs.getString("COLUMN_NAME");
                int scale = rs.getInt("DECIMAL_DIGITS");
                columns.put(name, new FollowerColumn(name, rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"),
                        rs.getInt("COLUMN_SIZE"), rs.wasNull() ? -1 : scale));
            }
        }
        return columns;
    }

    private int uniqueIndexes(DatabaseMetaData md, String schema, String table) throws SQLException {
        java.util.Set<String> names = new java.util.HashSet<>();
        try (ResultSet rs = dialect.schemaIsCatalog() ? md.getIndexInfo(schema, null, table, true, true)
                : md.getIndexInfo(null, schema, table, true, true)) {
            while (rs.next()) {
                String name = rs.getString("INDEX_NAME");
                if (name != null && !rs.getBoolean("NON_UNIQUE")) {
                    names.add(name);
                }
            }
        }
        return names.size();
    }

    /** MariaDB/MySQL columns with ON UPDATE CURRENT_TIMESTAMP (a PostgreSQL follower has none). */
    private List<String> autoUpdated(Connection connection, String schema, String table) throws SQLException {
        if (!(dialect instanceof MySqlFamilyDialect)) {
            return List.of();
        }
        List<String> columns = new java.util.ArrayList<>();
        try (var ps = connection.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ? AND LOWER(EXTRA) LIKE '%on update%' ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private List<String> primaryKey(DatabaseMetaData md, String schema, String table) throws SQLException {
        java.util.TreeMap<Short, String> columns = new java.util.TreeMap<>();
        try (ResultSet rs = dialect.schemaIsCatalog() ? md.getPrimaryKeys(schema, null, table)
                : md.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) {
                columns.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(columns.values());
    }

    private static String escape(String name, String esc) {
        if (esc == null || esc.isEmpty()) {
            return name;
        }
        return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }
}

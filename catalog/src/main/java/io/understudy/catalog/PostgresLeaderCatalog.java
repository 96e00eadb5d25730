package io.understudy.catalog;

import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads table definitions from a PostgreSQL leader's {@code pg_catalog}; the PostgreSQL counterpart of
 * {@link LeaderCatalog}. Every definition has {@link TableDef.Source#POSTGRESQL}; how columns are spelled is
 * described on {@link ColumnDef}.
 *
 * <p>Which relations are tables:
 * <ul>
 *   <li>ordinary tables and <b>partitioned tables</b>; a partitioned table is one table (its rows are those of all
 *       its partitions, and row triggers on it fire for rows written through a partition), so partitions
 *       themselves are never listed;</li>
 *   <li>never views, materialized views, foreign tables, sequences, temporary tables, tables that belong to an
 *       extension (PostGIS's {@code spatial_ref_sys}), nor anything in {@code pg_catalog},
 *       {@code information_schema}, {@code understudy} or another {@code pg_*} schema.</li>
 * </ul>
 * Indexes: the primary key, and unique and plain B-tree and hash indexes on plain columns (their key columns; INCLUDE
 * columns are left out). Expression, partial, invalid and other access-method indexes (GIN, GiST, BRIN, SP-GiST)
 * are left out. A unique index that backs a DEFERRABLE constraint is reported as non-unique: a follower checks each
 * row at once and could refuse an order of rows the leader accepted at commit.
 *
 * <p>Stateless and thread-safe; each call uses only the connection passed in (which must not be used by another
 * thread meanwhile) and leaves its session unchanged.
 */
public final class PostgresLeaderCatalog {
    private static final String CAPTURABLE = "c.relkind IN ('r', 'p') AND NOT c.relispartition"
            + " AND c.relpersistence <> 't'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass"
            + " AND d.objid = c.oid AND d.deptype = 'e')";
    private static final String USER_SCHEMAS = "n.nspname NOT IN ('information_schema', 'understudy')"
            + " AND n.nspname NOT LIKE 'pg\\_%'";

    private PostgresLeaderCatalog() {
    }

    /** The leader's tables that {@code filter} includes, ordered by schema and name, with full definitions. */
    public static List<TableDef> tables(Connection leader, TableFilter filter) {
        List<TableDef> result = new ArrayList<>();
        for (TableId id : tableIds(leader, filter)) {
            result.add(table(leader, id));
        }
        return result;
    }

    /** The ids of the leader's tables that {@code filter} includes, ordered by schema and name. */
    public static List<TableId> tableIds(Connection leader, TableFilter filter) {
        List<String> schemas = filter.literalSchemas();
        String sql = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + CAPTURABLE + " AND " + USER_SCHEMAS
                + (schemas.isEmpty() ? "" : " AND n.nspname IN (" + "?,".repeat(schemas.size() - 1) + "?)")
                + " ORDER BY n.nspname, c.relname";
        List<TableId> ids = new ArrayList<>();
        try (PreparedStatement ps = leader.prepareStatement(sql)) {
            for (int i = 0; i < schemas.size(); i++) {
                ps.setString(i + 1, schemas.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableId id = new TableId(rs.getString(1), rs.getString(2));
                    if (filter.includes(id)) {
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
     * @throws IllegalArgumentException if the table does not exist, or is not a table (a view, a partition, ...)
     * @throws IllegalStateException    if the catalog cannot be read
     */
    public static TableDef table(Connection leader, TableId id) {
        try {
            long oid = requireTable(leader, id);
            List<ColumnDef> columns = PostgresLeaderColumns.read(leader, oid);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("table " + id + " on the leader has no columns; there is nothing"
                        + " to replicate, exclude it from the table filter");
            }
            List<String> key = new ArrayList<>();
            List<IndexDef> indexes = indexes(leader, oid, key);
            return new TableDef(id, columns, key, indexes, TableDef.Source.POSTGRESQL);
        } catch (SQLException e) {
            throw failure("reading the definition of", id, e);
        }
    }

    private static long requireTable(Connection c, TableId id) throws SQLException {
        String sql = "SELECT c.oid, c.relkind, c.relispartition, c.relpersistence,"
                + " (SELECT p.inhparent::regclass::text FROM pg_catalog.pg_inherits p WHERE p.inhrelid = c.oid LIMIT 1),"
                + " (" + CAPTURABLE + ") FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("table " + id + " does not exist on the leader (or the"
                            + " replication user may not see it); check the table name and grants");
                }
                if (rs.getBoolean(3)) {
                    throw new IllegalArgumentException(id + " on the leader is a partition of " + rs.getString(5)
                            + "; capture the partitioned table, which covers all its partitions");
                }
                if (!rs.getBoolean(6)) {
                    throw new IllegalArgumentException(id + " on the leader is " + describe(rs.getString(2),
                            rs.getString(4)) + ", not a table that can be captured; exclude it from the table filter");
                }
                return rs.getLong(1);
            }
        }
    }

    private static String describe(String relkind, String persistence) {
        if ("t".equals(persistence)) {
            return "a temporary table";
        }
        return switch (relkind) {
            case "v" -> "a view";
            case "m" -> "a materialized view";
            case "f" -> "a foreign table";
            case "S" -> "a sequence";
            case "r", "p" -> "a table that belongs to an extension";
            default -> "a relation of kind '" + relkind + "'";
        };
    }

    /** Unique and secondary indexes in name order; the primary key's columns go into {@code primaryKey}. */
    private static List<IndexDef> indexes(Connection c, long oid, List<String> primaryKey) throws SQLException {
        String sql = "SELECT i.relname, x.indisprimary, x.indisunique AND NOT coalesce(con.condeferrable, false),"
                + " am.amname, a.attname"
                + " FROM pg_catalog.pg_index x"
                + " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
                + " JOIN pg_catalog.pg_am am ON am.oid = i.relam"
                + " LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid"
                + " AND con.contype IN ('p', 'u')"
                + " CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, pos)"
                + " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum"
                + " WHERE x.indrelid = ? AND x.indisvalid AND x.indexprs IS NULL AND x.indpred IS NULL"
                + " AND am.amname IN ('btree', 'hash') AND k.pos <= x.indnkeyatts"
                + " ORDER BY i.relname, k.pos";
        Map<String, List<IndexDef.Part>> parts = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (rs.getBoolean(2)) {
                        primaryKey.add(rs.getString(5));
                        continue;
                    }
                    unique.put(name, rs.getBoolean(3));
                    types.put(name, rs.getString(4).toUpperCase(Locale.ROOT));
                    parts.computeIfAbsent(name, n -> new ArrayList<>()).add(new IndexDef.Part(rs.getString(5), null));
                }
            }
        }
        List<IndexDef> result = new ArrayList<>();
        parts.forEach((name, p) -> result.add(new IndexDef(name, unique.get(name), types.get(name), p)));
        return result;
    }

    static IllegalStateException failure(String what, TableId id, SQLException e) {
        return new IllegalStateException(what + (id == null ? "" : " table " + id) + " from the leader's pg_catalog"
                + " failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + "); check that the leader is"
                + " reachable and the user may read pg_catalog", e);
    }
}

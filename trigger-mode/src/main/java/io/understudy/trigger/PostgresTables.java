package io.understudy.trigger;

import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.TableDef;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Interim PostgreSQL leader catalog (columns and primary key); replaced by the catalog module's reader. */
final class PostgresTables {
    private PostgresTables() {
    }

    static List<TableId> tableIds(Connection c, TableFilter filter) throws SQLException {
        List<TableId> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_schema, table_name FROM information_schema.tables"
                + " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema', 'understudy')"
                + " ORDER BY 1, 2"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString(1), rs.getString(2));
                if (filter.includes(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    static TableDef table(Connection c, TableId id) throws SQLException {
        List<ColumnDef> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new ColumnDef(rs.getString(1), rs.getString(2), rs.getString(2),
                            "YES".equals(rs.getString(3)), null, null, null, null, null, false));
                }
            }
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                + " WHERE i.indrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND i.indisprimary"
                + " ORDER BY array_position(i.indkey, a.attnum)")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + id + " does not exist on the leader");
        }
        return new TableDef(id, columns, key, List.of());
    }
}

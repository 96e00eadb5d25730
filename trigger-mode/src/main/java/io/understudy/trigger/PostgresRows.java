package io.understudy.trigger;

import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.TableDef;
import io.understudy.model.Bits;
import io.understudy.model.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a PostgreSQL leader table for {@code understudy snapshot}: pages in primary key order, each row taken as
 * {@code row_to_json} under the capture function's settings and decoded by {@link PostgresImages}, so a copied row
 * and a captured one carry exactly the same values. Run in the snapshot's transaction ({@link SnapshotTicks#begin}).
 * Stateless and thread-safe; the connection is the caller's.
 */
public final class PostgresRows {
    private static final PostgresImages IMAGES = new PostgresImages();

    private PostgresRows() {
    }

    /** The capture function's settings for the rest of {@code c}'s transaction. */
    public static void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String set : PostgresImages.SET_LOCAL) {
                s.execute(set);
            }
        }
    }

    /**
     * Up to {@code limit} rows of {@code table} with a key greater than {@code after} (from the start when null),
     * in key order; {@code after} holds key values as a previous page's rows carry them.
     */
    public static List<Row> page(Connection c, TableDef table, List<Object> after, int limit) throws SQLException {
        List<String> key = table.primaryKey();
        StringBuilder sql = new StringBuilder(PostgresImages.imageSelect(table));
        if (after != null) {
            sql.append(" WHERE (").append(key.stream().map(k -> "i." + PostgresLeader.q(k)).collect(Collectors.joining(", ")))
                    .append(") > (").append(key.stream().map(k -> "CAST(? AS " + type(table, k) + ")")
                            .collect(Collectors.joining(", "))).append(')');
        }
        sql.append(" ORDER BY ").append(key.stream().map(k -> "i." + PostgresLeader.q(k)).collect(Collectors.joining(", ")))
                .append(" LIMIT ").append(limit);
        CaptureDefinition definition = new CaptureDefinition(0, table, key);
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            if (after != null) {
                for (int i = 0; i < after.size(); i++) {
                    ps.setObject(i + 1, bindable(after.get(i)));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(IMAGES.decode(definition, rs.getString(1)));
                }
            }
        }
        return rows;
    }

    private static String type(TableDef table, String column) {
        return table.column(column).map(ColumnDef::columnType).orElseThrow();
    }

    /** A key value of the model as something the driver binds; the SQL casts it to the column's type. */
    private static Object bindable(Object v) {
        if (v instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (v instanceof Duration d) {
            return String.format("%02d:%02d:%02d.%06d", d.toHours(), d.toMinutesPart(), d.toSecondsPart(), d.toNanosPart() / 1000);
        }
        if (v instanceof Bits b) {
            return b.bits();
        }
        return v;
    }
}

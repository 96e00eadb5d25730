package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per engine, the SELECT expression and {@link ValueKind} that turn each column into canonical text. Temporal
 * values are formatted in SQL (the session runs in UTC) so no JVM time zone takes part. Stateless, thread-safe.
 */
final class ChecksumQuery {
    /** One selected column. */
    record Column(String name, String expression, ValueKind kind) {
    }

    private static final Set<String> MY_NUMBERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer",
            "bigint", "decimal", "numeric", "year");
    private static final Set<String> MY_BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
    private static final Set<String> MY_GEOMETRY = Set.of("geometry", "point", "linestring", "polygon", "multipoint",
            "multilinestring", "multipolygon", "geometrycollection", "geomcollection");
    private static final Set<String> PG_NUMBERS = Set.of("smallint", "integer", "bigint", "numeric");

    private ChecksumQuery() {
    }

    static List<Column> columns(Connection c, DatabaseKind kind, TableId table, List<String> names) throws SQLException {
        if (kind.isMySqlFamily()) {
            TableDef def = LeaderCatalog.table(c, table);
            return names.stream().map(n -> mysql(def.column(n).orElseThrow(() -> missing(kind, table, n)))).toList();
        }
        Map<String, String> types = postgresTypes(c, table);
        return names.stream().map(n -> {
            String type = types.get(n);
            if (type == null) {
                throw missing(kind, table, n);
            }
            return postgres(n, type);
        }).toList();
    }

    static Column mysql(ColumnDef c) {
        String q = Quoting.quote(DatabaseKind.MARIADB, c.name());
        String dt = c.dataType();
        if (MY_NUMBERS.contains(dt)) {
            return new Column(c.name(), "CAST(" + q + " AS CHAR)", ValueKind.NUMBER);
        }
        if (MY_BINARY.contains(dt)) {
            return new Column(c.name(), q, ValueKind.BINARY);
        }
        if (MY_GEOMETRY.contains(dt)) {
            return new Column(c.name(), "ST_AsWKB(" + q + ")", ValueKind.BINARY);
        }
        return switch (dt) {
            case "float" -> new Column(c.name(), q, ValueKind.FLOAT);
            case "double", "real" -> new Column(c.name(), q, ValueKind.DOUBLE);
            case "bit" -> new Column(c.name(), "LPAD(BIN(" + q + "), " + c.numericPrecision() + ", '0')", ValueKind.TEXT);
            case "date" -> new Column(c.name(), "DATE_FORMAT(" + q + ", '%Y-%m-%d')", ValueKind.TEXT);
            case "datetime", "timestamp" ->
                    new Column(c.name(), "DATE_FORMAT(" + q + ", '%Y-%m-%dT%H:%i:%s.%f')", ValueKind.TEXT);
            case "time" -> new Column(c.name(), "TIME_FORMAT(" + q + ", '%H:%i:%s.%f')", ValueKind.TEXT);
            case "json" -> new Column(c.name(), q, ValueKind.JSON);
            default -> new Column(c.name(), q, ValueKind.TEXT);
        };
    }

    static Column postgres(String name, String dataType) {
        String q = Quoting.quote(DatabaseKind.POSTGRESQL, name);
        if (PG_NUMBERS.contains(dataType)) {
            return new Column(name, "(" + q + ")::text", ValueKind.NUMBER);
        }
        if (dataType.startsWith("timestamp")) {
            return new Column(name, isoDate(q, "-MM-DD\"T\"HH24:MI:SS.US"), ValueKind.TEXT);
        }
        return switch (dataType) {
            case "boolean" -> new Column(name, "(" + q + ")::int::text", ValueKind.NUMBER);
            // the float's exact value, rounded like MariaDB/MySQL print FLOAT (not its shortest text, which for
            // subnormal and some 7-9 digit values rounds to a different 6-digit number)
            case "real" -> new Column(name, "(" + q + ")::float8::text", ValueKind.FLOAT);
            case "double precision" -> new Column(name, "(" + q + ")::text", ValueKind.DOUBLE);
            case "bytea" -> new Column(name, q, ValueKind.BINARY);
            case "date" -> new Column(name, isoDate(q, "-MM-DD"), ValueKind.TEXT);
            case "time without time zone" -> new Column(name, "to_char(" + q + ", 'HH24:MI:SS.US')", ValueKind.TEXT);
            case "interval" -> new Column(name, intervalAsMySqlTime(q), ValueKind.TEXT);
            case "json", "jsonb" -> new Column(name, "(" + q + ")::text", ValueKind.JSON);
            default -> new Column(name, "(" + q + ")::text", ValueKind.TEXT);
        };
    }

    /**
     * {@code to_char} with an ISO 8601 (astronomical) year: 1 BC is year 0000, 2 BC is -0001, as Java's
     * {@code LocalDate} and MariaDB (which stores year 0) count; to_char alone would print 1 BC as 0001.
     */
    private static String isoDate(String q, String rest) {
        String year = "extract(year from " + q + ")";
        return "CASE WHEN " + year + " >= 0 THEN to_char(" + q + ", 'YYYY" + rest + "')"
                + " ELSE (CASE WHEN " + year + " = -1 THEN '0000' ELSE '-' || lpad((-" + year + " - 1)::bigint::text, 4, '0')"
                + " END) || to_char(" + q + ", '" + rest + "') END";
    }

    /** Formats an interval like MariaDB's TIME_FORMAT(t, '%H:%i:%s.%f'): [-]HH:MM:SS.ffffff, hours may exceed 99. */
    private static String intervalAsMySqlTime(String q) {
        String secs = "abs(extract(epoch from " + q + "))";
        String hours = "floor(" + secs + " / 3600)::bigint";
        return "CASE WHEN " + q + " IS NULL THEN NULL ELSE"
                + " (CASE WHEN " + q + " < interval '0' THEN '-' ELSE '' END)"
                + " || (CASE WHEN " + hours + " < 10 THEN '0' ELSE '' END) || " + hours + "::text"
                + " || ':' || to_char(floor(" + secs + " / 60)::bigint % 60, 'FM00')"
                + " || ':' || to_char(" + secs + " - floor(" + secs + " / 60) * 60, 'FM00.000000') END";
    }

    private static Map<String, String> postgresTypes(Connection c, TableId table) throws SQLException {
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("table " + table + " does not exist on the postgresql database"
                    + " (or the user cannot see it); create it first (FollowerSchema.create)");
        }
        return types;
    }

    private static IllegalArgumentException missing(DatabaseKind kind, TableId table, String column) {
        return new IllegalArgumentException("table " + table + " on the " + kind.configName()
                + " database has no column " + column + "; the leader and follower tables differ");
    }
}

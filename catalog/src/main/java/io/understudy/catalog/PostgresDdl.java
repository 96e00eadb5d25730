package io.understudy.catalog;

import static io.understudy.config.DatabaseKind.POSTGRESQL;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Translates a MySQL/MariaDB table definition into PostgreSQL DDL. The type mapping is a contract with the
 * applier, which converts values onto exactly these types; docs/type-mapping.md lists it. Stateless, thread-safe.
 */
final class PostgresDdl {
    private static final Set<String> TEXT = Set.of("tinytext", "text", "mediumtext", "longtext");
    private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
    private static final Set<String> GEOMETRY = Set.of("geometry", "point", "linestring", "polygon", "multipoint",
            "multilinestring", "multipolygon", "geometrycollection", "geomcollection");
    private static final Set<String> NUMERIC_PG = Set.of("smallint", "integer", "bigint", "real", "double precision");
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d*)?([eE][-+]?\\d+)?");
    private static final Pattern NOW = Pattern.compile("(?i)(current_timestamp|now|localtimestamp|localtime)(\\(\\d*\\))?");

    private PostgresDdl() {
    }

    static List<String> ddl(TableDef t) {
        BulkLoadDdl split = forBulkLoad(t);
        List<String> out = new ArrayList<>(split.create());
        split.indexes().forEach(index -> out.add(index.ddl()));
        return out;
    }

    /** The table with its primary key, and its unique and secondary indexes as separate statements. */
    static BulkLoadDdl forBulkLoad(TableDef t) {
        List<String> defs = new ArrayList<>();
        for (ColumnDef c : t.columns()) {
            defs.add(column(t, c));
        }
        if (!t.primaryKey().isEmpty()) {
            defs.add("PRIMARY KEY (" + Quoting.columns(POSTGRESQL, t.primaryKey()) + ")");
        }
        List<String> create = List.of("CREATE SCHEMA IF NOT EXISTS " + Quoting.quote(POSTGRESQL, t.id().schema()),
                "CREATE TABLE IF NOT EXISTS " + Quoting.table(POSTGRESQL, t.id()) + " (\n  "
                        + String.join(",\n  ", defs) + "\n)");
        List<DeferredIndex> indexes = new ArrayList<>();
        for (IndexDef index : t.uniqueAndSecondaryIndexes()) {
            // FULLTEXT/SPATIAL have no btree equivalent; a prefix index would index whole (possibly huge)
            // values and could reject rows the leader accepted, so the index is left out.
            if (!index.fulltextOrSpatial() && !index.hasPrefix()) {
                String name = Quoting.pgName(t.id().table() + "_" + index.name());
                indexes.add(new DeferredIndex(t.id(), name, index.unique(), "CREATE " + (index.unique() ? "UNIQUE " : "")
                        + "INDEX IF NOT EXISTS " + Quoting.quote(POSTGRESQL, name) + " ON " + Quoting.table(POSTGRESQL, t.id())
                        + " (" + Quoting.columns(POSTGRESQL, index.parts().stream().map(IndexDef.Part::column).toList()) + ")"));
            }
        }
        return new BulkLoadDdl(t.id(), create, indexes);
    }

    private static String column(TableDef t, ColumnDef c) {
        String type = type(t, c);
        StringBuilder sb = new StringBuilder(Quoting.quote(POSTGRESQL, c.name())).append(' ').append(type);
        if (!c.nullable()) {
            sb.append(" NOT NULL");
        }
        String dflt = c.autoIncrement() ? null : defaultValue(c.defaultValue(), type);
        if (dflt != null) {
            sb.append(" DEFAULT ").append(dflt);
        }
        return sb.toString();
    }

    /** The PostgreSQL type for a leader column. */
    static String type(TableDef t, ColumnDef c) {
        String dt = c.dataType();
        String full = c.columnType().toLowerCase(Locale.ROOT);
        boolean unsigned = c.unsigned();
        switch (dt) {
            case "tinyint": return full.startsWith("tinyint(1)") ? "boolean" : "smallint";
            case "smallint": return unsigned ? "integer" : "smallint";
            case "mediumint": return "integer";
            case "int", "integer": return unsigned ? "bigint" : "integer";
            case "bigint": return unsigned ? "numeric(20,0)" : "bigint";
            case "decimal", "numeric": return "numeric(" + c.numericPrecision() + "," + c.numericScale() + ")";
            case "float": return "real";
            case "double", "real": return "double precision";
            case "bit": return full.equals("bit(1)") ? "boolean" : "bit varying(" + c.numericPrecision() + ")";
            case "char", "varchar": return "varchar(" + Math.max(1, c.charMaxLength()) + ")";
            case "date": return "date";
            // MySQL TIME is a signed duration up to ±838:59:59, not a time of day: only interval holds every value
            case "time": return "interval(" + precision(c) + ")";
            case "datetime": return "timestamp(" + precision(c) + ")";
            case "timestamp": return "timestamptz(" + precision(c) + ")";
            case "year": return "smallint";
            case "enum", "set": return "text";
            case "json": return "jsonb";
            default:
                if (TEXT.contains(dt)) {
                    return "text";
                }
                if (BINARY.contains(dt) || GEOMETRY.contains(dt)) {
                    return "bytea";
                }
                throw new UnsupportedTypeException(t.id(), c.name(), c.columnType(), POSTGRESQL);
        }
    }

    private static int precision(ColumnDef c) {
        return c.datetimePrecision() == null ? 0 : c.datetimePrecision();
    }

    /**
     * The PostgreSQL default for a leader default, or null when it has no safe equivalent (expressions,
     * zero dates, defaults on binary/json/bit columns). Followers get every value from the leader, so a
     * dropped default only matters to people writing to the follower themselves.
     */
    static String defaultValue(String leaderDefault, String pgType) {
        if (leaderDefault == null) {
            return null;
        }
        String d = leaderDefault.trim();
        if (NOW.matcher(d).matches()) {
            return pgType.startsWith("timestamp") ? "now()" : null;
        }
        if (d.matches("(?i)b'[01]+'") && pgType.equals("boolean")) {
            return d.contains("1") ? "true" : "false";
        }
        if (NUMBER.matcher(d).matches()) {
            return numberDefault(d, pgType);
        }
        if (d.length() >= 2 && d.startsWith("'") && d.endsWith("'")) {
            return stringDefault(unquote(d), pgType);
        }
        return null;
    }

    private static String numberDefault(String d, String pgType) {
        if (pgType.equals("boolean")) {
            return new BigDecimal(d).signum() == 0 ? "false" : "true";
        }
        return NUMERIC_PG.contains(pgType) || pgType.startsWith("numeric") ? d : null;
    }

    private static String stringDefault(String value, String pgType) {
        if (pgType.startsWith("varchar") || pgType.equals("text")) {
            return Quoting.literal(value);
        }
        if (pgType.startsWith("date") || pgType.startsWith("time")) {
            return value.startsWith("0000") ? null : Quoting.literal(value) + "::" + pgType;
        }
        if ((NUMERIC_PG.contains(pgType) || pgType.startsWith("numeric")) && NUMBER.matcher(value).matches()) {
            return value;
        }
        return null;
    }

    /** Removes MariaDB's quotes and escapes ({@code ''}, backslash sequences) from a string literal. */
    static String unquote(String literal) {
        String body = literal.substring(1, literal.length() - 1);
        StringBuilder sb = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                sb.append('\'');
                i++;
            } else if (ch == '\\' && i + 1 < body.length()) {
                char next = body.charAt(++i);
                sb.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> next;
                });
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}

package io.understudy.catalog;

import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the column structure a schema change carries (Debezium's DDL parser output) into {@link ColumnDef}s, so
 * that PostgreSQL types come from the one mapping in {@link PostgresDdl}. Stateless and thread-safe.
 */
final class LeaderColumns {
    private static final Set<String> CHARS = Set.of("char", "varchar");
    private static final Set<String> TEMPORAL = Set.of("time", "datetime", "timestamp");
    private static final Set<String> QUOTED_DEFAULT_PG = Set.of("text", "date", "jsonb");

    private LeaderColumns() {
    }

    static TableDef table(SchemaChange.TableStructure s) {
        return new TableDef(s.table(), s.columns().stream().map(LeaderColumns::column).toList(), s.primaryKey(), List.of());
    }

    static ColumnDef column(SchemaChange.ColumnSpec c) {
        String[] words = c.typeName().toLowerCase(Locale.ROOT).trim().split("\\s+");
        boolean unsigned = List.of(words).contains("unsigned");
        String base = switch (words[0]) {
            case "integer" -> "int";
            case "bool", "boolean" -> "tinyint";
            case "dec", "fixed" -> "decimal";
            case "character" -> words.length > 1 && words[1].equals("varying") ? "varchar" : "char";
            case "double" -> "double";
            default -> words[0];
        };
        Integer length = c.length() == null || c.length() < 0 ? null : c.length();
        if (words[0].startsWith("bool")) {
            length = 1;
        }
        String full = base + (length != null && !TEMPORAL.contains(base) ? "(" + length
                + (c.scale() != null && base.equals("decimal") ? "," + c.scale() : "") + ")" : "")
                + (unsigned ? " unsigned" : "");
        Long chars = CHARS.contains(base) ? Long.valueOf(orElse(length, 1)) : null;
        Integer precision = base.equals("decimal") ? orElse(length, 10) : base.equals("bit") ? orElse(length, 1) : null;
        Integer scale = base.equals("decimal") ? orElse(c.scale(), 0) : null;
        Integer fsp = TEMPORAL.contains(base) ? orElse(length, 0) : null;
        if (base.equals("bit") && length == null) {
            full = "bit(1)";
        }
        return new ColumnDef(c.name(), base, full, c.nullable(), chars, precision, scale, fsp, null, c.autoIncrement());
    }

    private static Integer orElse(Integer value, int fallback) {
        return value == null ? Integer.valueOf(fallback) : value;
    }

    /**
     * The PostgreSQL column definition for an added column, with the leader's default so that existing rows get
     * the value the leader gave them (the leader fills them without logging rows). A NOT NULL column without a
     * usable default gets the leader's implicit one (0, '', false) the same way.
     */
    static String definition(TableId table, SchemaChange.ColumnSpec spec) {
        ColumnDef c = column(spec);
        String type = PostgresDdl.type(new TableDef(table, List.of(c), List.of(), List.of()), c);
        String dflt = spec.autoIncrement() ? null : PostgresDdl.defaultValue(leaderForm(spec.defaultValue(), type), type);
        if (dflt == null && !spec.nullable()) {
            dflt = implicitDefault(type);
        }
        return Quoting.quote(io.understudy.config.DatabaseKind.POSTGRESQL, c.name()) + " " + type
                + (spec.nullable() ? "" : " NOT NULL") + (dflt == null ? "" : " DEFAULT " + dflt);
    }

    static String type(TableId table, SchemaChange.ColumnSpec spec) {
        ColumnDef c = column(spec);
        return PostgresDdl.type(new TableDef(table, List.of(c), List.of(), List.of()), c);
    }

    /** Debezium gives defaults unquoted; {@link PostgresDdl#defaultValue} expects MariaDB's quoted form for strings. */
    private static String leaderForm(String value, String pgType) {
        if (value == null || (value.length() >= 2 && value.startsWith("'") && value.endsWith("'"))) {
            return value;
        }
        boolean quoted = pgType.startsWith("varchar") || pgType.startsWith("timestamp") || pgType.startsWith("interval")
                || QUOTED_DEFAULT_PG.contains(pgType);
        return quoted && !value.matches("(?i)(current_timestamp|now|localtimestamp|localtime)(\\(\\d*\\))?")
                ? "'" + value.replace("\\", "\\\\").replace("'", "''") + "'" : value;
    }

    private static String implicitDefault(String pgType) {
        if (pgType.equals("boolean")) {
            return "false";
        }
        if (pgType.startsWith("varchar") || pgType.equals("text")) {
            return "''";
        }
        if (Set.of("smallint", "integer", "bigint", "real", "double precision").contains(pgType) || pgType.startsWith("numeric")) {
            return "0";
        }
        return null;
    }
}

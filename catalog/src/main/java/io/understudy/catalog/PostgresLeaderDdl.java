package io.understudy.catalog;

import static io.understudy.config.DatabaseKind.MARIADB;
import static io.understudy.config.DatabaseKind.POSTGRESQL;

import io.understudy.config.DatabaseKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follower DDL for tables of a PostgreSQL leader ({@link TableDef#fromPostgres()}). PostgreSQL followers get the
 * leader's own types; MariaDB/MySQL followers get the mapping of docs/type-mapping.md ("PostgreSQL leaders"), a
 * contract with the row decoder (trigger-mode {@code PostgresImages}) and the applier. Stateless and thread-safe.
 */
final class PostgresLeaderDdl {
    /** InnoDB's limit on an index key (DYNAMIC/COMPRESSED row format). */
    static final int MAX_KEY_BYTES = 3072;
    /** Longer character columns become LONGTEXT on MariaDB/MySQL: a row holds at most 65,535 bytes of VARCHARs. */
    static final int MAX_VARCHAR = 255;
    /** How many characters (bytes for binary) of a LONGTEXT/LONGBLOB column a non-unique index covers at most. */
    static final int MAX_PREFIX = 255;
    /** MariaDB/MySQL DECIMAL limits (MySQL's scale limit, the lower one). */
    static final int MAX_DECIMAL_PRECISION = 65;
    static final int MAX_DECIMAL_SCALE = 30;
    /** PostgreSQL enum labels are at most NAMEDATALEN - 1 = 63 bytes. */
    static final int ENUM_LABEL = 63;

    private static final Pattern LITERAL = Pattern.compile("^('(?:[^']|'')*')(?:::[\\w .\"]+(?:\\(\\d+(?:,\\d+)?\\))?)?$");
    private static final Pattern CONSTANT = Pattern.compile("(?i)^(-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|true|false|now\\(\\)"
            + "|current_timestamp|current_date|current_time|localtimestamp|localtime)$");

    private PostgresLeaderDdl() {
    }

    /** The table with its primary key, and its unique and secondary indexes as separate statements. */
    static BulkLoadDdl forBulkLoad(TableDef t, DatabaseKind follower) {
        requirePostgres(t);
        return follower.isMySqlFamily() ? mysql(t, follower, false) : postgres(t);
    }

    /**
     * All statements that create the table, safe to run again: on MariaDB/MySQL the indexes are part of the
     * CREATE TABLE IF NOT EXISTS (an ALTER TABLE ADD KEY would fail the second time).
     */
    static List<String> ddl(TableDef t, DatabaseKind follower) {
        requirePostgres(t);
        if (follower.isMySqlFamily()) {
            return mysql(t, follower, true).create();
        }
        BulkLoadDdl split = postgres(t);
        List<String> out = new ArrayList<>(split.create());
        split.indexes().forEach(index -> out.add(index.ddl()));
        return out;
    }

    private static void requirePostgres(TableDef t) {
        if (!t.fromPostgres()) {
            throw new IllegalArgumentException("table " + t.id() + " was not read from a PostgreSQL leader");
        }
    }

    // ---- PostgreSQL followers: the leader's own types ----

    private static BulkLoadDdl postgres(TableDef t) {
        List<String> defs = new ArrayList<>();
        for (ColumnDef c : t.columns()) {
            String dflt = postgresDefault(c.defaultValue());
            defs.add(Quoting.quote(POSTGRESQL, c.name()) + " " + postgresType(t, c) + (c.nullable() ? "" : " NOT NULL")
                    + (dflt == null ? "" : " DEFAULT " + dflt));
        }
        if (!t.primaryKey().isEmpty()) {
            defs.add("PRIMARY KEY (" + Quoting.columns(POSTGRESQL, t.primaryKey()) + ")");
        }
        List<String> create = List.of("CREATE SCHEMA IF NOT EXISTS " + Quoting.quote(POSTGRESQL, t.id().schema()),
                "CREATE TABLE IF NOT EXISTS " + Quoting.table(POSTGRESQL, t.id()) + " (\n  "
                        + String.join(",\n  ", defs) + "\n)");
        List<DeferredIndex> indexes = new ArrayList<>();
        for (IndexDef index : t.uniqueAndSecondaryIndexes()) {
            String name = Quoting.pgName(t.id().table() + "_" + index.name());
            String method = index.type().equalsIgnoreCase("HASH") ? " USING hash" : "";
            indexes.add(new DeferredIndex(t.id(), name, index.unique(), "CREATE " + (index.unique() ? "UNIQUE " : "")
                    + "INDEX IF NOT EXISTS " + Quoting.quote(POSTGRESQL, name) + " ON " + Quoting.table(POSTGRESQL, t.id())
                    + method + " (" + Quoting.columns(POSTGRESQL, index.parts().stream().map(IndexDef.Part::column).toList())
                    + ")"));
        }
        return new BulkLoadDdl(t.id(), create, indexes);
    }

    /**
     * The leader's type ({@code format_type}), domains already resolved to their base type. Enums become
     * {@code text}: the enum type does not exist on the follower, and labels the leader adds later would stop it.
     */
    static String postgresType(TableDef t, ColumnDef c) {
        return switch (c.dataType()) {
            case "enum" -> "text";
            case "user-defined" -> throw new UnsupportedTypeException(t.id(), c.name(), c.columnType(), POSTGRESQL);
            default -> c.columnType();
        };
    }

    /** Constant defaults only (casts dropped, so an enum literal suits the text column); null for the rest. */
    static String postgresDefault(String leaderDefault) {
        if (leaderDefault == null) {
            return null;
        }
        Matcher literal = LITERAL.matcher(leaderDefault.trim());
        if (literal.matches()) {
            return literal.group(1);
        }
        return CONSTANT.matcher(leaderDefault.trim()).matches() ? leaderDefault.trim() : null;
    }

    // ---- MariaDB/MySQL followers: the mapping of docs/type-mapping.md ----

    private static BulkLoadDdl mysql(TableDef t, DatabaseKind kind, boolean inlineIndexes) {
        List<String> defs = new ArrayList<>();
        List<ColumnDef> key = t.primaryKey().stream().map(k -> column(t, k)).toList();
        List<Integer> keyWidths = keyLengths(t, key, kind);
        for (ColumnDef c : t.columns()) {
            int k = key.indexOf(c);
            String type = k >= 0 && keyWidths.get(k) != null ? boundedKeyType(c, keyWidths.get(k)) : mysqlType(t, c, kind);
            defs.add(Quoting.quote(MARIADB, c.name()) + " " + type + (c.nullable() ? " NULL" : " NOT NULL"));
        }
        if (!t.primaryKey().isEmpty()) {
            defs.add("PRIMARY KEY (" + Quoting.columns(MARIADB, t.primaryKey()) + ")");
        }
        List<DeferredIndex> indexes = new ArrayList<>();
        for (IndexDef index : t.uniqueAndSecondaryIndexes()) {
            String parts = MySqlKeyParts.parts(t, index, key, keyWidths, kind);
            if (parts == null) {
                continue; // a unique index over LONGTEXT/LONGBLOB columns, left to the leader
            }
            String def = (index.unique() ? "UNIQUE " : "") + "KEY " + Quoting.quote(MARIADB, index.name()) + " (" + parts + ")";
            if (inlineIndexes) {
                defs.add(def);
            } else {
                indexes.add(new DeferredIndex(t.id(), index.name(), index.unique(),
                        "ALTER TABLE " + Quoting.table(MARIADB, t.id()) + " ADD " + def));
            }
        }
        String collation = kind == MARIADB ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
        List<String> create = List.of("CREATE DATABASE IF NOT EXISTS " + Quoting.quote(MARIADB, t.id().schema()),
                "CREATE TABLE IF NOT EXISTS " + Quoting.table(MARIADB, t.id()) + " (\n  " + String.join(",\n  ", defs)
                        + "\n) DEFAULT CHARSET=utf8mb4 COLLATE=" + collation);
        return new BulkLoadDdl(t.id(), create, indexes);
    }

    private static ColumnDef column(TableDef t, String name) {
        return t.column(name).orElseThrow(() -> new IllegalArgumentException("table " + t.id()
                + " has no column " + name + " of its own primary key"));
    }

    /** The MariaDB/MySQL type of a leader column outside the primary key. */
    static String mysqlType(TableDef t, ColumnDef c, DatabaseKind kind) {
        return switch (c.dataType()) {
            case "smallint" -> "SMALLINT";
            case "integer" -> "INT";
            case "bigint" -> "BIGINT";
            case "numeric" -> decimal(c);
            case "real" -> "FLOAT";
            case "double precision" -> "DOUBLE";
            case "boolean" -> "BOOLEAN";
            case "text" -> "LONGTEXT";
            case "character varying", "character" -> longString(c) ? "LONGTEXT"
                    : (c.dataType().equals("character") ? "CHAR(" : "VARCHAR(") + c.charMaxLength() + ")";
            case "bytea" -> "LONGBLOB";
            case "date" -> "DATE";
            case "timestamp without time zone", "timestamp with time zone" -> "DATETIME(" + fsp(c) + ")";
            case "time without time zone" -> "TIME(" + fsp(c) + ")";
            case "json", "jsonb" -> "JSON";
            case "uuid" -> "CHAR(36) CHARACTER SET ascii COLLATE ascii_bin";
            case "enum" -> "VARCHAR(" + ENUM_LABEL + ")";
            case "bit" -> {
                if (c.numericPrecision() == null || c.numericPrecision() > 64) {
                    throw new UnsupportedTypeException(t.id(), c.name(), c.columnType(), kind);
                }
                yield "BIT(" + c.numericPrecision() + ")";
            }
            default -> throw new UnsupportedTypeException(t.id(), c.name(), c.columnType(), kind);
        };
    }

    /**
     * {@code numeric(p,s)} as the DECIMAL holding every value it can (PostgreSQL allows s &lt; 0 and s &gt; p);
     * unconstrained numeric, and numerics beyond DECIMAL's limits, become DECIMAL(65,30). Values that do not fit
     * stop the applier: too many integer digits fail in the follower's strict mode, too many fraction digits in
     * the applier (MariaDB would round them with only a note).
     */
    static String decimal(ColumnDef c) {
        if (c.numericPrecision() == null || c.numericScale() == null) {
            return "DECIMAL(" + MAX_DECIMAL_PRECISION + "," + MAX_DECIMAL_SCALE + ")";
        }
        int scale = Math.max(c.numericScale(), 0);
        int precision = Math.max(c.numericPrecision() - c.numericScale(), 0) + scale;
        if (precision > MAX_DECIMAL_PRECISION || scale > MAX_DECIMAL_SCALE) {
            return "DECIMAL(" + MAX_DECIMAL_PRECISION + "," + MAX_DECIMAL_SCALE + ")";
        }
        return "DECIMAL(" + Math.max(precision, 1) + "," + scale + ")";
    }

    private static int fsp(ColumnDef c) {
        return c.datetimePrecision() == null ? 6 : Math.min(6, c.datetimePrecision());
    }

    /** text, and character types without a length or longer than {@link #MAX_VARCHAR}: LONGTEXT. */
    static boolean longString(ColumnDef c) {
        return switch (c.dataType()) {
            case "text" -> true;
            case "character varying", "character" -> c.charMaxLength() == null || c.charMaxLength() > MAX_VARCHAR;
            default -> false;
        };
    }

    /**
     * For each primary key column, the length its bounded type gets on MariaDB/MySQL, or null when it keeps its
     * usual type. A key cannot contain LONGTEXT/LONGBLOB, so long character and bytea key columns share what the
     * other key columns leave of {@link #MAX_KEY_BYTES}: VARCHAR(n) (4 bytes a character) or VARBINARY(n). Longer
     * values stop the applier (the follower's strict mode refuses them).
     */
    static List<Integer> keyLengths(TableDef t, List<ColumnDef> key, DatabaseKind kind) {
        int fixed = 0;
        int longOnes = 0;
        for (ColumnDef c : key) {
            if (longString(c) || c.dataType().equals("bytea")) {
                longOnes++;
            } else if (c.dataType().equals("json") || c.dataType().equals("jsonb")) {
                throw new UnsupportedTypeException(t.id(), c.name(), c.columnType() + " in the primary key", kind);
            } else {
                fixed += MySqlKeyParts.bytes(c);
            }
        }
        int share = longOnes == 0 ? 0 : Math.max(1, (MAX_KEY_BYTES - fixed) / longOnes - 2);
        List<Integer> lengths = new ArrayList<>();
        for (ColumnDef c : key) {
            if (c.dataType().equals("bytea")) {
                lengths.add(share);
            } else if (longString(c)) {
                int chars = Math.max(1, share / 4);
                lengths.add(c.charMaxLength() == null ? chars : (int) Math.min(chars, c.charMaxLength()));
            } else {
                lengths.add(null);
            }
        }
        return lengths;
    }

    private static String boundedKeyType(ColumnDef c, int length) {
        return c.dataType().equals("bytea") ? "VARBINARY(" + length + ")" : "VARCHAR(" + length + ")";
    }
}

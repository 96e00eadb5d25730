package io.understudy.catalog;

import static io.understudy.config.DatabaseKind.MARIADB;

import io.understudy.config.DatabaseKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits a PostgreSQL leader's unique and secondary indexes into InnoDB's 3072-byte key limit on MariaDB/MySQL
 * followers (see {@link PostgresLeaderDdl}). A unique index whose columns do not fit whole is left out: a prefix
 * would be a different (stronger) constraint, and the leader already enforces the real one. A non-unique index gets
 * prefixes on its character and binary columns. Indexes on JSON columns are left out (MySQL cannot index JSON).
 * Stateless and thread-safe.
 */
final class MySqlKeyParts {
    private MySqlKeyParts() {
    }

    /**
     * The column list of {@code index} for {@code ALTER TABLE ... ADD KEY name (...)}, or null when the index is
     * left out.
     *
     * @param key        the primary key columns
     * @param keyLengths their bounded lengths from {@link PostgresLeaderDdl#keyLengths} (null: usual type)
     */
    static String parts(TableDef t, IndexDef index, List<ColumnDef> key, List<Integer> keyLengths, DatabaseKind kind) {
        List<ColumnDef> columns = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>(); // characters (bytes for binary); null: fixed width, no prefix
        int fixed = 0;
        boolean fits = true;
        for (IndexDef.Part p : index.parts()) {
            ColumnDef c = t.column(p.column()).orElseThrow(() -> new IllegalArgumentException("index " + index.name()
                    + " of table " + t.id() + " names a column " + p.column() + " the table does not have"));
            if (c.dataType().equals("json") || c.dataType().equals("jsonb")) {
                return null;
            }
            int k = key.indexOf(c);
            Integer length = k >= 0 && keyLengths.get(k) != null ? keyLengths.get(k)
                    : PostgresLeaderDdl.longString(c) || c.dataType().equals("bytea") ? Integer.valueOf(Integer.MAX_VALUE)
                    : isChars(c) ? Integer.valueOf(c.charMaxLength().intValue()) : null;
            columns.add(c);
            lengths.add(length);
            if (length == null) {
                fixed += bytes(c);
            } else if (length == Integer.MAX_VALUE) {
                fits = false;
            } else {
                fixed += width(c, length);
            }
        }
        if (!fits || fixed > PostgresLeaderDdl.MAX_KEY_BYTES) {
            if (index.unique()) {
                return null;
            }
            return prefixed(columns, lengths);
        }
        return Quoting.columns(MARIADB, columns.stream().map(ColumnDef::name).toList());
    }

    private static String prefixed(List<ColumnDef> columns, List<Integer> lengths) {
        int budget = PostgresLeaderDdl.MAX_KEY_BYTES;
        int variable = 0;
        for (int i = 0; i < columns.size(); i++) {
            if (lengths.get(i) == null) {
                budget -= bytes(columns.get(i));
            } else {
                variable++;
            }
        }
        int share = Math.max(1, budget / variable - 2);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnDef c = columns.get(i);
            String name = Quoting.quote(MARIADB, c.name());
            Integer length = lengths.get(i);
            if (length == null) {
                parts.add(name);
                continue;
            }
            int limit = Math.min(PostgresLeaderDdl.MAX_PREFIX, c.dataType().equals("bytea") ? share : Math.max(1, share / 4));
            parts.add(length <= limit ? name : name + "(" + limit + ")");
        }
        return String.join(", ", parts);
    }

    private static boolean isChars(ColumnDef c) {
        return c.dataType().equals("character varying") || c.dataType().equals("character");
    }

    private static int width(ColumnDef c, int length) {
        return c.dataType().equals("bytea") ? length + 2 : 4 * length + 2;
    }

    /** An upper bound of the key bytes of a fixed-width column in its MariaDB/MySQL type. */
    static int bytes(ColumnDef c) {
        return switch (c.dataType()) {
            case "smallint" -> 2;
            case "integer", "real" -> 4;
            case "bigint", "double precision", "timestamp without time zone", "timestamp with time zone", "bit" -> 8;
            case "numeric" -> 32; // DECIMAL(65,30) takes 30 bytes
            case "boolean" -> 1;
            case "date" -> 3;
            case "time without time zone" -> 6;
            case "uuid" -> 36;
            case "enum" -> 4 * PostgresLeaderDdl.ENUM_LABEL + 2;
            case "character varying", "character" -> c.charMaxLength() == null ? PostgresLeaderDdl.MAX_KEY_BYTES
                    : (int) Math.min(PostgresLeaderDdl.MAX_KEY_BYTES, 4 * c.charMaxLength() + 2);
            default -> 8;
        };
    }
}

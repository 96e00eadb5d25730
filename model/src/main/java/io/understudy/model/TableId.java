package io.understudy.model;

import java.util.Objects;

/**
 * A table on the leader: schema (MySQL/MariaDB database or PostgreSQL schema) and table name.
 * Immutable and thread-safe.
 */
public record TableId(String schema, String table) {
    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        if (schema.isBlank() || table.isBlank()) {
            throw new IllegalArgumentException("schema and table must not be blank: '" + schema + "." + table + "'");
        }
    }

    /** Parses {@code schema.table}. */
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("expected schema.table but got '" + qualified + "'");
        }
        return new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}

package io.understudy.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One DDL statement the leader committed, delivered between transactions as an ordering barrier: every
 * transaction before it has been committed by the handler, none after it has begun. DDL has no transaction
 * of its own on MySQL/MariaDB (it commits implicitly), so a schema change carries its own resume position.
 * Immutable and thread-safe.
 *
 * @param id         the leader's transaction id of the statement (its GTID when the leader has GTIDs)
 * @param ddl        the statement as the leader logged it
 * @param database   the default database the statement ran in (for unqualified names), may be empty
 * @param tables     the replicated tables the statement touched, with their structure after it
 * @param position   where to resume right after the statement
 * @param commitTime leader time of the statement (second resolution)
 */
public record SchemaChange(String id, String ddl, String database, List<TableStructure> tables, Position position,
                           Instant commitTime) {
    public SchemaChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ddl, "ddl");
        database = database == null ? "" : database;
        tables = List.copyOf(tables);
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(commitTime, "commitTime");
    }

    /** How a statement changed one table. */
    public enum Kind { CREATE, ALTER, DROP }

    /**
     * One table touched by the statement and, unless dropped, its structure afterwards.
     *
     * @param kind       created, altered (also renamed: then {@code table} is the new name) or dropped
     * @param table      the table
     * @param columns    all columns in table order after the statement (empty for DROP)
     * @param primaryKey primary key columns in key order (empty for DROP or no key)
     */
    public record TableStructure(Kind kind, TableId table, List<ColumnSpec> columns, List<String> primaryKey) {
        public TableStructure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(table, "table");
            columns = List.copyOf(columns);
            primaryKey = List.copyOf(primaryKey);
        }
    }

    /**
     * One column as the leader's DDL defines it.
     *
     * @param name          column name
     * @param typeName      the leader's type name, upper case, with UNSIGNED when declared ({@code INT UNSIGNED},
     *                      {@code VARCHAR}, {@code DECIMAL})
     * @param length        length, precision or fractional-second digits as declared, or null
     * @param scale         scale of exact numerics, or null
     * @param nullable      whether NULL is allowed
     * @param defaultValue  the default as the leader's DDL wrote it without quotes, or null when none
     * @param autoIncrement whether the column is AUTO_INCREMENT
     */
    public record ColumnSpec(String name, String typeName, Integer length, Integer scale, boolean nullable,
                             String defaultValue, boolean autoIncrement) {
        public ColumnSpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(typeName, "typeName");
        }
    }
}

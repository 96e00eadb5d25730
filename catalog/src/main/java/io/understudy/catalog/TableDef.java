package io.understudy.catalog;

import io.understudy.model.TableId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A leader table's definition: columns in ordinal order, primary key columns in key order (empty when the
 * table has none), its other indexes, and which kind of leader catalog it was read from. Foreign keys and
 * triggers are deliberately absent: followers never get them. Immutable and thread-safe.
 *
 * <p>The {@link Source} decides how the column types are spelled (see {@link ColumnDef}) and so which type
 * mapping {@link FollowerSchema} and the row decoders apply: MySQL/MariaDB types from {@link LeaderCatalog}, or
 * PostgreSQL types from {@link PostgresLeaderCatalog}.
 *
 * @param source where the definition was read; the 4-argument constructor means {@link Source#MYSQL}
 */
public record TableDef(TableId id, List<ColumnDef> columns, List<String> primaryKey,
                       List<IndexDef> uniqueAndSecondaryIndexes, Source source) {
    /** The kind of leader catalog a definition comes from. */
    public enum Source {
        /** A MySQL or MariaDB leader's {@code information_schema} ({@link LeaderCatalog}). */
        MYSQL,
        /** A PostgreSQL leader's {@code pg_catalog} ({@link PostgresLeaderCatalog}). */
        POSTGRESQL
    }

    public TableDef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        uniqueAndSecondaryIndexes = List.copyOf(uniqueAndSecondaryIndexes);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + id + " has no columns");
        }
    }

    /** A MySQL/MariaDB leader table (what every definition was before PostgreSQL leaders existed). */
    public TableDef(TableId id, List<ColumnDef> columns, List<String> primaryKey,
                    List<IndexDef> uniqueAndSecondaryIndexes) {
        this(id, columns, primaryKey, uniqueAndSecondaryIndexes, Source.MYSQL);
    }

    /** Whether the definition was read from a PostgreSQL leader (its column types are PostgreSQL's). */
    public boolean fromPostgres() {
        return source == Source.POSTGRESQL;
    }

    /** The column called {@code name}, if any. */
    public Optional<ColumnDef> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** All column names in ordinal order. */
    public List<String> columnNames() {
        return columns.stream().map(ColumnDef::name).toList();
    }
}

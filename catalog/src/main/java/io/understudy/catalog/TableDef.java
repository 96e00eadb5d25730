package io.understudy.catalog;

import io.understudy.model.TableId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A leader table's definition: columns in ordinal order, primary key columns in key order (empty when the
 * table has none) and its other indexes. Foreign keys and triggers are deliberately absent: followers never
 * get them. Immutable and thread-safe.
 */
public record TableDef(TableId id, List<ColumnDef> columns, List<String> primaryKey,
                       List<IndexDef> uniqueAndSecondaryIndexes) {
    public TableDef {
        Objects.requireNonNull(id, "id");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        uniqueAndSecondaryIndexes = List.copyOf(uniqueAndSecondaryIndexes);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + id + " has no columns");
        }
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

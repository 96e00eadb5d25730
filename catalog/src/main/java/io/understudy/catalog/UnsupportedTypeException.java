package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;

/** A leader column whose type has no mapping on the follower's engine. Immutable. */
public final class UnsupportedTypeException extends IllegalArgumentException {
    private final TableId table;
    private final String column;
    private final String columnType;

    public UnsupportedTypeException(TableId table, String column, String columnType, DatabaseKind follower) {
        super("table " + table + " column " + column + ": leader type '" + columnType + "' has no "
                + follower.configName() + " mapping; exclude the table from replication or change the column type"
                + " (supported types: docs/type-mapping.md)");
        this.table = table;
        this.column = column;
        this.columnType = columnType;
    }

    public TableId table() {
        return table;
    }

    public String column() {
        return column;
    }

    public String columnType() {
        return columnType;
    }
}

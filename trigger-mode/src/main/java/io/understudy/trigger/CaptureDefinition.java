package io.understudy.trigger;

import io.understudy.catalog.TableDef;
import io.understudy.model.TableId;
import java.util.List;
import java.util.Objects;

/**
 * How the capture triggers of one leader table were made: the table as the leader catalog described it at
 * {@code understudy triggers install} (columns, types, primary key) and the key columns that identify a row (the
 * primary key, or {@code capture.keys}). Install stores each definition on the leader
 * ({@code understudy.capture_table}) under {@link #id()}, and every change row carries that id, so a row is decoded
 * with the definition it was written under, whatever DDL ran on the leader since. Immutable and thread-safe.
 *
 * @param id         the leader's {@code understudy.capture_table.id}
 * @param table      the table definition the triggers were generated from
 * @param keyColumns the columns that identify a row, in key order; never empty
 */
record CaptureDefinition(int id, TableDef table, List<String> keyColumns) {
    CaptureDefinition {
        Objects.requireNonNull(table, "table");
        keyColumns = List.copyOf(keyColumns);
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException("capture definition of " + table.id() + " has no key columns");
        }
    }

    TableId tableId() {
        return table.id();
    }
}

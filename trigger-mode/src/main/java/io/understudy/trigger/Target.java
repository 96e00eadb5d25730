package io.understudy.trigger;

import io.understudy.catalog.TableDef;
import java.util.List;

/**
 * A leader table that install will capture: its current definition and the key columns that identify a row.
 * Immutable and thread-safe.
 */
record Target(TableDef table, List<String> keyColumns) {
    Target {
        keyColumns = List.copyOf(keyColumns);
    }

    /** The definition's stored form, which equals another's exactly when the triggers would be the same. */
    String json() {
        return Definitions.toJson(new CaptureDefinition(0, table, keyColumns));
    }
}

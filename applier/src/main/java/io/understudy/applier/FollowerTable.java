package io.understudy.applier;

import io.understudy.model.ReplicationException;
import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A follower table that receives a leader table's rows: its quoted name and its columns by name.
 * Leader column names are matched exactly first, then ignoring case (PostgreSQL folds unquoted names).
 * {@code uniqueIndexes} counts its unique indexes, the primary key included: with more than one, two rows
 * with different keys can still collide, which parallel apply must know. {@code primaryKey} names the follower's
 * primary key columns in key order (empty without one); {@code autoUpdated} the MariaDB/MySQL columns with
 * {@code ON UPDATE CURRENT_TIMESTAMP}, which an UPDATE that does not assign them changes.
 */
record FollowerTable(FollowerRef where, TableId leaderTable, String sqlName, Map<String, FollowerColumn> columns,
                     int uniqueIndexes, List<String> primaryKey, List<String> autoUpdated) {
    FollowerTable {
        columns = Map.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        autoUpdated = List.copyOf(autoUpdated);
    }

    FollowerColumn column(String leaderColumn) {
        FollowerColumn exact = columns.get(leaderColumn);
        if (exact != null) {
            return exact;
        }
        for (FollowerColumn c : columns.values()) {
            if (c.name().toLowerCase(Locale.ROOT).equals(leaderColumn.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new ReplicationException(where + ": table " + leaderTable + " has no column '" + leaderColumn
                + "' but the leader's rows carry it (follower columns: " + columns.keySet() + "). "
                + "Add the column to the follower table with a type that can hold the leader's values, then restart Understudy.");
    }

    List<FollowerColumn> columns(List<String> leaderColumns) {
        List<FollowerColumn> result = new ArrayList<>(leaderColumns.size());
        for (String name : leaderColumns) {
            result.add(column(name));
        }
        return result;
    }
}

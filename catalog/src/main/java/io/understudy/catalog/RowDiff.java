package io.understudy.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One row that differs between the leader and a follower. Immutable and thread-safe (the key values are the
 * driver's immutable objects: numbers, strings, temporals; byte arrays are never modified).
 *
 * @param kind      how it differs
 * @param key       the key in canonical text form (see {@link TableChecksum}), one entry per key column
 * @param keyValues the key as the JDBC driver returned it, for looking the row up again
 */
public record RowDiff(Kind kind, List<String> key, List<Object> keyValues) {
    /** How a row differs. */
    public enum Kind {
        /** On the leader, not on the follower. */
        MISSING_ON_FOLLOWER,
        /** On the follower, not on the leader. */
        EXTRA_ON_FOLLOWER,
        /** On both, with different values in at least one column. */
        DIFFERENT_VALUES
    }

    public RowDiff {
        Objects.requireNonNull(kind, "kind");
        key = Collections.unmodifiableList(new ArrayList<>(key));
        keyValues = Collections.unmodifiableList(new ArrayList<>(keyValues));
    }

    /** The key as {@code col=value[, col=value]} for people. */
    public String describeKey(List<String> keyColumns) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(i < keyColumns.size() ? keyColumns.get(i) : "?").append('=').append(key.get(i));
        }
        return sb.toString();
    }
}

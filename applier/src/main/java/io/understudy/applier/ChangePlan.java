package io.understudy.applier;

import io.understudy.model.KeyValues;
import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns row changes, in leader order, into groups that each become a few multi-row statements. A group
 * holds CONSECUTIVE changes of one table and one kind, so leader order across groups is kept:
 * INSERT and key-preserving UPDATE become upserts of the full after image; a key-changing UPDATE becomes
 * a delete of the old key followed by an upsert; an upsert group ends before a key repeats, because
 * PostgreSQL refuses to touch one row twice in a single upsert.
 */
final class ChangePlan {
    /**
     * UPSERT writes full images over whatever the follower holds; INSERT writes images of rows the follower does not
     * hold before the group (only {@link NetPlan} makes these; a writer may still upsert them); DELETE removes keys.
     */
    enum Kind { UPSERT, INSERT, DELETE, TRUNCATE }

    /** One row of a group: the change it came from and the image it writes (upsert) or removes (delete). */
    record Item(RowChange change, Row image) {
        List<Object> key() {
            return change.key(image);
        }
    }

    /** Consecutive items of one table and kind; {@code columns} are the image columns (upsert) or key columns (delete). */
    record Group(TableId table, Kind kind, List<String> columns, List<String> keyColumns, List<Item> items) {
    }

    private final List<Group> groups = new ArrayList<>();
    private final Set<List<Object>> currentKeys = new HashSet<>();
    private Group current;

    private ChangePlan() {
    }

    static List<Group> of(List<RowChange> changes) {
        ChangePlan plan = new ChangePlan();
        for (RowChange change : changes) {
            plan.add(change);
        }
        return plan.groups;
    }

    /**
     * Plans {@code changes} that are all inserts of DISTINCT keys (a snapshot chunk: rows read in key order): one
     * group per run of the same table and columns, without tracking keys.
     */
    static List<Group> distinctInserts(List<RowChange> changes) {
        List<Group> groups = new ArrayList<>();
        Group current = null;
        for (RowChange change : changes) {
            if (change.op() != Op.INSERT) {
                throw new IllegalArgumentException("distinctInserts takes inserts only, not " + change.op());
            }
            List<String> columns = change.after().columns();
            if (current == null || !current.table().equals(change.table()) || !current.columns().equals(columns)) {
                current = new Group(change.table(), Kind.UPSERT, columns, change.keyColumns(), new ArrayList<>());
                groups.add(current);
            }
            current.items().add(new Item(change, change.after()));
        }
        return groups;
    }

    private void add(RowChange change) {
        switch (change.op()) {
            case TRUNCATE -> append(change, Kind.TRUNCATE, null);
            case DELETE -> append(change, Kind.DELETE, change.before());
            case INSERT -> append(change, Kind.UPSERT, change.after());
            case UPDATE -> {
                if (change.changesKey()) {
                    append(change, Kind.DELETE, change.before());
                }
                append(change, Kind.UPSERT, change.after());
            }
        }
    }

    private void append(RowChange change, Kind kind, Row image) {
        List<String> columns = switch (kind) {
            case UPSERT, INSERT -> image.columns();
            case DELETE -> change.keyColumns();
            case TRUNCATE -> List.of();
        };
        List<Object> key = image == null ? List.of() : KeyValues.identity(change.key(image));
        boolean fits = current != null && current.table().equals(change.table()) && current.kind() == kind
                && current.columns().equals(columns) && current.keyColumns().equals(change.keyColumns())
                && !(kind == Kind.UPSERT && currentKeys.contains(key));
        if (!fits) {
            current = new Group(change.table(), kind, columns, change.keyColumns(), new ArrayList<>());
            currentKeys.clear();
            groups.add(current);
        }
        if (kind == Kind.TRUNCATE) {
            if (current.items().isEmpty()) {
                current.items().add(new Item(change, null)); // consecutive truncates of a table are one
            }
            return;
        }
        currentKeys.add(key);
        current.items().add(new Item(change, image));
    }
}

package io.understudy.applier;

import io.understudy.applier.ChangePlan.Group;
import io.understudy.applier.ChangePlan.Item;
import io.understudy.applier.ChangePlan.Kind;
import io.understudy.model.KeyValues;
import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Plans the NET effect of the row changes of several consecutive leader transactions that commit together in one
 * follower transaction: per table, one DELETE of every key that ends up absent, then one upsert of the last image of
 * every key that ends up present. Keys whose first change in the run is an INSERT did not exist before it (the
 * follower holds exactly the leader's state before the run, and the leader refuses to insert an existing key), so
 * their rows form a separate {@link Kind#INSERT} group that a writer may insert without upsert handling. A group of 32 OLTP transactions becomes a few statements instead of a few per
 * transaction, which saves the follower most of its parsing and round trips.
 *
 * <p>Why the follower ends in the same state as applying the changes one by one: every image is a full row image,
 * so a key's final state is decided by its last change alone (a DELETE, or the key side of a key-changing UPDATE,
 * leaves it absent; anything else leaves the last after image). Deleting first and upserting after makes keys that
 * the follower's collation calls equal come out right too: two keys that are both present at the end are distinct
 * on the leader and hence on the follower, and a deleted key that equals a present one is deleted before the present
 * one is written. Nobody sees the order of statements inside the follower transaction.
 *
 * <p>Where it does not hold, the order of the leader is kept ({@link ChangePlan#of}):
 * <ul>
 *   <li>tables whose follower table has a unique index besides the key ({@code keepOrder}): two rows may swap a
 *       unique value, which only works in the leader's order;</li>
 *   <li>changes that contain a TRUNCATE.</li>
 * </ul>
 * Changes of different tables are reordered, so the caller must only use this where the follower checks no foreign
 * keys (MariaDB/MySQL sessions with {@code foreign_key_checks=0}, PostgreSQL with {@code session_replication_role =
 * replica}). A follower trigger sees the net change of each row, not each leader change. Stateless.
 */
final class NetPlan {
    private NetPlan() {
    }

    /**
     * One key's last change and the image that decides it: the after image, or null when the row ends up absent;
     * {@code fresh} when the key's first change was an INSERT.
     */
    private record Last(RowChange change, Row image, Row keyImage, boolean fresh) {
    }

    /**
     * Plans {@code changes} (in leader order) as their net effect.
     *
     * @param keepOrder tables whose changes must be applied in leader order (see the class comment)
     */
    static List<Group> of(List<RowChange> changes, Predicate<TableId> keepOrder) {
        for (RowChange c : changes) {
            if (c.op() == Op.TRUNCATE) {
                return ChangePlan.of(changes);
            }
        }
        List<TableId> tables = new ArrayList<>(); // in order of first appearance
        Map<TableId, Map<List<Object>, Last>> net = new HashMap<>();
        Map<TableId, List<RowChange>> ordered = new HashMap<>();
        for (RowChange c : changes) {
            TableId t = c.table();
            if (!net.containsKey(t) && !ordered.containsKey(t)) {
                tables.add(t);
                if (keepOrder.test(t)) {
                    ordered.put(t, new ArrayList<>());
                } else {
                    net.put(t, new LinkedHashMap<>());
                }
            }
            Map<List<Object>, Last> keys = net.get(t);
            if (keys == null) {
                ordered.get(t).add(c);
                continue;
            }
            switch (c.op()) {
                case INSERT -> put(keys, c, c.after(), c.after());
                case DELETE -> put(keys, c, null, c.before());
                case UPDATE -> {
                    if (c.changesKey()) {
                        put(keys, c, null, c.before());
                    }
                    put(keys, c, c.after(), c.after());
                }
                case TRUNCATE -> throw new IllegalStateException("TRUNCATE is planned in order");
            }
        }
        List<Group> groups = new ArrayList<>();
        for (TableId t : tables) {
            Map<List<Object>, Last> keys = net.get(t);
            if (keys == null) {
                groups.addAll(ChangePlan.of(ordered.get(t)));
            } else {
                addGroups(groups, keys, Kind.DELETE);
                addGroups(groups, keys, Kind.UPSERT);
                addGroups(groups, keys, Kind.INSERT);
            }
        }
        return groups;
    }

    private static void put(Map<List<Object>, Last> keys, RowChange change, Row image, Row keyImage) {
        List<Object> key = KeyValues.identity(change.key(keyImage));
        Last earlier = keys.get(key);
        boolean fresh = earlier == null ? change.op() == Op.INSERT : earlier.fresh();
        keys.put(key, new Last(change, image, keyImage, fresh));
    }

    /** Appends the groups of one kind of one table, split where columns differ. */
    private static void addGroups(List<Group> groups, Map<List<Object>, Last> keys, Kind kind) {
        Group current = null;
        for (Last last : keys.values()) {
            Kind lastKind = last.image() == null ? Kind.DELETE : last.fresh() ? Kind.INSERT : Kind.UPSERT;
            if (lastKind != kind) {
                continue;
            }
            RowChange c = last.change();
            List<String> columns = kind == Kind.DELETE ? c.keyColumns() : last.image().columns();
            if (current == null || !current.columns().equals(columns) || !current.keyColumns().equals(c.keyColumns())) {
                current = new Group(c.table(), kind, columns, c.keyColumns(), new ArrayList<>());
                groups.add(current);
            }
            current.items().add(new Item(c, kind == Kind.DELETE ? last.keyImage() : last.image()));
        }
    }
}

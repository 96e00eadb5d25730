package io.understudy.applier;

import io.understudy.catalog.ForeignKey;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.model.KeyValues;
import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * When the cascades of a group of leader transactions may be replayed after the group's net effect instead of in
 * place ({@link NetPlan}, then {@link Cascades}), which turns a group of 32 transactions that each delete an order
 * into a few statements instead of a few per transaction.
 *
 * <p>Why it leaves the rows as replaying in place does: a cascade fired by parent values V changes the child rows
 * that reference V at that point. After it, on the leader, no child row references V any more (deleted, moved to the
 * new values, or set NULL), and none can come to reference V while no parent row has V again: the leader's key refuses
 * it. So if no later change of the group gives a parent row the values V again, the child rows referencing V at the
 * end of the group's net effect are exactly those that referenced V at the cascade (explicit child writes of the group
 * before it included; any written after it reference other values), and replaying the cascades at the end, in leader
 * order, changes exactly the same rows. That needs V to be the parent's key: InnoDB lets a key reference columns that
 * are not unique, and another parent row may keep V, so only keys that reference the parent's primary key defer. Key changes that chain (1 → 11, then 11 → 21) replay in order too. Groups with
 * a TRUNCATE, or where some parent values reappear (a parent deleted and inserted again), keep the in-place replay.
 * Stateless.
 */
final class DeferredCascades {
    private DeferredCascades() {
    }

    /** Whether the cascades of {@code changes} (one group, in leader order) may be replayed after their net effect. */
    static boolean allowed(List<RowChange> changes, ForeignKeyGraph graph) {
        Map<List<Object>, Integer> lastAppearance = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            RowChange c = changes.get(i);
            if (c.op() == Op.TRUNCATE) {
                return false;
            }
            if (c.after() != null) {
                for (ForeignKey k : graph.referencing(c.table())) {
                    lastAppearance.put(reference(k, c.after()), i);
                }
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            RowChange c = changes.get(i);
            if (!graph.fires(c)) {
                continue;
            }
            for (ForeignKey k : graph.referencing(c.table())) {
                if (!new HashSet<>(k.referenced()).equals(new HashSet<>(c.keyColumns()))) {
                    return false; // a non-unique referenced value may stay on another parent row
                }
                Integer again = lastAppearance.get(reference(k, c.before()));
                if (again != null && again > i) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The changes that fire cascades, in leader order, as runs of one table and operation (replayed together). */
    static List<List<RowChange>> runs(List<RowChange> changes, ForeignKeyGraph graph) {
        List<List<RowChange>> runs = new ArrayList<>();
        List<RowChange> run = null;
        for (RowChange c : changes) {
            if (!graph.fires(c)) {
                continue;
            }
            if (run == null || !run.get(0).table().equals(c.table()) || run.get(0).op() != c.op()) {
                run = new ArrayList<>();
                runs.add(run);
            }
            run.add(c);
        }
        return runs;
    }

    private static List<Object> reference(ForeignKey key, Row image) {
        List<Object> values = new ArrayList<>(key.referenced().size() + 1);
        values.add(key.name() + "@" + key.child());
        key.referenced().forEach(column -> values.add(image.get(column)));
        return KeyValues.identity(values);
    }
}

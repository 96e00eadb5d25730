package io.understudy.catalog;

import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The leader's cascading foreign keys between replicated tables, as the applier needs them to replay what the leader
 * did to child rows without logging it (docs/architecture.md, "Foreign-key cascades"): which changes fire a cascade,
 * which keys a changed row passes it on to, and which tables a cascade can reach. Only keys with a rule that changes
 * child rows (CASCADE, SET NULL) and whose child and parent are both replicated are kept. Immutable and thread-safe.
 */
public final class ForeignKeyGraph {
    /** No cascades to replay: the leader logs or captures cascaded rows itself, or has none. */
    public static final ForeignKeyGraph NONE = new ForeignKeyGraph(List.of());

    private final List<ForeignKey> keys;
    private final Map<TableId, List<ForeignKey>> referencing = new HashMap<>();

    private ForeignKeyGraph(List<ForeignKey> keys) {
        this.keys = List.copyOf(keys);
        for (ForeignKey k : this.keys) {
            referencing.computeIfAbsent(k.parent(), t -> new ArrayList<>()).add(k);
        }
        referencing.replaceAll((t, l) -> List.copyOf(l));
    }

    /** The keys of {@code keys} that cascade and whose child and parent tables are both {@code replicated}. */
    public static ForeignKeyGraph of(Collection<ForeignKey> keys, Predicate<TableId> replicated) {
        List<ForeignKey> kept = keys.stream()
                .filter(k -> k.cascades() && replicated.test(k.child()) && replicated.test(k.parent())).toList();
        return kept.isEmpty() ? NONE : new ForeignKeyGraph(kept);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public List<ForeignKey> keys() {
        return keys;
    }

    /** The cascading keys that reference {@code parent}. */
    public List<ForeignKey> referencing(TableId parent) {
        return referencing.getOrDefault(parent, List.of());
    }

    /** The keys through which deleting a row of {@code table} changes child rows (ON DELETE CASCADE / SET NULL). */
    public List<ForeignKey> afterDelete(TableId table) {
        return referencing(table).stream().filter(k -> k.onDelete().changesChildren()).toList();
    }

    /**
     * The keys through which changing {@code columns} of a row of {@code table} changes child rows: ON UPDATE CASCADE
     * or SET NULL keys that reference one of those columns.
     */
    public List<ForeignKey> afterUpdate(TableId table, Collection<String> columns) {
        return referencing(table).stream()
                .filter(k -> k.onUpdate().changesChildren() && k.referenced().stream().anyMatch(columns::contains))
                .toList();
    }

    /**
     * Whether the leader cascaded {@code change} to child rows: a delete of a row that cascading keys reference, or an
     * update that changes columns an ON UPDATE CASCADE / SET NULL key references (compared exactly, as InnoDB does).
     */
    public boolean fires(RowChange change) {
        if (keys.isEmpty()) {
            return false;
        }
        if (change.op() == Op.DELETE) {
            return !afterDelete(change.table()).isEmpty();
        }
        if (change.op() != Op.UPDATE) {
            return false;
        }
        for (ForeignKey k : referencing(change.table())) {
            if (k.onUpdate().changesChildren() && changed(change.before(), change.after(), k.referenced())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the values of {@code columns} differ between the two images. */
    public static boolean changed(Row before, Row after, List<String> columns) {
        for (String c : columns) {
            Object b = before.get(c);
            Object a = after.get(c);
            if (b instanceof byte[] x && a instanceof byte[] y ? !Arrays.equals(x, y) : !Objects.equals(b, a)) {
                return true;
            }
        }
        return false;
    }

    /** Every table a cascade that starts at a row of {@code table} may change, {@code table} included when it refers to itself. */
    public Set<TableId> reach(TableId table) {
        Set<TableId> seen = new LinkedHashSet<>();
        Deque<TableId> todo = new ArrayDeque<>(List.of(table));
        while (!todo.isEmpty()) {
            for (ForeignKey k : referencing(todo.pop())) {
                if (seen.add(k.child())) {
                    todo.push(k.child());
                }
            }
        }
        return seen;
    }

    /**
     * The tables (other than {@code table} itself) whose rows a cascade can change THROUGH rows of {@code table} that
     * a cascade changed: the next hop of a cascade of two or more levels. A cascade deletes rows of {@code table}
     * (some key into it is ON DELETE CASCADE) or changes the columns of its keys into it (ON DELETE SET NULL,
     * ON UPDATE CASCADE / SET NULL); a key out of it continues if it acts on that kind of change.
     */
    public Set<TableId> continuations(TableId table) {
        boolean deleted = false;
        Set<String> changed = new LinkedHashSet<>();
        for (ForeignKey in : keys) {
            if (!in.child().equals(table)) {
                continue;
            }
            deleted |= in.onDelete() == ForeignKey.Rule.CASCADE;
            if (in.onDelete() == ForeignKey.Rule.SET_NULL || in.onUpdate().changesChildren()) {
                changed.addAll(in.columns());
            }
        }
        Set<TableId> next = new LinkedHashSet<>();
        if (deleted) {
            afterDelete(table).forEach(k -> next.add(k.child()));
        }
        afterUpdate(table, changed).forEach(k -> next.add(k.child()));
        next.remove(table);
        return next;
    }

    /** {@code tables} and every table reachable from them through {@link #continuations}, in discovery order. */
    public Set<TableId> continuationsClosure(Collection<TableId> tables) {
        Set<TableId> seen = new LinkedHashSet<>(tables);
        Deque<TableId> todo = new ArrayDeque<>(tables);
        while (!todo.isEmpty()) {
            for (TableId next : continuations(todo.pop())) {
                if (seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }

    @Override
    public String toString() {
        return keys.isEmpty() ? "no cascading foreign keys" : keys.size() + " cascading foreign key(s)";
    }
}

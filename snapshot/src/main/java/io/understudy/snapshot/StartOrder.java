package io.understudy.snapshot;

import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.catalog.TableDef;
import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The order in which a snapshot starts its tables' copies: largest first (a table counts as large as the largest one
 * waiting for it), except that a table a foreign-key cascade
 * can reach THROUGH another copied table ({@link ForeignKeyGraph#continuations}) takes its snapshot position only after
 * that table took its own. Every transaction whose cascade the copy of the table in between already shows is then
 * shown by the copy of the next table too, so the applier can replay every cascade of the hand-over: it never has to
 * go on from rows the copy no longer holds into a table that still needs the cascade (docs/snapshot.md). Only the
 * start waits, not the copy. A cycle of such tables is broken (the largest goes first); the applier then stops on a
 * cascade it cannot replay and names the table to copy again.
 *
 * <p>Tables are submitted in {@link #tables()} order to a FIFO pool; a table waits only for tables before it, which
 * the pool has already started, so the wait cannot deadlock. Thread-safe.
 */
final class StartOrder {
    private final List<TableDef> tables;
    private final Map<TableId, Set<TableId>> predecessors;
    private final Map<TableId, CountDownLatch> started = new HashMap<>();

    private StartOrder(List<TableDef> tables, Map<TableId, Set<TableId>> predecessors) {
        this.tables = List.copyOf(tables);
        this.predecessors = predecessors;
        tables.forEach(t -> started.put(t.id(), new CountDownLatch(1)));
    }

    static StartOrder of(List<TableDef> tables, Map<TableId, Long> estimates, ForeignKeyGraph cascades) {
        Map<TableId, TableDef> byId = new HashMap<>();
        tables.forEach(t -> byId.put(t.id(), t));
        Map<TableId, Set<TableId>> wanted = new HashMap<>();
        for (TableDef t : tables) {
            for (TableId next : cascades.continuations(t.id())) {
                if (byId.containsKey(next)) {
                    wanted.computeIfAbsent(next, n -> new LinkedHashSet<>()).add(t.id());
                }
            }
        }
        // a table that a large one waits for goes first with the large one's size
        Map<TableId, Long> weight = new HashMap<>();
        for (TableDef t : tables) {
            long w = 0;
            for (TableId reached : cascades.continuationsClosure(List.of(t.id()))) {
                w = Math.max(w, estimates.getOrDefault(reached, 0L));
            }
            weight.put(t.id(), w);
        }
        Comparator<TableDef> largestFirst = Comparator.comparingLong((TableDef t) -> weight.get(t.id()))
                .reversed().thenComparing(t -> t.id().toString());
        List<TableDef> remaining = new ArrayList<>(tables);
        remaining.sort(largestFirst);
        List<TableDef> order = new ArrayList<>();
        Set<TableId> placed = new LinkedHashSet<>();
        Map<TableId, Set<TableId>> predecessors = new HashMap<>();
        while (!remaining.isEmpty()) {
            TableDef pick = remaining.stream()
                    .filter(t -> placed.containsAll(wanted.getOrDefault(t.id(), Set.of())))
                    .findFirst().orElse(remaining.get(0)); // a cycle: the largest goes first
            Set<TableId> before = new LinkedHashSet<>(wanted.getOrDefault(pick.id(), Set.of()));
            before.retainAll(placed);
            predecessors.put(pick.id(), before);
            placed.add(pick.id());
            order.add(pick);
            remaining.remove(pick);
        }
        return new StartOrder(order, predecessors);
    }

    /** The order to submit the copies in. */
    List<TableDef> tables() {
        return tables;
    }

    /** The tables whose snapshot {@code table} waits for. */
    Set<TableId> predecessors(TableId table) {
        return predecessors.getOrDefault(table, Set.of());
    }

    void awaitPredecessors(TableId table) throws InterruptedException {
        for (TableId p : predecessors(table)) {
            started.get(p).await();
        }
    }

    /** {@code table}'s snapshot position is taken (or its copy ended without one). */
    void started(TableId table) {
        started.get(table).countDown();
    }
}

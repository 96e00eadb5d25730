package io.understudy.applier;

import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.model.Position;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The applier's handler with several apply threads ({@code apply-threads > 1}): gathers consecutive complete
 * leader transactions into groups (up to {@value #GROUP_TRANSACTIONS} transactions or {@value #GROUP_ROWS} row
 * changes, or what the source had at hand) and hands each group to {@link ApplyLanes}, which applies groups with
 * disjoint write sets at the same time and commits them in leader order. A transaction with more than
 * {@value #GROUP_ROWS} row changes is not buffered: everything in flight is committed first, then it streams
 * through the serial applier in bounded memory. DDL is a barrier the same way.
 *
 * <p>A group with a change that fires a foreign-key cascade ({@link Cascades}) claims every table the cascade can reach
 * as a whole: the cascade changes rows that no write set names, so no group touching those tables may run beside it.
 * It is written as its net effect with the cascades replayed after it where that changes the same rows
 * ({@link DeferredCascades}), else in leader order with each cascade replayed in place.
 *
 * <p>Called by one thread at a time, like any {@link TransactionHandler}.
 */
final class ParallelApply implements TransactionHandler, AutoCloseable {
    static final int GROUP_TRANSACTIONS = 32;
    static final int GROUP_ROWS = FollowerApplier.FLUSH_ROWS;

    private final FollowerApplier serial;
    private final ApplyLanes lanes;
    private final Map<TableId, Boolean> wholeTables = new HashMap<>();
    private final TableCatalog catalog;
    private final HandOver handOver;
    private final List<ApplyLanes.Item> group = new ArrayList<>();
    private long groupRows;
    private ForeignKeyGraph groupKeys = ForeignKeyGraph.NONE;
    private List<RowChange> pending;
    private String pendingId;
    private Position pendingStart;
    private HandOver.Scope pendingScope;
    private boolean streaming;

    ParallelApply(FollowerApplier serial, ApplyLanes lanes, TableCatalog catalog, HandOver handOver) {
        this.serial = serial;
        this.lanes = lanes;
        this.catalog = catalog;
        this.handOver = handOver;
    }

    @Override
    public void begin(String transactionId) throws InterruptedException {
        begin(transactionId, null);
    }

    @Override
    public void begin(String transactionId, Position start) throws InterruptedException {
        pendingScope = handOver.scope(start);
        ForeignKeyGraph keys = serial.foreignKeys();
        if (keys != groupKeys) {
            submitGroup(); // a group is written with one set of keys
            groupKeys = keys;
        }
        pending = new ArrayList<>();
        pendingId = transactionId;
        pendingStart = start;
        streaming = false;
    }

    @Override
    public void changes(List<RowChange> changes) throws InterruptedException {
        if (streaming) {
            serial.changes(changes);
            return;
        }
        pending.addAll(changes);
        if (pending.size() > GROUP_ROWS) {
            // too big to buffer: commit what is in flight, then stream this one on its own
            submitGroup();
            lanes.drain();
            streaming = true;
            serial.begin(pendingId, pendingStart);
            serial.changes(pending);
            pending = null;
        }
    }

    @Override
    public void commit(Transaction transaction) throws InterruptedException {
        if (streaming) {
            serial.commit(transaction);
            serial.endOfBatch();
            streaming = false;
            return;
        }
        group.add(new ApplyLanes.Item(transaction, pendingId, List.copyOf(pending), pendingScope));
        groupRows += pending.size();
        pending = null;
        if (group.size() >= GROUP_TRANSACTIONS || groupRows >= GROUP_ROWS) {
            submitGroup();
        }
    }

    @Override
    public void endOfBatch() throws InterruptedException {
        submitGroup();
    }

    /** Every commit, by the lanes or the serial applier, goes through the serial applier's record. */
    @Override
    public Optional<Position> durable() {
        return serial.durable();
    }

    @Override
    public void schemaChange(SchemaChange change) throws InterruptedException {
        submitGroup();
        lanes.drain();
        serial.schemaChange(change);
        wholeTables.clear(); // columns and indexes may have changed
        catalog.clear();
        lanes.tablesChanged();
    }

    @Override
    public void abort() {
        if (streaming) {
            serial.abort();
        }
        streaming = false;
        pending = null;
        group.clear(); // complete transactions not yet handed over: read again after the restart
        groupRows = 0;
    }

    private void submitGroup() throws InterruptedException {
        if (group.isEmpty()) {
            return;
        }
        WriteSet writes = new WriteSet();
        boolean cascades = false;
        boolean live = true;
        for (ApplyLanes.Item item : group) {
            writes.add(item.changes(), this::wholeTable);
            live &= item.scope().live();
            for (RowChange change : item.changes()) {
                if (groupKeys.fires(change)) {
                    cascades = true;
                    groupKeys.reach(change.table()).forEach(writes::claim);
                }
            }
        }
        ApplyLanes.Cascading cascading = !cascades ? ApplyLanes.Cascading.NONE
                : live && DeferredCascades.allowed(allChanges(group), groupKeys) ? ApplyLanes.Cascading.AFTER_NET_EFFECT
                : ApplyLanes.Cascading.IN_PLACE;
        lanes.submit(group, writes, groupRows, groupKeys, cascading);
        group.clear();
        groupRows = 0;
    }

    private static List<RowChange> allChanges(List<ApplyLanes.Item> items) {
        List<RowChange> all = new ArrayList<>();
        items.forEach(item -> all.addAll(item.changes()));
        return all;
    }

    private boolean wholeTable(TableId table) {
        return wholeTables.computeIfAbsent(table, t -> serial.withConnection("read the indexes of the follower table for " + t,
                c -> uniqueBeyondKey(c, t)));
    }

    private boolean uniqueBeyondKey(Connection c, TableId t) throws SQLException {
        return catalog.table(c, t).uniqueIndexes() > 1;
    }

    /** Hands over complete transactions not yet applied and waits for everything in flight. */
    @Override
    public void close() {
        try {
            if (!streaming && pending == null) {
                submitGroup();
            }
            lanes.drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // already reported by the call that failed; what did not commit is read again
        } finally {
            lanes.close();
        }
    }
}

package io.understudy.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.Transaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies groups of complete leader transactions on several follower connections at once and commits them in
 * leader order. A group is started only when its {@link WriteSet} overlaps no group still in flight, so groups
 * that run at the same time touch disjoint rows; each group waits, after writing its rows, until every earlier
 * group has committed, then writes the position of its last transaction and commits. The follower therefore
 * passes through exactly the states it would pass through applying the groups one by one: a prefix of the
 * leader's history, with the stored position always that of the last committed group.
 *
 * <p>A group that waits for its turn longer than {@link #TURN_WAIT} rolls back, waits for its turn without holding
 * locks and writes again: an earlier group may be blocked on one of its locks that the write sets cannot see (a
 * follower trigger, a foreign key check), and would otherwise wait forever for a group that waits for it.
 *
 * <p>If a group fails, every later group rolls back instead of committing (it must not commit over the gap),
 * and the failure is rethrown by the next {@link #submit} or {@link #drain}; groups before it may still commit.
 * Resuming from the stored position then applies each transaction once.
 *
 * <p>{@link #submit}, {@link #drain} and {@link #close} are called by one coordinating thread; the lanes run on
 * their own threads.
 */
final class ApplyLanes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyLanes.class);
    /** How long a group holds its locks while waiting for its turn; see {@link #apply}. */
    static final java.time.Duration TURN_WAIT = java.time.Duration.ofSeconds(2);

    /** One leader transaction of a group, and what a snapshot copy holds of it. */
    record Item(Transaction transaction, String transactionId, List<RowChange> changes, HandOver.Scope scope) {
    }

    /** What a committed group reports back. */
    record Committed(Transaction last, String lastId, int transactions, long rows, Instant appliedAt) {
    }

    /** How a group replays the foreign-key cascades it fires. */
    enum Cascading {
        /** It fires none. */
        NONE,
        /** After the group's net effect ({@link DeferredCascades}). */
        AFTER_NET_EFFECT,
        /** Each transaction written in leader order, each cascade in place ({@link OrderedWriter}). */
        IN_PLACE
    }

    /** Submitted transactions; {@code keys} are the leader's cascading foreign keys when they were read. */
    private record Group(long sequence, List<Item> items, WriteSet writes, long rows, ForeignKeyGraph keys,
                         Cascading cascading) {
    }

    /** What each lane thread keeps: its own follower table definitions and statement cache. */
    private record Lane(TableCatalog catalog, StatementWriter writer, OrderedWriter ordered, Cascades cascades) {
    }

    private final FollowerRef where;
    private final HikariDataSource pool;
    private final Dialect dialect;
    private final PositionStore positions;
    private final String setup;
    private final Clock clock;
    private final int lanes;
    private final Consumer<Committed> onCommit;
    private final long turnWaitNanos;
    private final ExecutorService workers;
    private final boolean net;
    private final ThreadLocal<Lane> lanesOfThreads;
    private final List<TableCatalog> catalogs = new ArrayList<>();
    private final Object monitor = new Object();
    private final List<Group> inFlight = new ArrayList<>();
    private long nextSequence = 1;
    private long committed;
    private RuntimeException failure;

    /**
     * @param net whether a group is written as its net effect ({@link NetPlan}); only where the follower checks no
     *            foreign keys, since the changes of different tables are reordered. Otherwise each transaction is
     *            written in leader order.
     */
    ApplyLanes(FollowerRef where, HikariDataSource pool, Dialect dialect, String setup, Clock clock, int lanes, boolean net,
               Consumer<Committed> onCommit) {
        this(where, pool, dialect, setup, clock, lanes, net, onCommit, TURN_WAIT);
    }

    /** @param turnWait how long a group that wrote its rows waits for its turn before it releases its locks */
    ApplyLanes(FollowerRef where, HikariDataSource pool, Dialect dialect, String setup, Clock clock, int lanes, boolean net,
               Consumer<Committed> onCommit, java.time.Duration turnWait) {
        this.turnWaitNanos = turnWait.toNanos();
        this.net = net;
        this.where = where;
        this.pool = pool;
        this.dialect = dialect;
        this.positions = new PositionStore(where, dialect);
        this.setup = setup;
        this.clock = clock;
        this.lanes = lanes;
        this.onCommit = onCommit;
        this.workers = Executors.newFixedThreadPool(lanes, r -> {
            Thread t = new Thread(r, "apply-" + where.name());
            t.setDaemon(true);
            return t;
        });
        this.lanesOfThreads = ThreadLocal.withInitial(() -> {
            TableCatalog catalog = new TableCatalog(where, dialect);
            synchronized (catalogs) {
                catalogs.add(catalog);
            }
            StatementWriter writer = new StatementWriter(where, dialect, catalog);
            Cascades cascades = new Cascades(where, dialect, catalog);
            return new Lane(catalog, writer, new OrderedWriter(writer, cascades), cascades);
        });
    }

    /**
     * Forgets the follower table definitions the lanes cached, after DDL changed them. Call only after
     * {@link #drain()}, when no lane is writing.
     */
    void tablesChanged() {
        synchronized (catalogs) {
            catalogs.forEach(TableCatalog::clear);
        }
    }

    /**
     * Starts applying {@code items} (complete transactions in leader order, following everything submitted
     * before) once a lane is free and no group in flight overlaps {@code writes}.
     *
     * @throws RuntimeException the failure of an earlier group, if one failed
     */
    void submit(List<Item> items, WriteSet writes, long rows, ForeignKeyGraph keys, Cascading cascading)
            throws InterruptedException {
        Group group;
        synchronized (monitor) {
            while (failure == null && (inFlight.size() >= lanes || overlapsInFlight(writes))) {
                monitor.wait();
            }
            rethrow();
            group = new Group(nextSequence++, List.copyOf(items), writes, rows, keys, cascading);
            inFlight.add(group);
        }
        workers.execute(() -> run(group));
    }

    /** Waits until every submitted group has committed. @throws RuntimeException the first failure */
    void drain() throws InterruptedException {
        synchronized (monitor) {
            while (!inFlight.isEmpty()) {
                monitor.wait();
            }
            rethrow();
        }
    }

    private boolean overlapsInFlight(WriteSet writes) {
        for (Group g : inFlight) {
            if (g.writes().overlaps(writes)) {
                return true;
            }
        }
        return false;
    }

    private void rethrow() {
        if (failure != null) {
            throw failure;
        }
    }

    private void run(Group group) {
        try (Connection c = pool.getConnection()) {
            try {
                apply(c, group);
            } catch (SQLException | RuntimeException | InterruptedException e) {
                rollback(c);
                fail(group, e);
            }
        } catch (SQLException e) {
            fail(group, e);
        }
    }

    private void apply(Connection c, Group group) throws SQLException, InterruptedException {
        if (dialect instanceof MySqlFamilyDialect) {
            // no gap locks: groups with disjoint keys never wait for each other
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        write(c, group);
        boolean turn = awaitTurn(group.sequence(), turnWaitNanos);
        if (!turn && failure() == null) {
            // An earlier group may be waiting for a lock this one holds (a follower trigger, a foreign key check,
            // a lock the write sets cannot see) while this one waits for it to commit. Release everything, wait for
            // the turn without locks, then write again.
            c.rollback();
            LOG.debug("{}: group {} released its locks while waiting for its turn", where, group.sequence());
            turn = awaitTurn(group.sequence(), Long.MAX_VALUE);
            if (turn) {
                write(c, group);
            }
        }
        if (!turn) {
            c.rollback(); // an earlier group failed: committing now would skip its transactions
            finish(group, null);
            return;
        }
        Item last = group.items().get(group.items().size() - 1);
        Instant appliedAt = clock.instant();
        positions.write(c, last.transaction().position(), last.transactionId(), last.transaction().commitTime(), appliedAt, group.items().size(), group.rows());
        c.commit();
        finish(group, new Committed(last.transaction(), last.transactionId(), group.items().size(), group.rows(), appliedAt));
    }

    /**
     * Writes the group's rows. Rows the leader inserted go in as plain inserts (see {@link NetPlan}); should the
     * follower hold one already (it was written to outside Understudy), the group is rolled back and written again
     * with upserts, which is what the follower would have got without this shortcut.
     */
    private void write(Connection c, Group group) throws SQLException {
        try {
            write(c, group, net);
        } catch (RuntimeException e) {
            if (!net || group.cascading() != Cascading.NONE || !Failures.isDuplicateKey(e)) {
                throw e;
            }
            c.rollback();
            LOG.warn("{}: the follower already holds a row that leader transactions {} .. {} insert ({}); writing them"
                            + " again as upserts. Something other than Understudy writes to this follower table.", where,
                    group.items().get(0).transactionId(), group.items().get(group.items().size() - 1).transactionId(),
                    Failures.describe(e));
            write(c, group, false);
        }
    }

    private void write(Connection c, Group group, boolean freshInserts) throws SQLException {
        if (setup != null) {
            StatementWriter.run(c, setup);
        }
        Lane lane = lanesOfThreads.get();
        List<Item> items = group.items();
        if (!net || group.cascading() == Cascading.IN_PLACE) {
            for (Item item : items) {
                lane.ordered().write(c, item.changes(), group.keys(), item.scope(), item.transactionId());
            }
            return;
        }
        List<RowChange> changes = new ArrayList<>((int) group.rows());
        Map<RowChange, String> transactionOf = new IdentityHashMap<>((int) group.rows());
        for (Item item : items) {
            for (RowChange change : item.changes()) {
                RowChange pending = item.scope().live() ? change : item.scope().pending(change);
                if (pending != null) {
                    changes.add(pending);
                    transactionOf.put(pending, item.transactionId());
                }
            }
        }
        String ids = items.get(0).transactionId() + " .. " + items.get(items.size() - 1).transactionId();
        // a cascade replayed afterwards may remove a row the net effect inserts again: no plain inserts then
        boolean deferred = group.cascading() == Cascading.AFTER_NET_EFFECT;
        lane.writer().write(c, NetPlan.of(changes, t -> uniqueBeyondKey(c, lane.catalog(), t, ids)), transactionOf::get,
                freshInserts && !deferred);
        if (deferred) {
            for (List<RowChange> run : DeferredCascades.runs(changes, group.keys())) {
                String runIds = transactionOf.get(run.get(0)) + " .. " + transactionOf.get(run.get(run.size() - 1));
                lane.cascades().replay(c, group.keys(), run, HandOver.Scope.LIVE, runIds);
            }
        }
    }

    private boolean uniqueBeyondKey(Connection c, TableCatalog catalog, io.understudy.model.TableId t, String ids) {
        try {
            return catalog.table(c, t).uniqueIndexes() > 1;
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot read the definition of follower table for " + t + " in transactions " + ids,
                    e, "Nothing of these transactions was committed on the follower. Check the user's privileges.");
        }
    }

    private RuntimeException failure() {
        synchronized (monitor) {
            return failure;
        }
    }

    /** Waits until every earlier group committed; false if one failed, or the wait timed out, instead. */
    private boolean awaitTurn(long sequence, long timeoutNanos) throws InterruptedException {
        long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        synchronized (monitor) {
            while (failure == null && committed != sequence - 1) {
                long left = deadline == Long.MAX_VALUE ? 0 : deadline - System.nanoTime();
                if (deadline != Long.MAX_VALUE && left <= 0) {
                    return false;
                }
                monitor.wait(deadline == Long.MAX_VALUE ? 0 : Math.max(1, left / 1_000_000));
            }
            return failure == null;
        }
    }

    private void finish(Group group, Committed done) {
        synchronized (monitor) {
            if (done != null) {
                committed = group.sequence();
                onCommit.accept(done);
            }
            inFlight.remove(group);
            monitor.notifyAll();
        }
    }

    private void fail(Group group, Exception e) {
        Item first = group.items().get(0);
        Item last = group.items().get(group.items().size() - 1);
        RuntimeException error = e instanceof RuntimeException r ? r
                : e instanceof SQLException s ? Failures.wrap(where, "cannot apply leader transactions "
                        + first.transactionId() + " .. " + last.transactionId() + " (up to "
                        + last.transaction().position().describe() + ")", s, "Nothing of them was committed.")
                : new ReplicationException(where + ": applying leader transactions was interrupted", e);
        synchronized (monitor) {
            if (failure == null) {
                failure = error;
            }
            inFlight.remove(group);
            monitor.notifyAll();
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed (the connection is dropped anyway)", e);
        }
    }

    /** Lets the groups in flight finish (or fail), then stops the lanes. */
    @Override
    public void close() {
        try {
            synchronized (monitor) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
                    monitor.wait(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            workers.shutdownNow();
        }
    }
}

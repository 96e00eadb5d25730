package io.understudy.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.config.FollowerConfig;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays leader transactions on ONE follower database, each atomically together with its position.
 *
 * <p>{@link #begin} opens a follower transaction; {@link #changes} buffers row changes and writes them into
 * that transaction as multi-row statements whenever more than {@value #FLUSH_ROWS} are buffered, so a
 * transaction of any size streams through bounded memory; {@link #commit} ends the leader transaction.
 *
 * <p><b>Folding.</b> {@link #commit} writes the transaction's remaining rows, but the follower transaction stays
 * open while the source has more at hand: the next leader transaction continues in it, until {@link #endOfBatch()} (the source delivered what it had), {@value #FOLD_TRANSACTIONS} transactions or
 * {@value #FOLD_ROWS} row changes. Then the position of the LAST folded transaction is upserted in
 * {@code understudy.applied_position} and the follower transaction commits. A follower commit therefore holds
 * whole leader transactions only, and the stored position is exactly the last of them: the follower shows a
 * prefix of the leader's history, and resuming from {@link #storedPosition()} applies each transaction once.
 * {@link #abort} rolls back everything not yet committed, folded transactions included (they are read again).
 * Without a backlog each batch holds one transaction, so nothing waits.
 *
 * <p><b>Cascades.</b> Where the leader's foreign keys changed child rows without logging them (MariaDB), the applier
 * replays them in the same follower transaction, right after the parent rows that fired them ({@link Cascades}); it
 * reads the leader's cascading keys from its {@link CascadeSource} when it opens, after each DDL statement, and when
 * they are older than the source allows.
 *
 * <p><b>Hand-over.</b> Right after a snapshot, {@link #handler(HandOver)} gets what the copy holds: changes it holds are
 * not written again, cascades are replayed only into rows it does not hold, DDL it reflects is skipped.
 *
 * <p>Failures: {@link io.understudy.model.RetriableException} for what may pass (connection lost, deadlock,
 * server restart); {@link ReplicationException} naming follower, table, column, key and transaction for the
 * rest. After any exception the transaction in flight is rolled back.
 *
 * <p>Thread safety: the {@link io.understudy.model.TransactionHandler} methods, {@link #storedPosition()} and
 * {@link #initializePosition} are called from one thread at a time; {@link #status()} may be called from any thread.
 */
public final class FollowerApplier implements TransactionHandler, AutoCloseable {
    /** Buffered row changes that trigger a write into the open follower transaction. */
    public static final int FLUSH_ROWS = 2_000;
    /** Most leader transactions folded into one follower commit. */
    public static final int FOLD_TRANSACTIONS = 1_000;
    /** Row changes after which a fold commits at the next leader commit. */
    public static final int FOLD_ROWS = 20_000;
    private static final Logger LOG = LoggerFactory.getLogger(FollowerApplier.class);

    private final FollowerRef where;
    private final HikariDataSource pool;
    private final Clock clock;
    private final Dialect dialect;
    private final PositionStore positions;
    private final TableCatalog catalog;
    private final StatementWriter writer;
    private final OrderedWriter ordered;
    private final SchemaChangeWriter ddl;
    private final CascadeSource cascadeSource;
    private volatile ForeignKeyGraph foreignKeys;
    private Instant foreignKeysReadAt;
    private HandOver handOver = HandOver.NONE;
    private HandOver.Scope scope = HandOver.Scope.LIVE;
    private final boolean replicaRole;
    private final List<RowChange> buffer = new ArrayList<>();
    private Connection tx;
    private String txId;
    private long txRows;
    private boolean inLeaderTransaction;
    private Transaction lastFolded;
    private String lastFoldedId;
    private int folded;
    private long foldedRows;
    private long transactions;
    private long rows;
    private volatile ApplierStatus status;
    private volatile Position durable;
    private final int applyThreads;
    private ParallelApply parallel;
    private volatile Applied.Listener listener = applied -> { };

    private FollowerApplier(FollowerRef where, HikariDataSource pool, Clock clock, Dialect dialect, boolean replicaRole,
                            int applyThreads, CascadeSource cascadeSource) {
        this.applyThreads = applyThreads;
        this.cascadeSource = cascadeSource;
        this.where = where;
        this.pool = pool;
        this.clock = clock;
        this.dialect = dialect;
        this.replicaRole = replicaRole;
        this.positions = new PositionStore(where, dialect);
        this.catalog = new TableCatalog(where, dialect);
        this.writer = new StatementWriter(where, dialect, catalog);
        this.ordered = new OrderedWriter(writer, new Cascades(where, dialect, catalog));
        this.ddl = new SchemaChangeWriter(where, dialect, positions);
        this.status = new ApplierStatus(where.name(), null, null, null, null, 0, 0);
    }

    /**
     * Opens a small pool to the follower and creates or upgrades Understudy's position table.
     *
     * @throws io.understudy.model.RetriableException when the follower is unreachable
     * @throws ReplicationException for failures an operator must fix (login, privileges), saying what to do
     */
    public static FollowerApplier open(FollowerConfig follower, Clock clock) {
        return open(follower, clock, CascadeSource.NONE);
    }

    /**
     * Like {@link #open(FollowerConfig, Clock)}, replaying the cascades of the leader's foreign keys that
     * {@code cascades} reads.
     *
     * @throws io.understudy.model.RetriableException when the follower or the leader (for its foreign keys) is
     *                                                unreachable
     */
    public static FollowerApplier open(FollowerConfig follower, Clock clock, CascadeSource cascades) {
        FollowerRef where = FollowerRef.of(follower);
        Dialect dialect = Dialect.of(follower.endpoint().kind());
        HikariDataSource pool = FollowerPool.open(where, follower.endpoint(), dialect, follower.applyThreads() + 2, true);
        try {
            new PositionStore(where, dialect).migrate(pool, follower.endpoint().user());
            WaitRoutine.ensure(pool, where, dialect, follower.endpoint().user());
            boolean replicaRole = dialect instanceof PostgresDialect && SessionProbe.replicaRoleAllowed(where, pool);
            FollowerApplier applier = new FollowerApplier(where, pool, clock, dialect, replicaRole, follower.applyThreads(),
                    cascades);
            applier.loadStatus();
            applier.readForeignKeys();
            return applier;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** {@link #handler(HandOver)} for a follower without a snapshot to hand over from. */
    public TransactionHandler handler() {
        return handler(HandOver.NONE);
    }

    /**
     * The handler to give the change source: this applier itself with one apply thread; with more, a handler
     * that applies independent transactions on several connections and commits them in leader order
     * ({@link ParallelApply}). Either way {@link #close()} closes it.
     *
     * @param handOver what the follower's snapshot copy holds of the transactions streamed after it
     */
    public synchronized TransactionHandler handler(HandOver handOver) {
        this.handOver = handOver;
        if (applyThreads == 1) {
            return this;
        }
        if (parallel == null) {
            // net effect per group only where the follower checks no foreign keys: it reorders tables
            boolean net = dialect instanceof MySqlFamilyDialect || replicaRole;
            ApplyLanes lanes = new ApplyLanes(where, pool, dialect, dialect.transactionSetup(replicaRole), clock,
                    applyThreads, net, this::record);
            parallel = new ParallelApply(this, lanes, new TableCatalog(where, dialect), handOver);
            LOG.info("{}: applying independent transactions on {} connections, committing in leader order", where,
                    applyThreads);
        }
        return parallel;
    }

    /** Follower connections that apply transactions at once (apply-threads). */
    int applyThreads() {
        return applyThreads;
    }

    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection of its own (read-only work of the parallel handler). */
    <T> T withConnection(String what, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            T result = work.run(c);
            c.rollback(); // read-only; on failure the pool rolls back, and a rollback here would hide the cause
            return result;
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot " + what, e, "Check the follower's state and the user's privileges.");
        }
    }

    /** Counts a committed group of leader transactions (from any thread). */
    private void record(ApplyLanes.Committed c) {
        synchronized (this) {
            durable = c.last().position();
            transactions += c.transactions();
            rows += c.rows();
            status = new ApplierStatus(where.name(), c.last().id(), c.last().position().describe(), c.last().commitTime(),
                    c.appliedAt(), transactions, rows);
        }
        listener.accept(new Applied(c.last().position(), c.last().commitTime(), c.appliedAt()));
    }

    /** Tells {@code listener} about every commit from now on (readers waiting for a position, lag). */
    public void onApplied(Applied.Listener listener) {
        this.listener = listener;
    }

    /** The position of the last commit this applier made (also by its parallel lanes); empty before the first. */
    @Override
    public Optional<Position> durable() {
        return Optional.ofNullable(durable);
    }

    /** The encoded position stored on the follower ({@link Position#encode()}), empty if none yet. */
    public Optional<String> storedPosition() {
        return readStored().map(PositionStore.Stored::encoded);
    }

    /** For a follower with no position yet: records a start position in its own transaction. */
    public void initializePosition(Position start) {
        try (Connection c = pool.getConnection()) {
            try {
                positions.initialize(c, start, clock.instant());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot record start position " + start.describe(), e,
                    "Check the user's privileges on understudy.applied_position.");
        }
        loadStatus();
        LOG.info("{}: start position recorded: {}", where, start.describe());
    }

    /** A snapshot of progress; thread-safe. */
    public ApplierStatus status() {
        return status;
    }

    @Override
    public void begin(String transactionId) {
        begin(transactionId, null);
    }

    @Override
    public void begin(String transactionId, Position start) {
        if (inLeaderTransaction) {
            throw new IllegalStateException(where + ": begin(" + transactionId + ") while transaction " + txId
                    + " is open; call commit or abort first");
        }
        scope = handOver.scope(start);
        foreignKeys();
        txId = transactionId;
        txRows = 0;
        inLeaderTransaction = true;
        if (tx != null) {
            return; // folded into the open follower transaction
        }
        try {
            tx = pool.getConnection();
            String setup = dialect.transactionSetup(replicaRole);
            if (setup != null) {
                StatementWriter.run(tx, setup);
            }
        } catch (SQLException e) {
            discard();
            throw Failures.wrap(where, "cannot start a follower transaction for leader transaction " + transactionId,
                    e, "Check the follower's state and the user's privileges.");
        }
    }

    @Override
    public void changes(List<RowChange> changes) {
        requireOpen("changes");
        buffer.addAll(changes);
        txRows += changes.size();
        if (buffer.size() >= FLUSH_ROWS) {
            flush();
        }
    }

    @Override
    public void commit(Transaction transaction) {
        requireOpen("commit");
        flush(); // a failing row still names its own leader transaction
        inLeaderTransaction = false;
        lastFolded = transaction;
        lastFoldedId = txId;
        folded++;
        foldedRows += txRows;
        if (folded >= FOLD_TRANSACTIONS || foldedRows >= FOLD_ROWS) {
            commitFold();
        }
    }

    /** Commits the folded leader transactions, if any; see the class comment. */
    @Override
    public void endOfBatch() {
        if (folded > 0 && !inLeaderTransaction) {
            commitFold();
        }
    }

    private void commitFold() {
        Transaction last = lastFolded;
        String what = folded == 1 ? "leader transaction " + last.id()
                : folded + " leader transactions up to " + last.id();
        try {
            Instant appliedAt = clock.instant();
            positions.write(tx, last.position(), lastFoldedId,
                    last.commitTime(), appliedAt, folded, foldedRows);
            tx.commit();
            record(new ApplyLanes.Committed(last, lastFoldedId, folded, foldedRows, appliedAt));
        } catch (SQLException e) {
            discard();
            throw Failures.wrap(where, "cannot commit " + what + " at " + last.position().describe(), e,
                    "Nothing of it was committed; Understudy resumes from the position stored before it.");
        }
        release();
    }

    /**
     * Applies a leader DDL statement and stores the position after it; see {@link SchemaChangeWriter} for what
     * each follower kind does and where the step is not atomic (MariaDB/MySQL).
     *
     * @throws io.understudy.model.UnsupportedSchemaChangeException when a PostgreSQL follower cannot take it
     */
    @Override
    public void schemaChange(SchemaChange change) {
        endOfBatch(); // everything before the DDL is committed first
        if (tx != null) {
            throw SchemaChangeWriter.notInTransaction(where, txId);
        }
        if (handOver.holds(change)) {
            LOG.info("{}: {} is already in the snapshot copy; skipped", where, change.ddl());
            return;
        }
        Instant appliedAt = clock.instant();
        ddl.apply(pool, change, dialect.transactionSetup(replicaRole), appliedAt);
        catalog.clear(); // table definitions changed
        readForeignKeys(); // the statement may have added, dropped or changed keys
        synchronized (this) {
            transactions++;
            durable = change.position();
            status = new ApplierStatus(where.name(), change.id(), change.position().describe(), change.commitTime(),
                    appliedAt, transactions, rows);
        }
        listener.accept(new Applied(change.position(), change.commitTime(), appliedAt));
    }

    @Override
    public void abort() {
        discard();
    }

    /**
     * Commits folded transactions that are complete (a graceful stop loses no work), rolls back a leader
     * transaction in flight, and closes the pool.
     */
    @Override
    public void close() {
        ParallelApply p;
        synchronized (this) {
            p = parallel;
            parallel = null;
        }
        if (p != null) {
            p.close();
        }
        try {
            if (folded > 0 && !inLeaderTransaction) {
                commitFold();
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: committing the last folded transactions on close failed; they are read again", where, e);
        } finally {
            discard();
            pool.close();
        }
    }

    private void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        try {
            ordered.write(tx, buffer, foreignKeys, scope, txId);
            buffer.clear();
        } catch (RuntimeException e) {
            discard();
            throw e;
        }
    }

    private void requireOpen(String call) {
        if (tx == null || !inLeaderTransaction) {
            throw new IllegalStateException(where + ": " + call + " without begin");
        }
    }

    /** Rolls back and forgets the transaction in flight; safe to call any time. */
    private void discard() {
        if (tx != null) {
            try {
                tx.rollback();
            } catch (SQLException e) {
                LOG.debug("{}: rollback of transaction {} failed (the connection is dropped anyway)", where, txId, e);
            }
            catalog.clear(); // the operator may fix follower tables before the retry
        }
        release();
    }

    private void release() {
        if (tx != null) {
            try {
                tx.close();
            } catch (SQLException e) {
                LOG.debug("{}: closing connection failed", where, e);
            }
        }
        tx = null;
        txId = null;
        txRows = 0;
        inLeaderTransaction = false;
        lastFolded = null;
        lastFoldedId = null;
        folded = 0;
        foldedRows = 0;
        buffer.clear();
    }

    /**
     * The leader's cascading foreign keys to replay, read again first when they are older than the source allows.
     * Called by the thread that delivers transactions, between them.
     */
    ForeignKeyGraph foreignKeys() {
        Duration every = cascadeSource.rereadEvery();
        if (every != null && Duration.between(foreignKeysReadAt, clock.instant()).compareTo(every) >= 0) {
            readForeignKeys();
        }
        return foreignKeys;
    }

    private void readForeignKeys() {
        ForeignKeyGraph read = cascadeSource.read().get();
        foreignKeysReadAt = clock.instant();
        ForeignKeyGraph before = foreignKeys;
        if (before != null && before.keys().equals(read.keys())) {
            return; // the same object: parallel apply starts a new group when the keys change
        }
        foreignKeys = read;
        if (before != null || !read.isEmpty()) {
            LOG.info(read.isEmpty() ? "{}: no cascading foreign keys of the leader to replay" + (before == null ? "" : " any more")
                    : "{}: replaying {} of the leader (it does not log the rows they change)", where, read);
        }
    }

    private Optional<PositionStore.Stored> readStored() {
        try (Connection c = pool.getConnection()) {
            Optional<PositionStore.Stored> stored = positions.read(c);
            c.commit();
            return stored;
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot read the stored position from understudy.applied_position", e,
                    "Check the user's privileges on schema understudy.");
        }
    }

    private void loadStatus() {
        readStored().ifPresent(s -> status = new ApplierStatus(where.name(), s.transactionId(), s.description(),
                s.leaderCommitTime(), s.appliedAt(), transactions, rows));
    }
}

package io.understudy.snapshot;

import io.understudy.applier.SnapshotProgress;
import io.understudy.applier.SnapshotWriter;
import io.understudy.config.FollowerConfig;
import io.understudy.model.Op;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a follower over from its snapshot to streaming without gap or duplicate. Streaming starts at the
 * smallest snapshot position; a change to a row of table T is dropped when its transaction started before the
 * position T's copy of that row is consistent with (the copy already contains it) and passed on otherwise.
 * Transactions start positions come from {@link TransactionHandler#begin(String, Position)}. A key-changing
 * UPDATE is judged per image: the removal of the old key and the write of the new key separately.
 * Once a transaction starts at or after the largest snapshot position, the filter passes everything.
 *
 * <p>Called by one thread at a time, like any {@link TransactionHandler}; not thread-safe.
 */
public final class SnapshotFilter implements TransactionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFilter.class);

    private final String follower;
    private final Map<TableId, Cutoffs> tables = new HashMap<>();
    private final Position last;
    private final TransactionHandler next;
    private boolean active;
    private Position before;

    /** @param progress the follower's snapshot progress rows; every one must be done */
    public SnapshotFilter(String follower, List<SnapshotProgress> progress, TransactionHandler next) {
        this.follower = follower;
        this.next = next;
        List<Position> maxima = new ArrayList<>();
        for (SnapshotProgress p : progress) {
            if (!p.done()) {
                throw new ReplicationException("follower '" + follower + "': the snapshot of " + p.table()
                        + " is not finished (" + p.rowsCopied() + " rows copied); run `understudy snapshot --follower "
                        + follower + "` again to complete it before streaming");
            }
            Cutoffs c = Cutoffs.of(p);
            tables.put(p.table(), c);
            maxima.add(c.max());
        }
        this.last = maxima.isEmpty() ? null : Collections.max(maxima, Positions.ORDER);
        this.active = last != null;
    }

    /**
     * Reads the follower's snapshot progress and returns a filter around {@code next}, or {@code next} itself
     * when the follower has none.
     *
     * @throws ReplicationException when a snapshot on this follower is unfinished
     */
    public static TransactionHandler around(FollowerConfig follower, Clock clock, TransactionHandler next) {
        List<SnapshotProgress> progress;
        try (SnapshotWriter writer = SnapshotWriter.open(follower, 2, clock)) {
            progress = writer.progress();
        }
        if (progress.isEmpty()) {
            return next;
        }
        SnapshotFilter filter = new SnapshotFilter(follower.name(), progress, next);
        LOG.info("follower {}: snapshot hand-over: changes to {} table(s) older than their snapshot are skipped until {}",
                follower.name(), progress.size(), filter.last);
        return filter;
    }

    /** Whether the filter still drops changes (false once streaming passed every snapshot position). */
    public boolean active() {
        return active;
    }

    @Override
    public void begin(String transactionId) throws InterruptedException {
        if (active) {
            throw new ReplicationException("follower '" + follower + "': transaction " + transactionId
                    + " arrived without its start position, so the snapshot hand-over cannot tell whether the copy"
                    + " already contains it; use the binlog capture");
        }
        next.begin(transactionId);
    }

    @Override
    public void begin(String transactionId, Position start) throws InterruptedException {
        before = start;
        if (active && Positions.compare(before, last) >= 0) {
            active = false;
            LOG.info("follower '{}': streaming passed the last snapshot position {}; snapshot hand-over complete",
                    follower, last);
        }
        next.begin(transactionId, start);
    }

    @Override
    public void changes(List<RowChange> changes) throws InterruptedException {
        if (!active) {
            next.changes(changes);
            return;
        }
        List<RowChange> kept = new ArrayList<>(changes.size());
        for (RowChange change : changes) {
            keep(change, kept);
        }
        if (!kept.isEmpty()) {
            next.changes(kept);
        }
    }

    private void keep(RowChange change, List<RowChange> kept) {
        Cutoffs cut = tables.get(change.table());
        if (cut == null) {
            kept.add(change);
            return;
        }
        if (change.op() == Op.TRUNCATE) {
            if (!copied(cut.min())) {
                kept.add(change);
            } else if (!copied(cut.max())) {
                throw new ReplicationException("follower '" + follower + "': TRUNCATE of " + change.table() + " at "
                        + before + " falls between the positions of a resumed snapshot of that table; copy it again: stop `understudy run`,"
                        + " then `understudy snapshot --follower " + follower + " --table " + change.table() + "`");
            }
            return;
        }
        if (!change.changesKey()) {
            if (!copied(cut.positionFor(change.key(change.identity())))) {
                kept.add(change);
            }
            return;
        }
        boolean removeOld = !copied(cut.positionFor(change.key(change.before())));
        boolean writeNew = !copied(cut.positionFor(change.key(change.after())));
        if (removeOld && writeNew) {
            kept.add(change);
        } else if (removeOld) {
            kept.add(new RowChange(change.table(), Op.DELETE, change.before(), null, change.keyColumns()));
        } else if (writeNew) {
            kept.add(new RowChange(change.table(), Op.INSERT, null, change.after(), change.keyColumns()));
        }
    }

    /** Whether the current transaction is contained in a copy consistent with {@code snapshot}. */
    private boolean copied(Position snapshot) {
        return Positions.compare(before, snapshot) < 0;
    }

    @Override
    public void commit(Transaction transaction) throws InterruptedException {
        next.commit(transaction);
    }

    /**
     * DDL on a copied table that the copy already reflects (it ran before the table's snapshot) is skipped,
     * like the rows; DDL between two snapshot positions of a resumed table cannot be placed and stops.
     */
    @Override
    public void schemaChange(SchemaChange change) throws InterruptedException {
        if (active) {
            Position after = change.position();
            for (SchemaChange.TableStructure t : change.tables()) {
                Cutoffs cut = tables.get(t.table());
                if (cut == null || Positions.compare(after, cut.max()) > 0) {
                    continue;
                }
                if (Positions.compare(after, cut.min()) <= 0 && change.tables().size() == 1) {
                    LOG.info("follower '{}': {} is already in the snapshot of {}; skipped", follower, change.ddl(), t.table());
                    return;
                }
                throw new ReplicationException("follower '" + follower + "': DDL " + change.ddl() + " at " + after
                        + " ran while " + t.table() + " was being copied; copy that table again: stop `understudy run`, then"
                        + " `understudy snapshot --follower " + follower + " --table " + t.table() + "`");
            }
        }
        next.schemaChange(change);
    }

    @Override
    public void abort() {
        next.abort();
    }

    @Override
    public java.util.Optional<Position> durable() {
        return next.durable();
    }

    @Override
    public void endOfBatch() throws InterruptedException {
        next.endOfBatch();
    }
}

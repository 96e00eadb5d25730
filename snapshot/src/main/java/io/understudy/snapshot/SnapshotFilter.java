package io.understudy.snapshot;

import io.understudy.applier.HandOver;
import io.understudy.applier.SnapshotProgress;
import io.understudy.applier.SnapshotWriter;
import io.understudy.config.FollowerConfig;
import io.understudy.model.Op;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a follower over from its snapshot to streaming without gap or duplicate: the {@link HandOver} the applier asks.
 * Streaming starts at the smallest snapshot position; a change to a row of table T is dropped when its transaction
 * started before the position T's copy of that row is consistent with (the copy already contains it) and passed on
 * otherwise; a foreign-key cascade of the transaction is replayed only into rows the copy does not hold that way.
 * Transactions' start positions come from {@link io.understudy.model.TransactionHandler#begin(String, Position)}. A
 * key-changing UPDATE is judged per image: the removal of the old key and the write of the new key separately.
 * Once a transaction starts at or after the largest snapshot position, everything passes.
 *
 * <p>Thread-safe: {@link #scope} is called by the thread that delivers transactions, the scopes it returns are
 * immutable and used by the apply lanes.
 */
public final class SnapshotFilter implements HandOver {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFilter.class);

    private final String follower;
    private final Map<TableId, Cutoffs> tables = new HashMap<>();
    private final Position last;
    private final AtomicBoolean complete = new AtomicBoolean();

    /** @param progress the follower's snapshot progress rows; every one must be done */
    public SnapshotFilter(String follower, List<SnapshotProgress> progress) {
        this.follower = follower;
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
        complete.set(last == null);
    }

    /**
     * Reads the follower's snapshot progress and returns the hand-over from it, or {@link HandOver#NONE} when the
     * follower has none.
     *
     * @throws ReplicationException when a snapshot on this follower is unfinished
     */
    public static HandOver load(FollowerConfig follower, Clock clock) {
        List<SnapshotProgress> progress;
        try (SnapshotWriter writer = SnapshotWriter.open(follower, 2, clock)) {
            progress = writer.progress();
        }
        if (progress.isEmpty()) {
            return HandOver.NONE;
        }
        SnapshotFilter filter = new SnapshotFilter(follower.name(), progress);
        LOG.info("follower {}: snapshot hand-over: changes to {} table(s) older than their snapshot are skipped until {}",
                follower.name(), progress.size(), filter.last);
        return filter;
    }

    /** Whether changes are still dropped (false once streaming passed every snapshot position). */
    public boolean active() {
        return !complete.get();
    }

    @Override
    public Scope scope(Position start) {
        if (complete.get()) {
            return Scope.LIVE;
        }
        if (start == null) {
            throw new ReplicationException("follower '" + follower + "': a transaction arrived without its start"
                    + " position, so the snapshot hand-over cannot tell whether the copy already contains it; use the"
                    + " binlog capture");
        }
        if (Positions.compare(start, last) >= 0) {
            complete.set(true);
            LOG.info("follower '{}': streaming passed the last snapshot position {}; snapshot hand-over complete",
                    follower, last);
            return Scope.LIVE;
        }
        return new TransactionScope(start);
    }

    /** What the copies hold of the transaction that started at {@code before}. */
    private final class TransactionScope implements Scope {
        private final Position before;

        TransactionScope(Position before) {
            this.before = before;
        }

        @Override
        public boolean live() {
            return false;
        }

        @Override
        public RowChange pending(RowChange change) {
            Cutoffs cut = tables.get(change.table());
            if (cut == null) {
                return change;
            }
            if (change.op() == Op.TRUNCATE) {
                if (!copied(cut.min())) {
                    return change;
                }
                if (!copied(cut.max())) {
                    throw new ReplicationException("follower '" + follower + "': TRUNCATE of " + change.table() + " at "
                            + before + " falls between the positions of a resumed snapshot of that table; copy it again:"
                            + " stop `understudy run`, then `understudy snapshot --follower " + follower + " --table "
                            + change.table() + "`");
                }
                return null;
            }
            if (!change.changesKey()) {
                return copied(cut.positionFor(change.key(change.identity()))) ? null : change;
            }
            boolean removeOld = !copied(cut.positionFor(change.key(change.before())));
            boolean writeNew = !copied(cut.positionFor(change.key(change.after())));
            if (removeOld && writeNew) {
                return change;
            }
            if (removeOld) {
                return new RowChange(change.table(), Op.DELETE, change.before(), null, change.keyColumns());
            }
            return writeNew ? new RowChange(change.table(), Op.INSERT, null, change.after(), change.keyColumns()) : null;
        }

        @Override
        public Coverage coverage(TableId table) {
            Cutoffs cut = tables.get(table);
            if (cut == null || !copied(cut.max())) {
                return Coverage.NONE; // started after every part of the copy
            }
            return copied(cut.min()) ? Coverage.ALL : Coverage.BY_KEY;
        }

        @Override
        public boolean copied(TableId table, List<Object> key) {
            Cutoffs cut = tables.get(table);
            return cut != null && copied(cut.positionFor(key));
        }

        /** Whether this transaction is contained in a copy consistent with {@code snapshot}. */
        private boolean copied(Position snapshot) {
            return Positions.compare(before, snapshot) < 0;
        }
    }

    /**
     * DDL on a copied table that the copy already reflects (it ran before the table's snapshot) is skipped,
     * like the rows; DDL between two snapshot positions of a resumed table cannot be placed and stops.
     */
    @Override
    public boolean holds(SchemaChange change) {
        if (complete.get()) {
            return false;
        }
        Position after = change.position();
        for (SchemaChange.TableStructure t : change.tables()) {
            Cutoffs cut = tables.get(t.table());
            if (cut == null || Positions.compare(after, cut.max()) > 0) {
                continue;
            }
            if (Positions.compare(after, cut.min()) <= 0 && change.tables().size() == 1) {
                return true;
            }
            throw new ReplicationException("follower '" + follower + "': DDL " + change.ddl() + " at " + after
                    + " ran while " + t.table() + " was being copied; copy that table again: stop `understudy run`, then"
                    + " `understudy snapshot --follower " + follower + " --table " + t.table() + "`");
        }
        return false;
    }
}

package io.understudy.applier;

import io.understudy.model.Position;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import java.util.List;

/**
 * What a snapshot copy on the follower already holds, for the transactions streamed right after it (the hand-over of
 * docs/snapshot.md). The applier asks it, per leader transaction, which of its row changes to write and which follower
 * rows a foreign-key cascade of that transaction may still touch: a table copied after the transaction already shows
 * the cascade's effect. {@link #NONE} when the follower has no snapshot to hand over from.
 *
 * <p>Implementations are immutable and thread-safe: parallel apply lanes ask from their own threads.
 */
public interface HandOver {
    /** Nothing is copied: every change is written, every cascade replayed, every DDL applied. */
    HandOver NONE = new HandOver() {
        @Override
        public Scope scope(Position start) {
            return Scope.LIVE;
        }

        @Override
        public boolean holds(SchemaChange change) {
            return false;
        }
    };

    /**
     * The view for the transaction whose first log event is at {@code start} (see
     * {@link io.understudy.model.TransactionHandler#begin(String, Position)}).
     *
     * @param start null when the source did not say
     * @throws io.understudy.model.ReplicationException when the hand-over is still under way and {@code start} is null
     */
    Scope scope(Position start);

    /**
     * Whether the copy already reflects this DDL statement, so the applier must skip it.
     *
     * @throws io.understudy.model.ReplicationException when the statement ran while a table it touches was being
     *                                                  copied, so it cannot be placed
     */
    boolean holds(SchemaChange change);

    /** How much of a table's follower rows already reflect one transaction. */
    enum Coverage {
        /** No row: the table streams (or was copied before the transaction). */
        NONE,
        /** Every row: the table was copied after the transaction. */
        ALL,
        /** Some rows, decided per key ({@link Scope#copied}): a copy resumed at another position by key range. */
        BY_KEY
    }

    /** Which follower rows already reflect one transaction. Immutable and thread-safe. */
    interface Scope {
        /** The scope of a transaction no copy holds anything of. */
        Scope LIVE = new Scope() {
            @Override
            public boolean live() {
                return true;
            }

            @Override
            public RowChange pending(RowChange change) {
                return change;
            }

            @Override
            public Coverage coverage(TableId table) {
                return Coverage.NONE;
            }

            @Override
            public boolean copied(TableId table, List<Object> key) {
                return false;
            }
        };

        /** True when no copy holds anything of this transaction (the fast path: write everything). */
        boolean live();

        /**
         * What the follower must still write of {@code change}: the change itself, one half of a key-changing update
         * (the delete of the old key, or the insert of the new one), or null when the copy holds all of it.
         *
         * @throws io.understudy.model.ReplicationException when the change cannot be placed (a TRUNCATE between the
         *                                                  positions of a resumed copy)
         */
        RowChange pending(RowChange change);

        /** How much of {@code table}'s follower rows already reflect this transaction. */
        Coverage coverage(TableId table);

        /** Whether the follower's row of {@code table} with primary key {@code key} already reflects this transaction. */
        boolean copied(TableId table, List<Object> key);
    }
}

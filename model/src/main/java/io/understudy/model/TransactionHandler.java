package io.understudy.model;

import java.util.List;
import java.util.Optional;

/**
 * Receives leader transactions in leader commit order, streamed so that a transaction of any size
 * never has to fit in memory: {@link #begin}, zero or more {@link #changes} calls, then {@link #commit}.
 * A source never interleaves two transactions. If the source fails or is closed between
 * {@code begin} and {@code commit}, it calls {@link #abort} and the handler must discard the partial
 * transaction (nothing of it may become visible).
 *
 * <p>Any exception thrown by a method stops the source; the transaction in flight is aborted.
 * Implementations are called from one thread at a time and need not be thread-safe.
 */
public interface TransactionHandler {
    void begin(String transactionId) throws InterruptedException;

    /**
     * Like {@link #begin(String)}, also telling where the transaction starts in the leader's log: a position
     * inside the transaction's own log range (for a binlog source, the offset of its first row event's
     * transaction), so that every transaction committed before a log position P has {@code before < P} and
     * every later one has {@code before >= P}. Sources call this form; the default ignores {@code before}.
     */
    default void begin(String transactionId, Position before) throws InterruptedException {
        begin(transactionId);
    }

    void changes(List<RowChange> changes) throws InterruptedException;

    void commit(Transaction transaction) throws InterruptedException;

    void abort();

    /**
     * The source has delivered every transaction it had at hand (for the binlog, the end of a batch of log
     * events) and is about to wait for more. A handler that folds several committed transactions into one
     * durable step (see the applier) must make them durable now, so that no committed transaction waits for
     * the next one. Called between transactions only. The default does nothing.
     */
    default void endOfBatch() throws InterruptedException {
    }

    /**
     * The position of the last transaction this handler has made durable (committed on the follower together with
     * its position), or empty when it cannot tell. A handler may commit later than {@link #endOfBatch()} returns (the
     * applier's parallel lanes commit in the background), so a source that releases leader-side data once it is
     * applied (trigger mode's purge) must go by this, never by what it delivered. Thread-safe. Default: empty.
     */
    default Optional<Position> durable() {
        return Optional.empty();
    }

    /**
     * A leader DDL statement on a replicated table, delivered between transactions (never while one is
     * open): everything before it was committed, nothing after it has begun. The handler applies it and
     * stores {@link SchemaChange#position()} as its resume point.
     *
     * @throws UnsupportedSchemaChangeException when the follower cannot take the statement
     */
    default void schemaChange(SchemaChange change) throws InterruptedException {
        throw new UnsupportedSchemaChangeException("this follower does not apply DDL: " + change.ddl() + " at "
                + change.position().describe() + "; " + UnsupportedSchemaChangeException.waysOut(change),
                change.position());
    }
}

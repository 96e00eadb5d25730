package io.understudy.model;

import java.util.Optional;

/**
 * Reads committed transactions from the leader, in commit order, starting after a stored position.
 *
 * <p>{@link #run} blocks until {@link #close()} is called from another thread (then it returns
 * normally), the thread is interrupted, or reading fails (then it throws). A source is used for one
 * {@code run}; make a new one to resume. {@code close()} is thread-safe.
 */
public interface ChangeSource extends AutoCloseable {
    /**
     * @param resumeAfter the position stored by the follower, or empty to start at the leader's current position
     */
    void run(Optional<Position> resumeAfter, TransactionHandler handler) throws InterruptedException;

    /** The leader's current log position, as a resume point for a follower that has none yet. */
    Position currentPosition();

    @Override
    void close();
}

package io.understudy.cli.daemon;

import io.understudy.model.Position;
import io.understudy.model.Token;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What each follower has committed, as its applier reports it right after each follower commit: the truth readers
 * wait on ({@code /wait}) and lag is measured by. Thread-safe; waiters wake on every commit, not by polling.
 */
final class AppliedPositions {
    /** A follower's newest committed position; leaderCommitTime is null for a position read back at start. */
    record Applied(Position position, Optional<Token> token, Instant leaderCommitTime, Instant appliedAt) {
    }

    private final Map<String, Applied> applied = new HashMap<>();

    synchronized void update(String follower, Position position, Instant leaderCommitTime, Instant appliedAt) {
        applied.put(follower, new Applied(position, Token.of(position, Token.FIRST_EPOCH), leaderCommitTime, appliedAt));
        notifyAll();
    }

    /** A position read back from the follower at start; keeps a commit time already known for the same position. */
    synchronized void resumed(String follower, Position position, Instant leaderCommitTime) {
        Applied known = applied.get(follower);
        if (known == null || !known.position().encode().equals(position.encode())) {
            applied.put(follower, new Applied(position, Token.of(position, Token.FIRST_EPOCH), leaderCommitTime, null));
            notifyAll();
        }
    }

    synchronized Optional<Applied> get(String follower) {
        return Optional.ofNullable(applied.get(follower));
    }

    synchronized Map<String, Applied> snapshot() {
        return Map.copyOf(applied);
    }

    /** Wakes waiters to look again (a follower failed, so what they wait for may have become impossible). */
    synchronized void changed() {
        notifyAll();
    }

    /**
     * Waits until {@code done} gives a result for the current positions, or {@code timeoutNanos} passed; returns the
     * last result of {@code done}, which may be empty.
     */
    synchronized <T> Optional<T> await(Function<Map<String, Applied>, Optional<T>> done, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            Optional<T> result = done.apply(Map.copyOf(applied));
            long left = deadline - System.nanoTime();
            if (result.isPresent() || left <= 0) {
                return result;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}

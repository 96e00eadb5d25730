package io.understudy.client;

import io.understudy.model.Token;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * Recent readings of the leader's position, for bounded staleness: a follower that has the leader's position of time
 * t holds every commit before t, so a read within {@code maxLag} needs the oldest reading not older than
 * {@code maxLag}. Readings are taken when a read needs one and the newest is older than a quarter of the bound, so an
 * idle application asks the leader nothing. Thread-safe.
 */
final class LeaderPositions implements AutoCloseable {
    private record Reading(Token token, long nanos) {
    }

    private final ReadRouter router;
    private final Deque<Reading> readings = new ArrayDeque<>();

    LeaderPositions(ReadRouter router) {
        this.router = router;
    }

    synchronized Optional<Token> floor(Duration maxLag) throws SQLException {
        long now = System.nanoTime();
        Reading newest = readings.peekFirst();
        if (newest == null || now - newest.nanos() > maxLag.toNanos() / 4) {
            try (Connection c = router.leader().getConnection()) {
                readings.addFirst(new Reading(router.leaderNow(c), now)); // taken after 'now': at least as new
            }
        }
        Token floor = null;
        for (Iterator<Reading> it = readings.iterator(); it.hasNext(); ) {
            Reading r = it.next();
            if (now - r.nanos() <= maxLag.toNanos()) {
                floor = r.token(); // newest first: the last one kept is the oldest within the bound
            } else {
                it.remove();
            }
        }
        return Optional.ofNullable(floor);
    }

    @Override
    public synchronized void close() {
        readings.clear();
    }
}

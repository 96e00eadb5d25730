package io.understudy.trigger;

import io.understudy.config.Endpoint;
import io.understudy.model.TickPosition;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * For {@code understudy snapshot} in trigger mode: a consistent leader snapshot together with the tick that stands
 * for exactly it, so a table copied in that snapshot holds precisely the batches up to the tick and streaming
 * continues with the next one (docs/trigger-mode.md, "New followers"). Stateless and thread-safe.
 */
public final class SnapshotTicks {
    private SnapshotTicks() {
    }

    /**
     * Starts a REPEATABLE READ snapshot on {@code copy} (a connection to {@code leader}; read the tables in its
     * transaction) and records it as a new tick.
     */
    public static TickPosition begin(Endpoint leader, Connection copy) throws SQLException {
        LeaderLink link = new LeaderLink(leader);
        try (Connection ticker = link.open()) {
            String installation = Consumers.installation(ticker);
            return new TickPosition(link.dialect().tickForSnapshot(ticker, copy), installation);
        } finally {
            link.closed();
        }
    }

    /**
     * Registers {@code follower} on the leader at its newest tick unless it is registered already, so the purge
     * keeps every change a snapshot in progress will need.
     */
    public static void register(Endpoint leader, String follower) throws SQLException {
        LeaderLink link = new LeaderLink(leader);
        try (Connection c = link.open()) {
            new Consumers(link.dialect()).registerIfAbsent(c, follower, Consumers.newestTick(c));
        } finally {
            link.closed();
        }
    }
}

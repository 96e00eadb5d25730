package io.understudy.cli.daemon;

import java.time.Instant;

/**
 * What one follower pipeline is doing, for status, health and metrics. Immutable.
 *
 * @param follower        follower name
 * @param phase           STARTING, STREAMING, RETRYING (follower or leader unreachable) or FAILED (needs an operator)
 * @param position        description of the last applied position, or "" before the first
 * @param lastCommitTime  leader commit time of the last applied transaction, or null
 * @param lastAppliedAt   when it was applied on the follower, or null
 * @param transactions    transactions applied since the daemon started
 * @param rows            row changes applied since the daemon started
 * @param error           the last error message, or "" when healthy
 */
public record FollowerState(String follower, Phase phase, String position, Instant lastCommitTime,
                            Instant lastAppliedAt, long transactions, long rows, String error) {
    public enum Phase { STARTING, STREAMING, RETRYING, FAILED, STOPPED }

    static FollowerState starting(String follower) {
        return new FollowerState(follower, Phase.STARTING, "", null, null, 0, 0, "");
    }

    FollowerState with(Phase newPhase, String newError) {
        return new FollowerState(follower, newPhase, position, lastCommitTime, lastAppliedAt, transactions, rows, newError);
    }

    /** Seconds between the leader's commit and the follower's apply of the last transaction; 0 before the first. */
    public double applyDelaySeconds() {
        if (lastCommitTime == null || lastAppliedAt == null) {
            return 0;
        }
        return Math.max(0, (lastAppliedAt.toEpochMilli() - lastCommitTime.toEpochMilli()) / 1000.0);
    }
}

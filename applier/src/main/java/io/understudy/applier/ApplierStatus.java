package io.understudy.applier;

import java.time.Instant;

/**
 * A snapshot of one follower's progress. Immutable and thread-safe.
 *
 * @param follower              the follower's configured name
 * @param lastTransactionId     leader id of the last applied transaction, or null if none is known
 * @param position              human description of the stored position, or null if none is stored yet
 * @param leaderCommitTime      leader commit time of the last applied transaction, or null
 * @param appliedAt             when it was committed on the follower, or null
 * @param transactionsApplied   transactions committed since this applier was opened
 * @param rowsApplied           row changes committed since this applier was opened
 */
public record ApplierStatus(String follower, String lastTransactionId, String position, Instant leaderCommitTime,
                            Instant appliedAt, long transactionsApplied, long rowsApplied) {
}

package io.understudy.snapshot;

import io.understudy.model.TableId;
import java.util.List;

/**
 * How to run a snapshot.
 *
 * @param parallel    tables copied at once (one leader connection and one follower connection each), 1..64
 * @param chunkSize   rows per chunk (one leader read, one follower transaction), 1..1,000,000
 * @param foreignKeys whether to add the leader's foreign keys between included tables on the follower after the copy
 * @param dryRun      print the follower DDL and write nothing
 * @param tables      empty: bootstrap the whole follower; otherwise re-copy just these captured tables on a
 *                    follower that already streams (see docs/snapshot.md, "Re-copying tables")
 */
public record SnapshotOptions(int parallel, int chunkSize, boolean foreignKeys, boolean dryRun, List<TableId> tables) {
    public SnapshotOptions {
        if (parallel < 1 || parallel > 64) {
            throw new IllegalArgumentException("--parallel must be between 1 and 64, not " + parallel);
        }
        if (chunkSize < 1 || chunkSize > 1_000_000) {
            throw new IllegalArgumentException("--chunk-size must be between 1 and 1000000, not " + chunkSize);
        }
        tables = List.copyOf(tables);
    }

    /** Options for bootstrapping the whole follower. */
    public SnapshotOptions(int parallel, int chunkSize, boolean foreignKeys, boolean dryRun) {
        this(parallel, chunkSize, foreignKeys, dryRun, List.of());
    }
}

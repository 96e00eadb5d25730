package io.understudy.applier;

import io.understudy.model.TableId;
import java.util.Objects;

/**
 * One row of {@code understudy.snapshot_progress}: how far the snapshot of one leader table has got on a
 * follower. The applier stores the texts as given and never interprets them; {@code io.understudy.snapshot}
 * defines their format.
 *
 * @param table               the leader table
 * @param position            encoded leader position the current copy run is consistent with
 * @param description         that position for people
 * @param lastKey             the last copied key (snapshot's encoding), or null before the first chunk
 * @param earlierSegments     key ranges copied by earlier, interrupted runs with their positions (snapshot's
 *                            encoding), or null
 * @param rowsCopied          rows copied so far, over all runs
 * @param done                whether the table's copy is complete
 */
public record SnapshotProgress(TableId table, String position, String description, String lastKey,
                               String earlierSegments, long rowsCopied, boolean done) {
    public SnapshotProgress {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(description, "description");
    }
}

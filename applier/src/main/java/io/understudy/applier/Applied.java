package io.understudy.applier;

import io.understudy.model.Position;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What a follower has just committed: the position stored with it (so everything up to it is visible to readers
 * now), the leader commit time of its last transaction and when the follower committed it.
 */
public record Applied(Position position, Instant leaderCommitTime, Instant appliedAt) {
    /** Told about each commit, from the thread that made it, right after the follower committed. Must not block. */
    public interface Listener extends Consumer<Applied> {
    }
}

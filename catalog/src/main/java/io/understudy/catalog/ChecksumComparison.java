package io.understudy.catalog;

import io.understudy.model.TableId;
import java.util.Objects;

/** The leader's and a follower's checksum of one table. Immutable and thread-safe. */
public record ChecksumComparison(TableId table, Checksum leader, Checksum follower) {
    public ChecksumComparison {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(follower, "follower");
    }

    /** Whether both sides hold the same rows. */
    public boolean matches() {
        return leader.equals(follower);
    }
}
